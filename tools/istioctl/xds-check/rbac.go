package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	rbac "github.com/envoyproxy/go-control-plane/envoy/config/rbac/v3"
	rbacfilter "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	matcher "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
)

const networkRBACType = "type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC"

// RBACFilter is a network RBAC filter of a filter chain: how Envoy enforces an Istio
// AuthorizationPolicy on a connection. Only enforced rules are summarised (shadow rules log only).
type RBACFilter struct {
	StatPrefix string       `json:"statPrefix,omitempty"`
	Action     string       `json:"action"`
	Policies   []RBACPolicy `json:"policies"`
}

// RBACPolicy admits (or denies) a connection when one of its principals and one of its
// permissions match. Each is a list of alternatives; an alternative is a list of conditions that
// must all hold.
type RBACPolicy struct {
	Name        string        `json:"name"`
	Principals  [][]Condition `json:"principals"`
	Permissions [][]Condition `json:"permissions"`
}

// Condition is one check on the connection: the peer's authenticated principal, the requested
// server name (SNI), or `any`. Other fields are named and never match in Admits.
type Condition struct {
	Field string `json:"field"`
	Match string `json:"match,omitempty"` // exact, prefix, suffix, regex or contains
	Value string `json:"value,omitempty"`
	Not   bool   `json:"not,omitempty"`
}

func decodeRBAC(f *rbacfilter.RBAC) *RBACFilter {
	out := &RBACFilter{StatPrefix: f.GetStatPrefix(), Policies: []RBACPolicy{}}
	rules := f.GetRules()
	if rules == nil {
		out.Action = "NONE"
		return out
	}
	out.Action = rules.GetAction().String()
	for name, p := range rules.GetPolicies() {
		policy := RBACPolicy{Name: name, Principals: [][]Condition{}, Permissions: [][]Condition{}}
		for _, id := range p.GetPrincipals() {
			policy.Principals = append(policy.Principals, principalAlternatives(id)...)
		}
		for _, perm := range p.GetPermissions() {
			policy.Permissions = append(policy.Permissions, permissionAlternatives(perm)...)
		}
		out.Policies = append(out.Policies, policy)
	}
	sort.Slice(out.Policies, func(i, j int) bool { return out.Policies[i].Name < out.Policies[j].Name })
	return out
}

func stringCondition(field string, m *matcher.StringMatcher) Condition {
	switch {
	case m.GetExact() != "":
		return Condition{Field: field, Match: "exact", Value: m.GetExact()}
	case m.GetPrefix() != "":
		return Condition{Field: field, Match: "prefix", Value: m.GetPrefix()}
	case m.GetSuffix() != "":
		return Condition{Field: field, Match: "suffix", Value: m.GetSuffix()}
	case m.GetSafeRegex() != nil:
		return Condition{Field: field, Match: "regex", Value: m.GetSafeRegex().GetRegex()}
	case m.GetContains() != "":
		return Condition{Field: field, Match: "contains", Value: m.GetContains()}
	}
	return Condition{Field: field, Match: "unsupported"}
}

// cross is the AND of lists of alternatives: every combination of one alternative from each.
func cross(sets [][][]Condition) [][]Condition {
	out := [][]Condition{{}}
	for _, set := range sets {
		var next [][]Condition
		for _, prefix := range out {
			for _, alt := range set {
				next = append(next, append(append([]Condition{}, prefix...), alt...))
			}
		}
		out = next
	}
	return out
}

func negate(alts [][]Condition) [][]Condition {
	if len(alts) == 1 && len(alts[0]) == 1 {
		c := alts[0][0]
		c.Not = !c.Not
		return [][]Condition{{c}}
	}
	return [][]Condition{{{Field: "not", Match: "unsupported"}}}
}

func principalAlternatives(p *rbac.Principal) [][]Condition {
	switch {
	case p.GetOrIds() != nil:
		var out [][]Condition
		for _, id := range p.GetOrIds().GetIds() {
			out = append(out, principalAlternatives(id)...)
		}
		return out
	case p.GetAndIds() != nil:
		var sets [][][]Condition
		for _, id := range p.GetAndIds().GetIds() {
			sets = append(sets, principalAlternatives(id))
		}
		return cross(sets)
	case p.GetNotId() != nil:
		return negate(principalAlternatives(p.GetNotId()))
	case p.GetAny():
		return [][]Condition{{{Field: "any"}}}
	case p.GetAuthenticated() != nil:
		return [][]Condition{{stringCondition("principal", p.GetAuthenticated().GetPrincipalName())}}
	case p.GetFilterState() != nil:
		fs := p.GetFilterState()
		return [][]Condition{{stringCondition("filterState:"+fs.GetKey(), fs.GetStringMatch())}}
	}
	return [][]Condition{{{Field: fmt.Sprintf("%T", p.GetIdentifier()), Match: "unsupported"}}}
}

func permissionAlternatives(p *rbac.Permission) [][]Condition {
	switch {
	case p.GetOrRules() != nil:
		var out [][]Condition
		for _, r := range p.GetOrRules().GetRules() {
			out = append(out, permissionAlternatives(r)...)
		}
		return out
	case p.GetAndRules() != nil:
		var sets [][][]Condition
		for _, r := range p.GetAndRules().GetRules() {
			sets = append(sets, permissionAlternatives(r))
		}
		return cross(sets)
	case p.GetNotRule() != nil:
		return negate(permissionAlternatives(p.GetNotRule()))
	case p.GetAny():
		return [][]Condition{{{Field: "any"}}}
	case p.GetRequestedServerName() != nil:
		return [][]Condition{{stringCondition("requestedServerName", p.GetRequestedServerName())}}
	}
	return [][]Condition{{{Field: fmt.Sprintf("%T", p.GetRule()), Match: "unsupported"}}}
}

// Peer is who opens a connection: its authenticated principal (a SPIFFE id) and the SNI it asks for.
type Peer struct {
	Principal string
	SNI       string
}

func (c Condition) holds(peer Peer) bool {
	var value string
	switch {
	case c.Field == "any":
		return !c.Not
	case c.Field == "principal", strings.HasPrefix(c.Field, "filterState:"):
		// Envoy matches the peer certificate's URI SAN, the whole SPIFFE id (Istio writes its
		// exact principals as spiffe://...).
		value = peer.Principal
	case c.Field == "requestedServerName":
		value = peer.SNI
	default:
		return false // not understood: never counts as a match
	}
	var ok bool
	switch c.Match {
	case "exact":
		ok = value == c.Value
	case "prefix":
		ok = strings.HasPrefix(value, c.Value)
	case "suffix":
		ok = strings.HasSuffix(value, c.Value)
	case "contains":
		ok = strings.Contains(value, c.Value)
	case "regex":
		// Envoy's safe_regex matches the whole value (RE2, as Go's regexp).
		re, err := regexp.Compile("^(?:" + c.Value + ")$")
		ok = err == nil && re.MatchString(value)
	default:
		return false
	}
	return ok != c.Not
}

func anyAlternative(alts [][]Condition, peer Peer) bool {
	for _, alt := range alts {
		all := true
		for _, c := range alt {
			if !c.holds(peer) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// Admits says whether the chain's RBAC filters let the peer's connection through: every ALLOW
// filter has a policy matching it and no DENY filter does. A chain without RBAC filters admits all.
func Admits(filters []RBACFilter, peer Peer) bool {
	for _, f := range filters {
		matched := false
		for _, p := range f.Policies {
			if anyAlternative(p.Principals, peer) && anyAlternative(p.Permissions, peer) {
				matched = true
				break
			}
		}
		switch f.Action {
		case "ALLOW":
			if !matched {
				return false
			}
		case "DENY":
			if matched {
				return false
			}
		}
	}
	return true
}
