package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/spec"
)

const kubeSpec = `
[service]
name = "orders"
module = "example.com/orders"
[timeouts]
stop = "20s"
drain_delay = "2500ms"
[admin]
addr = "ADMIN"
[kubernetes]
image = "registry.example.com/orders:1.4"
replicas = 3
namespace = "shop"
[resource.api]
kind = "http"
addr = ":8080"
handler = "NewAPI"
[resource.rpc]
kind = "grpc"
addr = ":9000"
register = "RegisterRPC"
[resource.db]
kind = "sql"
driver = "pgx"
dsn_env = "ORDERS_DB_DSN"
[resource.cache]
kind = "redis"
addr = "cache:6379"
password_env = "ORDERS_REDIS_PASSWORD"
optional_env = ["password_env"]
`

func kubeGenerate(t *testing.T, admin string) (string, error) {
	t.Helper()
	s, err := spec.Parse(filepath.Join(t.TempDir(), "service.toml"), []byte(strings.Replace(kubeSpec, "ADMIN", admin, 1)))
	if err != nil {
		return "", err // validate rejects what the manifest cannot use
	}
	files, err := generator.Generate(s, generator.Options{Mode: generator.ProjectMode})
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if f.Path == "deploy/kubernetes.yaml" {
			return string(f.Content), nil
		}
	}
	t.Fatal("no deploy/kubernetes.yaml")
	return "", nil
}

// The manifest probes the admin endpoints by the admin port, gives the
// pod the preStop sleep plus the stop budget, and sleeps drain_delay in
// preStop.
func TestKubernetesManifest(t *testing.T) {
	y, err := kubeGenerate(t, ":9090")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"kind: Deployment", "namespace: shop", "replicas: 3", `image: "registry.example.com/orders:1.4"`,
		"name: admin\n              containerPort: 9090", "name: api\n              containerPort: 8080",
		"name: rpc\n              containerPort: 9000",
		"readinessProbe:\n            httpGet:\n              path: /readyz\n              port: admin",
		"livenessProbe:\n            httpGet:\n              path: /healthz\n              port: admin",
		// 3 s preStop (2.5 s rounded up) + 20 s stop + 5 s margin.
		"terminationGracePeriodSeconds: 28",
		"preStop:\n              sleep:\n                seconds: 3",
		// The listen addresses as overrides; secrets only from the Secret.
		"- name: ORDERS_ADMIN_ADDR\n              value: \":9090\"",
		"- name: ORDERS_API_ADDR\n              value: \":8080\"",
		"- name: ORDERS_DB_DSN\n              valueFrom:\n                secretKeyRef:\n                  name: orders-secrets\n                  key: ORDERS_DB_DSN\n",
		"- name: ORDERS_REDIS_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: orders-secrets\n                  key: ORDERS_REDIS_PASSWORD\n                  optional: true\n",
	} {
		if !strings.Contains(y, want) {
			t.Errorf("manifest lacks %q:\n%s", want, y)
		}
	}
	if strings.Contains(y, "\t") {
		t.Error("tabs in YAML")
	}
}

// Probes from the kubelet reach the pod's IP: an admin listener on
// loopback, on one address or on port 0 is an error, not a manifest whose
// probes always fail.
func TestKubernetesNeedsReachableAdmin(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:9090", "localhost:9090", "10.0.0.5:9090", "[::1]:9090", ":0"} {
		_, err := kubeGenerate(t, addr)
		if err == nil || !strings.Contains(err.Error(), "admin.addr") || !strings.Contains(err.Error(), "service.toml:") {
			t.Errorf("admin.addr %q: err = %v, want a positioned admin.addr error", addr, err)
		}
	}
	for _, addr := range []string{":9090", "0.0.0.0:9090", "[::]:9090"} {
		if _, err := kubeGenerate(t, addr); err != nil {
			t.Errorf("admin.addr %q: %v", addr, err)
		}
	}
}
