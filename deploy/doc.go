// Package deploy holds fulcrum's deployment files, not code: the compose file and its .env.example, the
// Kubernetes manifests, Redis's configuration, the Prometheus alert rules and the Grafana dashboard. Its tests
// parse every one of them and check what an operator relies on: pinned images, probes on /healthz and /readyz,
// resource limits, the token read from a Secret, Redis persistence, the network policy around Redis, restart
// policies and health checks, and alert rules and panels that name metrics package ops defines.
package deploy
