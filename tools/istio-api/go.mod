// Pins istio.io/api so the CRDs (kubernetes/customresourcedefinitions.gen.yaml) are read
// from the Go module cache. Keep in step with the istio.io/api version tools/istioctl resolves.
module github.com/backstage-egress/tools/istio-api

go 1.26

require istio.io/api v1.31.0-rc.0.0.20260824154656-b943409680a7
