package deploy

import (
	"strings"
	"testing"
)

// TestEssentials checks the deployment files as they are.
func TestEssentials(t *testing.T) {
	b := loadBundle(t)
	for _, err := range essentials(b) {
		t.Error(err)
	}
}

// TestEveryManifestParses makes sure the checks saw what they should: every Kubernetes kind the issue asks for.
func TestEveryManifestParses(t *testing.T) {
	b := loadBundle(t)
	seen := map[string]bool{}
	for _, d := range b.k8s {
		if d.kind() == "" {
			t.Errorf("%s: a document with no kind", d.file)
		}
		if d.kind() != "Kustomization" && d.name() == "" {
			t.Errorf("%s: a %s with no metadata.name", d.file, d.kind())
		}
		if str(d.obj["apiVersion"]) == "" {
			t.Errorf("%s: a %s with no apiVersion", d.file, d.kind())
		}
		seen[d.kind()] = true
	}
	for _, kind := range []string{"Deployment", "StatefulSet", "Service", "ConfigMap", "Secret",
		"PodDisruptionBudget", "NetworkPolicy", "Kustomization"} {
		if !seen[kind] {
			t.Errorf("kubernetes/: no %s", kind)
		}
	}
}

// find returns the first Kubernetes document of kind whose name is name.
func find(t *testing.T, b *bundle, kind, name string) map[string]any {
	t.Helper()
	for _, d := range b.k8s {
		if d.kind() == kind && d.name() == name {
			return d.obj
		}
	}
	t.Fatalf("no %s %s", kind, name)
	return nil
}

func botContainer(t *testing.T, b *bundle) map[string]any {
	t.Helper()
	return obj(dig(find(t, b, "Deployment", "fulcrum-shard-0"), "spec", "template", "spec", "containers", "0"))
}

func redisContainer(t *testing.T, b *bundle) map[string]any {
	t.Helper()
	return obj(dig(find(t, b, "StatefulSet", "fulcrum-redis"), "spec", "template", "spec", "containers", "0"))
}

func botEnv(t *testing.T, b *bundle, name string) map[string]any {
	t.Helper()
	for _, e := range list(botContainer(t, b)["env"]) {
		if str(dig(e, "name")) == name {
			return obj(e)
		}
	}
	t.Fatalf("bot container has no %s", name)
	return nil
}

func composeService(b *bundle, name string) map[string]any {
	return obj(dig(b.compose, "services", name))
}

func redisConfigMap(t *testing.T, b *bundle) map[string]any {
	t.Helper()
	return obj(find(t, b, "ConfigMap", "fulcrum-redis-config")["data"])
}

func firstRule(t *testing.T, b *bundle, alert string) map[string]any {
	t.Helper()
	for _, g := range list(b.alerts["groups"]) {
		for _, r := range list(dig(g, "rules")) {
			if str(dig(r, "alert")) == alert {
				return obj(r)
			}
		}
	}
	t.Fatalf("no alert %s", alert)
	return nil
}

// TestEssentialsCatchBreakage breaks one essential at a time in a parsed copy and expects the checks to say so.
func TestEssentialsCatchBreakage(t *testing.T) {
	base := loadBundle(t)
	if errs := essentials(base); len(errs) > 0 {
		t.Fatalf("the files as they are fail the checks (see TestEssentials): %v", errs[0])
	}
	tests := []struct {
		name   string
		mutate func(t *testing.T, b *bundle)
		want   string
	}{
		{"bot image latest", func(t *testing.T, b *bundle) {
			botContainer(t, b)["image"] = "ghcr.io/fulcrum-intake/fulcrum:latest"
		}, "uses latest"},
		{"bot image untagged", func(t *testing.T, b *bundle) {
			botContainer(t, b)["image"] = "ghcr.io/fulcrum-intake/fulcrum"
		}, "is not pinned"},
		{"redis image latest", func(t *testing.T, b *bundle) {
			redisContainer(t, b)["image"] = "redis:latest"
		}, "uses latest"},
		{"kustomize tag latest", func(t *testing.T, b *bundle) {
			obj(dig(find(t, b, "Kustomization", ""), "images", "0"))["newTag"] = "latest"
		}, "is not pinned"},
		{"compose image untagged", func(t *testing.T, b *bundle) {
			composeService(b, "redis")["image"] = "redis"
		}, "is not pinned"},
		{"Dockerfile FROM latest", func(t *testing.T, b *bundle) {
			b.dockerfile = strings.Replace(b.dockerfile, "FROM gcr.io/distroless/static-debian12:nonroot", "FROM gcr.io/distroless/static-debian12:latest", 1)
		}, "uses latest"},

		{"no liveness probe", func(t *testing.T, b *bundle) {
			delete(botContainer(t, b), "livenessProbe")
		}, "no livenessProbe"},
		{"readiness on /healthz", func(t *testing.T, b *bundle) {
			obj(dig(botContainer(t, b), "readinessProbe", "httpGet"))["path"] = "/healthz"
		}, "want /readyz"},
		{"liveness on the wrong port", func(t *testing.T, b *bundle) {
			obj(dig(botContainer(t, b), "livenessProbe", "httpGet"))["port"] = 9090
		}, "want 8080"},
		{"redis without readiness", func(t *testing.T, b *bundle) {
			delete(redisContainer(t, b), "readinessProbe")
		}, "no readinessProbe"},

		{"no memory limit", func(t *testing.T, b *bundle) {
			delete(obj(dig(botContainer(t, b), "resources", "limits")), "memory")
		}, "no resources.limits.memory"},
		{"no resources on redis", func(t *testing.T, b *bundle) {
			delete(redisContainer(t, b), "resources")
		}, "no resources.limits.cpu"},

		{"token as a literal", func(t *testing.T, b *bundle) {
			e := botEnv(t, b, "FULCRUM_DISCORD_TOKEN")
			delete(e, "valueFrom")
			e["value"] = "MTIzNDU2.abc.def"
		}, "FULCRUM_DISCORD_TOKEN is a literal value"},
		{"token from a ConfigMap", func(t *testing.T, b *bundle) {
			e := botEnv(t, b, "FULCRUM_DISCORD_TOKEN")
			e["valueFrom"] = map[string]any{"configMapKeyRef": map[string]any{"name": "fulcrum-config", "key": "t"}}
		}, "FULCRUM_DISCORD_TOKEN does not come from a secretKeyRef"},
		{"token in the ConfigMap", func(t *testing.T, b *bundle) {
			obj(find(t, b, "ConfigMap", "fulcrum-config")["data"])["FULCRUM_DISCORD_TOKEN"] = "x"
		}, "holds FULCRUM_DISCORD_TOKEN"},
		{"secret key the template lacks", func(t *testing.T, b *bundle) {
			obj(dig(botEnv(t, b, "FULCRUM_DISCORD_TOKEN"), "valueFrom", "secretKeyRef"))["key"] = "token"
		}, "which secret.example.yaml does not define"},
		{"real value in the secret template", func(t *testing.T, b *bundle) {
			obj(find(t, b, "Secret", "fulcrum-secrets")["stringData"])["discord-token"] = "MTIzNDU2.abc.def"
		}, "holds a value"},

		{"writable root filesystem", func(t *testing.T, b *bundle) {
			obj(botContainer(t, b)["securityContext"])["readOnlyRootFilesystem"] = false
		}, "readOnlyRootFilesystem is not true"},
		{"capabilities kept", func(t *testing.T, b *bundle) {
			delete(obj(botContainer(t, b)["securityContext"]), "capabilities")
		}, "do not drop ALL"},
		{"root allowed", func(t *testing.T, b *bundle) {
			obj(redisContainer(t, b)["securityContext"])["runAsNonRoot"] = false
		}, "runAsNonRoot is not true"},

		{"two replicas of a shard", func(t *testing.T, b *bundle) {
			obj(find(t, b, "Deployment", "fulcrum-shard-0")["spec"])["replicas"] = 2
		}, "exactly one replica"},
		{"surge during upgrades", func(t *testing.T, b *bundle) {
			obj(dig(find(t, b, "Deployment", "fulcrum-shard-0"), "spec", "strategy", "rollingUpdate"))["maxSurge"] = 1
		}, "stop the old pod first"},
		{"no shard id", func(t *testing.T, b *bundle) {
			ct := botContainer(t, b)
			var kept []any
			for _, e := range list(ct["env"]) {
				if str(dig(e, "name")) != "FULCRUM_SHARD_ID" {
					kept = append(kept, e)
				}
			}
			ct["env"] = kept
		}, "FULCRUM_SHARD_ID is not set"},
		{"no metrics service", func(t *testing.T, b *bundle) {
			obj(dig(find(t, b, "Service", "fulcrum-metrics"), "spec", "ports", "0"))["port"] = 80
		}, "no Service selects the bot's pods on port 8080"},
		{"PDB selects nothing", func(t *testing.T, b *bundle) {
			obj(dig(find(t, b, "PodDisruptionBudget", "fulcrum-bot"), "spec", "selector", "matchLabels"))["app.kubernetes.io/component"] = "web"
		}, "no PodDisruptionBudget selects the bot's pods"},
		{"resource not in kustomization", func(t *testing.T, b *bundle) {
			b.resourceFiles["extra.yaml"] = true
		}, "extra.yaml is not listed"},
		{"secret template in kustomization", func(t *testing.T, b *bundle) {
			k := find(t, b, "Kustomization", "")
			k["resources"] = append(list(k["resources"]), "secret.example.yaml")
		}, "would overwrite the real Secret"},

		{"AOF off in the ConfigMap", func(t *testing.T, b *bundle) {
			cm := redisConfigMap(t, b)
			cm["redis.conf"] = strings.Replace(str(cm["redis.conf"]), "appendonly yes", "appendonly no", 1)
		}, `appendonly "no", want "yes"`},
		{"AOF off in redis.conf", func(t *testing.T, b *bundle) {
			b.redisConf["appendonly"] = "no"
		}, `redis/redis.conf: appendonly is "no"`},
		{"redis.conf and ConfigMap disagree", func(t *testing.T, b *bundle) {
			b.redisConf["save"] = "60 1"
		}, "differ on save"},
		{"password in redis.conf", func(t *testing.T, b *bundle) {
			b.redisConf["requirepass"] = "hunter2"
		}, "holds requirepass"},
		{"redis without a password", func(t *testing.T, b *bundle) {
			redisContainer(t, b)["args"] = []any{"/etc/redis/redis.conf"}
		}, "not started with --requirepass"},
		{"redis without a volume", func(t *testing.T, b *bundle) {
			delete(obj(find(t, b, "StatefulSet", "fulcrum-redis")["spec"]), "volumeClaimTemplates")
		}, "no PersistentVolumeClaim template"},

		{"NetworkPolicy misses Redis", func(t *testing.T, b *bundle) {
			obj(dig(find(t, b, "NetworkPolicy", "fulcrum-redis"), "spec", "podSelector", "matchLabels"))["app.kubernetes.io/component"] = "cache"
		}, "no NetworkPolicy selects the Redis pods"},
		{"Redis open to everyone", func(t *testing.T, b *bundle) {
			delete(obj(dig(find(t, b, "NetworkPolicy", "fulcrum-redis"), "spec", "ingress", "0")), "from")
		}, "admits everyone"},
		{"Redis open to a namespace", func(t *testing.T, b *bundle) {
			peer := obj(dig(find(t, b, "NetworkPolicy", "fulcrum-redis"), "spec", "ingress", "0", "from", "0"))
			peer["namespaceSelector"] = map[string]any{}
		}, "admits a peer other than the bot's pods"},
		{"bot cannot reach DNS", func(t *testing.T, b *bundle) {
			np := obj(find(t, b, "NetworkPolicy", "fulcrum-bot")["spec"])
			var kept []any
			for _, r := range list(np["egress"]) {
				if str(dig(r, "ports", "0", "port")) != "53" {
					kept = append(kept, r)
				}
			}
			np["egress"] = kept
		}, "does not allow port 53"},

		{"compose bot without restart", func(t *testing.T, b *bundle) {
			delete(composeService(b, "bot"), "restart")
		}, "service bot has no restart policy"},
		{"compose redis without healthcheck", func(t *testing.T, b *bundle) {
			delete(composeService(b, "redis"), "healthcheck")
		}, "service redis has no healthcheck"},
		{"compose healthcheck disabled", func(t *testing.T, b *bundle) {
			obj(composeService(b, "bot")["healthcheck"])["test"] = []any{"NONE"}
		}, "service bot has no healthcheck"},
		{"compose token literal", func(t *testing.T, b *bundle) {
			obj(composeService(b, "bot")["environment"])["FULCRUM_DISCORD_TOKEN"] = "MTIzNDU2.abc.def"
		}, "it must come from .env"},
		{"compose redis without its config", func(t *testing.T, b *bundle) {
			composeService(b, "redis")["command"] = []any{"redis-server", "--requirepass", "${FULCRUM_REDIS_PASSWORD}"}
		}, "does not run with ./redis/redis.conf"},
		{"compose redis data on a bind mount", func(t *testing.T, b *bundle) {
			composeService(b, "redis")["volumes"] = []any{"./data:/data", "./redis/redis.conf:/usr/local/etc/redis/redis.conf:ro"}
		}, "not a declared named volume"},
		{"compose bot does not wait", func(t *testing.T, b *bundle) {
			delete(composeService(b, "bot"), "depends_on")
		}, "does not wait for redis"},
		{"undocumented variable", func(t *testing.T, b *bundle) {
			delete(b.envExample, "FULCRUM_SESSION_TTL")
		}, "does not list FULCRUM_SESSION_TTL"},
		{"main.go reads a new variable", func(t *testing.T, b *bundle) {
			b.configEnv = append(b.configEnv, "FULCRUM_SOMETHING_NEW")
		}, "FULCRUM_SOMETHING_NEW (read by main.go)"},

		{"Dockerfile with cgo", func(t *testing.T, b *bundle) {
			b.dockerfile = strings.ReplaceAll(b.dockerfile, "CGO_ENABLED=0", "CGO_ENABLED=1")
		}, "not static"},
		{"Dockerfile as root", func(t *testing.T, b *bundle) {
			b.dockerfile = strings.Replace(b.dockerfile, "USER 65532:65532", "USER root", 1)
		}, "runs as root"},
		{"Dockerfile Go older than go.mod", func(t *testing.T, b *bundle) {
			b.goVersion = "1.99"
		}, "older than go.mod"},
		{"Dockerfile downloads after copying", func(t *testing.T, b *bundle) {
			b.dockerfile = strings.Replace(b.dockerfile, "RUN go mod download && go mod verify\n", "", 1)
		}, "go mod download does not run in its own layer"},

		{"alert on an unknown metric", func(t *testing.T, b *bundle) {
			firstRule(t, b, "FulcrumRedisErrors")["expr"] = "sum(rate(fulcrum_redis_failures_total[5m])) > 0"
		}, "uses fulcrum_redis_failures_total, which package ops does not define"},
		{"required alert missing", func(t *testing.T, b *bundle) {
			firstRule(t, b, "FulcrumUrgentHandoffUnclaimed")["alert"] = "Renamed"
		}, "no FulcrumUrgentHandoffUnclaimed alert"},
		{"alert without severity", func(t *testing.T, b *bundle) {
			delete(firstRule(t, b, "FulcrumNoReadyReplica"), "labels")
		}, "FulcrumNoReadyReplica has no severity"},
		{"dashboard on an unknown metric", func(t *testing.T, b *bundle) {
			panel := obj(list(b.dashboard["panels"])[1])
			obj(list(panel["targets"])[0])["expr"] = "sum(fulcrum_readyness)"
		}, "uses fulcrum_readyness"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := base.clone()
			tt.mutate(t, b)
			errs := essentials(b)
			for _, err := range errs {
				if strings.Contains(err.Error(), tt.want) {
					return
				}
			}
			t.Errorf("after breaking %q, no error says %q; got %v", tt.name, tt.want, errs)
		})
	}

	// The copies were deep: the original still passes.
	if errs := essentials(base); len(errs) > 0 {
		t.Errorf("breaking copies changed the original: %v", errs)
	}
}
