package main

import (
	"testing"

	rbac "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	rbacfilter "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	matcher "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
)

func regex(re string) *matcher.StringMatcher {
	return &matcher.StringMatcher{MatchPattern: &matcher.StringMatcher_SafeRegex{SafeRegex: &matcher.RegexMatcher{Regex: re}}}
}

// The shape Istio gives an ALLOW policy with `from.source.namespaces` and `when connection.sni`.
func namespacePolicy(namespaces ...string) *rbacfilter.RBAC {
	var ids []*rbac.Principal
	for _, ns := range namespaces {
		ids = append(ids, &rbac.Principal{Identifier: &rbac.Principal_Authenticated_{
			Authenticated: &rbac.Principal_Authenticated{PrincipalName: regex(".*/ns/" + ns + "/.*")},
		}})
	}
	return &rbacfilter.RBAC{StatPrefix: "tcp.", Rules: &rbac.RBAC{
		Action: rbac.RBAC_ALLOW,
		Policies: map[string]*rbac.Policy{
			"ns[istio-system]-policy[cnn]-rule[0]": {
				Permissions: []*rbac.Permission{{Rule: &rbac.Permission_AndRules{AndRules: &rbac.Permission_Set{Rules: []*rbac.Permission{
					{Rule: &rbac.Permission_OrRules{OrRules: &rbac.Permission_Set{Rules: []*rbac.Permission{
						{Rule: &rbac.Permission_RequestedServerName{RequestedServerName: &matcher.StringMatcher{MatchPattern: &matcher.StringMatcher_Exact{Exact: "edition.cnn.com"}}}},
					}}}},
				}}}}},
				Principals: []*rbac.Principal{{Identifier: &rbac.Principal_AndIds{AndIds: &rbac.Principal_Set{Ids: []*rbac.Principal{
					{Identifier: &rbac.Principal_OrIds{OrIds: &rbac.Principal_Set{Ids: ids}}},
				}}}}},
			},
		},
	}}
}

func TestAdmitsOnlyTheListedNamespacesForTheHost(t *testing.T) {
	filters := []RBACFilter{*decodeRBAC(namespacePolicy("payments", "checkout"))}
	cases := []struct {
		peer Peer
		want bool
	}{
		{Peer{"spiffe://cluster.local/ns/payments/sa/default", "edition.cnn.com"}, true},
		{Peer{"spiffe://cluster.local/ns/checkout/sa/api", "edition.cnn.com"}, true},
		{Peer{"spiffe://cluster.local/ns/search/sa/default", "edition.cnn.com"}, false},
		{Peer{"spiffe://cluster.local/ns/payments/sa/default", "www.google.com"}, false},
		// The regex is anchored: a namespace whose name only contains "payments" is not admitted.
		{Peer{"spiffe://cluster.local/ns/payments-old/sa/default", "edition.cnn.com"}, false},
	}
	for _, c := range cases {
		if got := Admits(filters, c.peer); got != c.want {
			t.Errorf("Admits(%v) = %v, want %v", c.peer, got, c.want)
		}
	}
	if !Admits(nil, Peer{"spiffe://cluster.local/ns/search/sa/default", "x"}) {
		t.Error("a chain without RBAC filters admits every peer")
	}
}

func TestDenyAndUnknownConditions(t *testing.T) {
	deny := *decodeRBAC(namespacePolicy("search"))
	deny.Action = "DENY"
	if Admits([]RBACFilter{deny}, Peer{"spiffe://cluster.local/ns/search/sa/default", "edition.cnn.com"}) {
		t.Error("a matching DENY policy refuses the peer")
	}
	if !Admits([]RBACFilter{deny}, Peer{"spiffe://cluster.local/ns/payments/sa/default", "edition.cnn.com"}) {
		t.Error("a DENY policy that does not match lets the peer through")
	}
	unknown := RBACFilter{Action: "ALLOW", Policies: []RBACPolicy{{
		Name:        "ip",
		Principals:  [][]Condition{{{Field: "*rbacv3.Principal_SourceIp", Match: "unsupported"}}},
		Permissions: [][]Condition{{{Field: "any"}}},
	}}}
	if Admits([]RBACFilter{unknown}, Peer{"spiffe://cluster.local/ns/payments/sa/default", "edition.cnn.com"}) {
		t.Error("a condition the check does not understand never admits")
	}
}
