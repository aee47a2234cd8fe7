package deploy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/fulcrum-intake/fulcrum/ops"
)

// bundle is every deployment file, parsed. The checks read only this, so a test can break a copy of it and see
// the checks fail.
type bundle struct {
	k8s           []doc          // every document of every file in kubernetes/, kustomization included
	compose       map[string]any // compose.yaml
	envExample    map[string]bool
	redisConf     map[string]string // redis/redis.conf: directive -> value
	alerts        map[string]any    // prometheus/alerts.yaml
	dashboard     map[string]any    // grafana/fulcrum.json
	dockerfile    string            // ../Dockerfile
	goVersion     string            // the go line of ../go.mod
	configEnv     []string          // FULCRUM_* variables main.go reads through envconfig
	knownMetrics  map[string]bool   // series names package ops exposes
	resourceFiles map[string]bool   // files present in kubernetes/
}

// doc is one YAML document and the file it came from.
type doc struct {
	file string
	obj  map[string]any
}

func (d doc) kind() string { return str(d.obj["kind"]) }
func (d doc) name() string { return str(dig(d.obj, "metadata", "name")) }
func (d doc) String() string {
	return fmt.Sprintf("%s %s/%s", filepath.Join("kubernetes", d.file), d.kind(), d.name())
}

// loadBundle reads and parses every deployment file.
func loadBundle(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{resourceFiles: map[string]bool{}}

	files, err := filepath.Glob(filepath.Join("kubernetes", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		base := filepath.Base(f)
		b.resourceFiles[base] = true
		if !strings.HasSuffix(base, ".yaml") && !strings.HasSuffix(base, ".yml") {
			t.Errorf("%s: only YAML belongs in kubernetes/", f)
			continue
		}
		docs, err := yamlDocs(readFile(t, f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, o := range docs {
			b.k8s = append(b.k8s, doc{file: base, obj: o})
		}
	}

	b.compose = yamlMap(t, "compose.yaml")
	b.alerts = yamlMap(t, filepath.Join("prometheus", "alerts.yaml"))
	if err := json.Unmarshal(readFile(t, filepath.Join("grafana", "fulcrum.json")), &b.dashboard); err != nil {
		t.Fatalf("grafana/fulcrum.json: %v", err)
	}
	b.redisConf = parseRedisConf(string(readFile(t, filepath.Join("redis", "redis.conf"))))
	b.envExample = envNames(string(readFile(t, ".env.example")))
	b.dockerfile = string(readFile(t, filepath.Join("..", "Dockerfile")))

	m := regexp.MustCompile(`(?m)^go (\S+)`).FindSubmatch(readFile(t, filepath.Join("..", "go.mod")))
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	b.goVersion = string(m[1])
	// main.go is read, not compiled: the variables its config struct declares.
	for _, m := range regexp.MustCompile(`envconfig:"([A-Z0-9_]+)"`).FindAllSubmatch(readFile(t, filepath.Join("..", "main.go")), -1) {
		b.configEnv = append(b.configEnv, "FULCRUM_"+string(m[1]))
	}
	b.knownMetrics = opsMetrics(t)
	return b
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func yamlMap(t *testing.T, path string) map[string]any {
	t.Helper()
	docs, err := yamlDocs(readFile(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(docs) != 1 {
		t.Fatalf("%s: %d YAML documents, want 1", path, len(docs))
	}
	return docs[0]
}

// yamlDocs decodes every document of a YAML stream, skipping empty ones.
func yamlDocs(data []byte) ([]map[string]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []map[string]any
	for {
		var o map[string]any
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if o != nil {
			out = append(out, o)
		}
	}
}

// parseRedisConf returns the directives of a redis.conf; a repeated directive (save) keeps its values joined.
func parseRedisConf(text string) map[string]string {
	conf := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		key = strings.ToLower(key)
		if prev, ok := conf[key]; ok {
			val = prev + " " + val
		}
		conf[key] = strings.TrimSpace(val)
	}
	return conf
}

// envNames returns the variables an env file names, set or commented out ("# FULCRUM_X=").
func envNames(text string) map[string]bool {
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#?\s*([A-Z][A-Z0-9_]*)=`).FindAllStringSubmatch(text, -1) {
		names[m[1]] = true
	}
	return names
}

// opsMetrics returns every series name package ops exposes, histogram suffixes included.
func opsMetrics(t *testing.T) map[string]bool {
	t.Helper()
	reg := prometheus.NewRegistry()
	ops.NewMetrics(reg)
	s := ops.NewServer(reg, ops.ServerOptions{Version: "test"})
	s.AddCheck("test", func(context.Context) error { return nil })
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, f := range families {
		known[f.GetName()] = true
		if f.GetType().String() == "HISTOGRAM" {
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				known[f.GetName()+suffix] = true
			}
		}
	}
	return known
}

// clone returns a deep copy of b, for a test to break.
func (b *bundle) clone() *bundle {
	c := *b
	c.k8s = make([]doc, len(b.k8s))
	for i, d := range b.k8s {
		c.k8s[i] = doc{file: d.file, obj: deepCopy(d.obj).(map[string]any)}
	}
	c.compose = deepCopy(b.compose).(map[string]any)
	c.alerts = deepCopy(b.alerts).(map[string]any)
	c.dashboard = deepCopy(b.dashboard).(map[string]any)
	c.redisConf = copyMap(b.redisConf)
	c.envExample = copyMap(b.envExample)
	c.resourceFiles = copyMap(b.resourceFiles)
	c.configEnv = slices.Clone(b.configEnv)
	return &c
}

func copyMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = deepCopy(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = deepCopy(x)
		}
		return out
	}
	return v
}

// dig walks maps by key and lists by index ("0"); it returns nil where the path does not exist.
func dig(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	return fmt.Sprint(v)
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// checker gathers the failures of one run of the checks.
type checker struct{ errs []error }

func (c *checker) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

// essentials runs every check over b and returns what failed.
func essentials(b *bundle) []error {
	c := &checker{}
	c.kubernetes(b)
	c.kustomization(b)
	c.redis(b)
	c.networkPolicies(b)
	c.compose(b)
	c.envExample(b)
	c.dockerfile(b)
	c.alerts(b)
	c.dashboard(b)
	return c.errs
}

// workload is a pod template in a Deployment or StatefulSet.
type workload struct {
	doc
	pod    map[string]any // spec.template
	labels map[string]any // spec.template.metadata.labels
}

func (b *bundle) workloads() []workload {
	var out []workload
	for _, d := range b.k8s {
		switch d.kind() {
		case "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob":
			tpl := obj(dig(d.obj, "spec", "template"))
			out = append(out, workload{d, tpl, obj(dig(tpl, "metadata", "labels"))})
		}
	}
	return out
}

func (b *bundle) ofKind(kind string) []doc {
	var out []doc
	for _, d := range b.k8s {
		if d.kind() == kind {
			out = append(out, d)
		}
	}
	return out
}

func component(labels map[string]any) string { return str(labels["app.kubernetes.io/component"]) }

// selects reports whether a label selector (matchLabels or a plain map) selects pods with labels. An empty
// selector selects everything.
func selects(selector map[string]any, labels map[string]any) bool {
	if ml, ok := selector["matchLabels"]; ok {
		selector = obj(ml)
	}
	for k, v := range selector {
		if str(labels[k]) != str(v) {
			return false
		}
	}
	return true
}

var (
	botLabels   = map[string]any{"app.kubernetes.io/name": "fulcrum", "app.kubernetes.io/component": "bot"}
	redisLabels = map[string]any{"app.kubernetes.io/name": "fulcrum", "app.kubernetes.io/component": "redis"}
)

// imagePinned returns why an image reference is not pinned to a version, or "".
func imagePinned(image string) string {
	if image == "" {
		return "has no image"
	}
	if strings.Contains(image, "@sha256:") {
		return ""
	}
	name := image[strings.LastIndex(image, "/")+1:]
	_, tag, ok := strings.Cut(name, ":")
	switch {
	case !ok || tag == "":
		return fmt.Sprintf("image %q is not pinned (no tag: that means latest)", image)
	case tag == "latest" || strings.HasSuffix(tag, ":-latest}"):
		return fmt.Sprintf("image %q uses latest; pin a version", image)
	}
	return ""
}

func (c *checker) kubernetes(b *bundle) {
	configMaps := map[string]map[string]any{}
	for _, d := range b.ofKind("ConfigMap") {
		configMaps[d.name()] = obj(d.obj["data"])
	}
	secretKeys := map[string]map[string]bool{}
	for _, d := range b.ofKind("Secret") {
		keys := map[string]bool{}
		if len(obj(d.obj["data"])) > 0 {
			c.fail("%s: a template holds no data: values (use stringData with blanks or <placeholders>)", d)
		}
		for k, v := range obj(d.obj["stringData"]) {
			keys[k] = true
			if s := str(v); s != "" && !regexp.MustCompile(`<[^>]+>`).MatchString(s) {
				c.fail("%s: stringData.%s holds a value; the template keeps only blanks or <placeholders>", d, k)
			}
		}
		secretKeys[d.name()] = keys
	}

	bots := 0
	for _, w := range b.workloads() {
		spec := obj(w.pod["spec"])
		containers := list(spec["containers"])
		if len(containers) == 0 {
			c.fail("%s: no containers", w)
		}
		podSC := obj(spec["securityContext"])
		for _, ct := range append(slices.Clone(containers), list(spec["initContainers"])...) {
			ct := obj(ct)
			where := fmt.Sprintf("%s container %s", w, str(ct["name"]))
			if why := imagePinned(str(ct["image"])); why != "" {
				c.fail("%s: %s", where, why)
			}
			c.containerSecurity(where, podSC, obj(ct["securityContext"]))
			for _, res := range []string{"cpu", "memory"} {
				if str(dig(ct, "resources", "requests", res)) == "" {
					c.fail("%s: no resources.requests.%s", where, res)
				}
				if str(dig(ct, "resources", "limits", res)) == "" {
					c.fail("%s: no resources.limits.%s", where, res)
				}
			}
			for _, probe := range []string{"livenessProbe", "readinessProbe"} {
				if ct[probe] == nil {
					c.fail("%s: no %s", where, probe)
				}
			}
			for _, e := range list(ct["env"]) {
				e := obj(e)
				name := str(e["name"])
				if _, literal := e["value"]; literal && regexp.MustCompile(`TOKEN|PASSWORD|SECRET|REDIS_URL|AUTH`).MatchString(name) {
					c.fail("%s: %s is a literal value; it must come from a secretKeyRef", where, name)
				}
				if ref := obj(dig(e, "valueFrom", "secretKeyRef")); ref != nil {
					if keys, ok := secretKeys[str(ref["name"])]; !ok || !keys[str(ref["key"])] {
						c.fail("%s: %s reads secret %s key %s, which secret.example.yaml does not define",
							where, name, str(ref["name"]), str(ref["key"]))
					}
				}
			}
			for _, ef := range list(ct["envFrom"]) {
				if name := str(dig(ef, "configMapRef", "name")); name != "" && configMaps[name] == nil {
					c.fail("%s: envFrom names ConfigMap %s, which no manifest defines", where, name)
				}
			}
			if component(w.labels) == "bot" {
				c.botContainer(where, ct, configMaps)
			}
		}
		if component(w.labels) == "bot" {
			bots++
			if w.kind() != "Deployment" {
				c.fail("%s: the bot runs as a Deployment", w)
			}
			if r := str(dig(w.obj, "spec", "replicas")); r != "1" {
				c.fail("%s: replicas is %q; a shard runs as exactly one replica (two would answer every event twice)", w, r)
			}
			if s := str(dig(w.obj, "spec", "strategy", "rollingUpdate", "maxSurge")); s != "0" && str(dig(w.obj, "spec", "strategy", "type")) != "Recreate" {
				c.fail("%s: an upgrade must stop the old pod first (maxSurge 0 or Recreate), not run two of one shard", w)
			}
			if !selects(obj(dig(w.obj, "spec", "selector")), w.labels) {
				c.fail("%s: the selector does not match the pod template's labels", w)
			}
		}
	}
	if bots == 0 {
		c.fail("kubernetes: no Deployment with app.kubernetes.io/component: bot")
	}

	// The token never sits in a ConfigMap.
	for name, data := range configMaps {
		for k := range data {
			if regexp.MustCompile(`TOKEN|PASSWORD|SECRET`).MatchString(k) {
				c.fail("kubernetes: ConfigMap %s holds %s; secrets belong in the Secret", name, k)
			}
		}
	}

	// The metrics Service and the disruption budget cover the bot.
	found := false
	for _, d := range b.ofKind("Service") {
		if !selects(obj(dig(d.obj, "spec", "selector")), botLabels) || len(obj(dig(d.obj, "spec", "selector"))) == 0 {
			continue
		}
		for _, p := range list(dig(d.obj, "spec", "ports")) {
			if str(dig(p, "port")) == "8080" {
				found = true
			}
		}
	}
	if !found {
		c.fail("kubernetes: no Service selects the bot's pods on port 8080 for metrics")
	}
	found = false
	for _, d := range b.ofKind("PodDisruptionBudget") {
		if selects(obj(dig(d.obj, "spec", "selector")), botLabels) {
			found = true
			if str(dig(d.obj, "spec", "minAvailable")) != "" {
				c.fail("%s: minAvailable with one replica per shard blocks node drains; use maxUnavailable", d)
			}
		}
	}
	if !found {
		c.fail("kubernetes: no PodDisruptionBudget selects the bot's pods")
	}
}

func (c *checker) containerSecurity(where string, pod, ct map[string]any) {
	nonRoot := ct["runAsNonRoot"] == true || (ct["runAsNonRoot"] == nil && pod["runAsNonRoot"] == true)
	if !nonRoot {
		c.fail("%s: runAsNonRoot is not true", where)
	}
	uid := str(ct["runAsUser"])
	if uid == "" {
		uid = str(pod["runAsUser"])
	}
	if uid == "0" {
		c.fail("%s: runs as uid 0", where)
	}
	if ct["readOnlyRootFilesystem"] != true {
		c.fail("%s: readOnlyRootFilesystem is not true", where)
	}
	if ct["allowPrivilegeEscalation"] != false {
		c.fail("%s: allowPrivilegeEscalation is not false", where)
	}
	if !slices.ContainsFunc(list(dig(ct, "capabilities", "drop")), func(v any) bool { return str(v) == "ALL" }) {
		c.fail("%s: capabilities do not drop ALL", where)
	}
}

func (c *checker) botContainer(where string, ct map[string]any, configMaps map[string]map[string]any) {
	ports := map[string]string{} // name -> number
	for _, p := range list(ct["ports"]) {
		ports[str(dig(p, "name"))] = str(dig(p, "containerPort"))
	}
	for probe, path := range map[string]string{"livenessProbe": "/healthz", "readinessProbe": "/readyz"} {
		get := obj(dig(ct, probe, "httpGet"))
		if get == nil {
			c.fail("%s: %s is not an HTTP GET of %s", where, probe, path)
			continue
		}
		if str(get["path"]) != path {
			c.fail("%s: %s probes %q, want %s", where, probe, str(get["path"]), path)
		}
		port := str(get["port"])
		if n, ok := ports[port]; ok {
			port = n
		}
		if port != "8080" {
			c.fail("%s: %s probes port %s, want 8080 (FULCRUM_HTTP_ADDR)", where, probe, port)
		}
	}
	env := map[string]map[string]any{}
	for _, e := range list(ct["env"]) {
		env[str(dig(e, "name"))] = obj(e)
	}
	for _, name := range []string{"FULCRUM_DISCORD_TOKEN", "FULCRUM_REDIS_URL"} {
		if dig(env[name], "valueFrom", "secretKeyRef") == nil {
			c.fail("%s: %s does not come from a secretKeyRef", where, name)
		}
	}
	for _, name := range []string{"FULCRUM_SHARD_ID", "FULCRUM_SHARD_COUNT"} {
		if env[name] == nil {
			c.fail("%s: %s is not set; each shard's Deployment sets its own", where, name)
		}
	}
	var fromConfig map[string]any
	for _, ef := range list(ct["envFrom"]) {
		if name := str(dig(ef, "configMapRef", "name")); name != "" {
			fromConfig = configMaps[name]
		}
	}
	if str(fromConfig["FULCRUM_HTTP_ADDR"]) != ":8080" {
		c.fail("%s: its ConfigMap does not set FULCRUM_HTTP_ADDR to :8080, where the probes and the Service look", where)
	}
}

func (c *checker) kustomization(b *bundle) {
	var k *doc
	for i, d := range b.k8s {
		if d.file == "kustomization.yaml" {
			k = &b.k8s[i]
		}
	}
	if k == nil {
		c.fail("kubernetes: no kustomization.yaml")
		return
	}
	listed := map[string]bool{}
	for _, r := range list(k.obj["resources"]) {
		listed[str(r)] = true
		if !b.resourceFiles[str(r)] {
			c.fail("kustomization.yaml: resource %s does not exist", str(r))
		}
	}
	for f := range b.resourceFiles {
		switch {
		case f == "kustomization.yaml":
		case strings.Contains(f, "secret"):
			if listed[f] {
				c.fail("kustomization.yaml: lists %s; applying the template would overwrite the real Secret", f)
			}
		case !listed[f]:
			c.fail("kustomization.yaml: %s is not listed in resources", f)
		}
	}
	for _, img := range list(k.obj["images"]) {
		if tag := str(dig(img, "newTag")); tag == "latest" || (tag == "" && str(dig(img, "digest")) == "") {
			c.fail("kustomization.yaml: image %s is not pinned (newTag %q)", str(dig(img, "name")), tag)
		}
	}
}

func (c *checker) redis(b *bundle) {
	must := map[string]string{"appendonly": "yes", "appendfsync": "everysec", "maxmemory-policy": "noeviction"}
	for k, v := range must {
		if b.redisConf[k] != v {
			c.fail("redis/redis.conf: %s is %q, want %q", k, b.redisConf[k], v)
		}
	}
	if _, ok := b.redisConf["requirepass"]; ok {
		c.fail("redis/redis.conf: holds requirepass; the password comes from the secret")
	}

	var sts []workload
	for _, w := range b.workloads() {
		if component(w.labels) == "redis" {
			sts = append(sts, w)
		}
	}
	if len(sts) != 1 {
		c.fail("kubernetes: %d Redis workloads, want one StatefulSet (or document a managed Redis)", len(sts))
		return
	}
	w := sts[0]
	if w.kind() != "StatefulSet" {
		c.fail("%s: Redis runs as a StatefulSet", w)
	}
	var data bool
	for _, v := range list(dig(w.obj, "spec", "volumeClaimTemplates")) {
		if len(list(dig(v, "spec", "accessModes"))) > 0 && str(dig(v, "spec", "resources", "requests", "storage")) != "" {
			data = true
		}
	}
	if !data {
		c.fail("%s: no PersistentVolumeClaim template: Redis's data would not survive the pod", w)
	}
	ct := obj(dig(w.pod, "spec", "containers", "0"))
	args := strings.Join(append(toStrings(ct["command"]), toStrings(ct["args"])...), " ")
	if !strings.Contains(args, "--requirepass $(") {
		c.fail("%s: Redis is not started with --requirepass from the secret", w)
	}
	// The config file the container reads, from the ConfigMap mounted where the args point.
	var confText string
	for _, v := range list(dig(w.pod, "spec", "volumes")) {
		cm := str(dig(v, "configMap", "name"))
		for _, d := range b.ofKind("ConfigMap") {
			if d.name() == cm && cm != "" {
				confText = str(dig(d.obj, "data", "redis.conf"))
			}
		}
	}
	if confText == "" {
		c.fail("%s: mounts no ConfigMap with a redis.conf", w)
		return
	}
	conf := parseRedisConf(confText)
	for k, v := range must {
		if conf[k] != v {
			c.fail("%s: redis.conf in its ConfigMap has %s %q, want %q", w, k, conf[k], v)
		}
	}
	for k, v := range b.redisConf {
		if conf[k] != v {
			c.fail("%s: redis.conf in its ConfigMap and redis/redis.conf differ on %s (%q and %q)", w, k, conf[k], v)
		}
	}
	if dir := conf["dir"]; dir != "" {
		mounted := false
		for _, m := range list(ct["volumeMounts"]) {
			mounted = mounted || str(dig(m, "mountPath")) == dir
		}
		if !mounted {
			c.fail("%s: Redis writes to %s, which is not a mounted volume", w, dir)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range list(v) {
		out = append(out, str(x))
	}
	return out
}

func (c *checker) networkPolicies(b *bundle) {
	var redisPolicy, botPolicy bool
	for _, d := range b.ofKind("NetworkPolicy") {
		sel := obj(dig(d.obj, "spec", "podSelector"))
		types := toStrings(dig(d.obj, "spec", "policyTypes"))
		switch {
		case len(obj(sel["matchLabels"])) > 0 && selects(sel, redisLabels) && !selects(sel, botLabels):
			redisPolicy = true
			if !slices.Contains(types, "Ingress") {
				c.fail("%s: does not restrict Ingress to Redis", d)
			}
			ingress := list(dig(d.obj, "spec", "ingress"))
			if len(ingress) == 0 {
				c.fail("%s: no ingress rule: nothing, not even the bot, could reach Redis", d)
			}
			for _, rule := range ingress {
				from := list(dig(rule, "from"))
				if len(from) == 0 {
					c.fail("%s: an ingress rule with no from admits everyone; Redis takes connections only from the bot", d)
				}
				for _, peer := range from {
					peer := obj(peer)
					ps := obj(peer["podSelector"])
					if ps == nil || peer["namespaceSelector"] != nil || peer["ipBlock"] != nil ||
						!selects(ps, botLabels) || !selects(botLabels, obj(ps["matchLabels"])) {
						c.fail("%s: admits a peer other than the bot's pods: Redis takes connections only from the bot", d)
					}
				}
			}
		case len(obj(sel["matchLabels"])) > 0 && selects(sel, botLabels):
			botPolicy = true
			if !slices.Contains(types, "Egress") {
				c.fail("%s: does not restrict the bot's Egress", d)
			}
			ports := map[string]bool{}
			toRedis := false
			for _, rule := range list(dig(d.obj, "spec", "egress")) {
				for _, p := range list(dig(rule, "ports")) {
					ports[str(dig(p, "port"))] = true
				}
				for _, peer := range list(dig(rule, "to")) {
					if ps := obj(dig(peer, "podSelector")); ps != nil && selects(ps, redisLabels) && len(obj(ps["matchLabels"])) > 0 {
						toRedis = true
					}
				}
			}
			for _, p := range []string{"6379", "53", "443"} {
				if !ports[p] {
					c.fail("%s: the bot's egress does not allow port %s (Redis 6379, DNS 53, Discord 443)", d, p)
				}
			}
			if !toRedis {
				c.fail("%s: no egress rule lets the bot reach the Redis pods", d)
			}
		}
	}
	if !redisPolicy {
		c.fail("kubernetes: no NetworkPolicy selects the Redis pods")
	}
	if !botPolicy {
		c.fail("kubernetes: no NetworkPolicy selects the bot's pods")
	}
}

func (c *checker) compose(b *bundle) {
	services := obj(b.compose["services"])
	for _, name := range []string{"bot", "redis"} {
		s := obj(services[name])
		if s == nil {
			c.fail("compose.yaml: no %s service", name)
			continue
		}
		if why := imagePinned(str(s["image"])); why != "" {
			c.fail("compose.yaml: service %s: %s", name, why)
		}
		switch str(s["restart"]) {
		case "always", "unless-stopped", "on-failure":
		default:
			c.fail("compose.yaml: service %s has no restart policy (restart: unless-stopped)", name)
		}
		if test := toStrings(dig(s, "healthcheck", "test")); len(test) == 0 || test[0] == "NONE" {
			c.fail("compose.yaml: service %s has no healthcheck", name)
		}
	}
	bot, redis := obj(services["bot"]), obj(services["redis"])
	if str(dig(bot, "depends_on", "redis", "condition")) != "service_healthy" {
		c.fail("compose.yaml: bot does not wait for redis to be healthy (depends_on.redis.condition: service_healthy)")
	}
	env := obj(bot["environment"])
	if tok := str(env["FULCRUM_DISCORD_TOKEN"]); !strings.HasPrefix(tok, "${FULCRUM_DISCORD_TOKEN") {
		c.fail("compose.yaml: bot's FULCRUM_DISCORD_TOKEN is %q; it must come from .env (${FULCRUM_DISCORD_TOKEN...})", tok)
	}
	if u := str(env["FULCRUM_REDIS_URL"]); !strings.Contains(u, "${FULCRUM_REDIS_PASSWORD}") {
		c.fail("compose.yaml: bot's FULCRUM_REDIS_URL is not built from ${FULCRUM_REDIS_PASSWORD}")
	}
	if img := str(redis["image"]); !strings.HasPrefix(img, "redis:7") {
		c.fail("compose.yaml: redis image is %q, want Redis 7", img)
	}
	cmd := strings.Join(toStrings(redis["command"]), " ")
	if !strings.Contains(cmd, "--requirepass ${FULCRUM_REDIS_PASSWORD") {
		c.fail("compose.yaml: redis is not started with --requirepass from .env")
	}
	var confMounted, dataVolume bool
	for _, v := range toStrings(redis["volumes"]) {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && parts[0] == "./redis/redis.conf" && strings.Contains(cmd, parts[1]) {
			confMounted = true
		}
		if len(parts) >= 2 && parts[1] == "/data" && !strings.HasPrefix(parts[0], ".") && !strings.HasPrefix(parts[0], "/") {
			if _, declared := obj(b.compose["volumes"])[parts[0]]; declared {
				dataVolume = true
			}
		}
	}
	if !confMounted {
		c.fail("compose.yaml: redis does not run with ./redis/redis.conf (AOF, appendfsync, noeviction)")
	}
	if !dataVolume {
		c.fail("compose.yaml: redis's /data is not a declared named volume")
	}
}

func (c *checker) envExample(b *bundle) {
	var missing []string
	for name := range obj(dig(b.compose, "services", "bot", "environment")) {
		if !b.envExample[name] {
			missing = append(missing, name+" (set in compose.yaml)")
		}
	}
	for _, name := range b.configEnv {
		if !b.envExample[name] {
			missing = append(missing, name+" (read by main.go)")
		}
	}
	for _, name := range []string{"FULCRUM_DISCORD_TOKEN", "FULCRUM_REDIS_PASSWORD", "FULCRUM_REDIS_URL"} {
		if !b.envExample[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		c.fail(".env.example: does not list %s", m)
	}
}

func (c *checker) dockerfile(b *bundle) {
	df := b.dockerfile
	args := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^ARG (\w+)=(\S+)`).FindAllStringSubmatch(df, -1) {
		args[m[1]] = m[2]
	}
	froms := regexp.MustCompile(`(?m)^FROM\s+(?:--\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?`).FindAllStringSubmatch(df, -1)
	if len(froms) < 2 {
		c.fail("Dockerfile: not multi-stage (%d FROM lines)", len(froms))
		return
	}
	stages := map[string]bool{}
	for _, f := range froms {
		image := regexp.MustCompile(`\$\{(\w+)\}`).ReplaceAllStringFunc(f[1], func(s string) string {
			return args[s[2:len(s)-1]]
		})
		if !stages[image] && image != "scratch" {
			if why := imagePinned(image); why != "" {
				c.fail("Dockerfile: FROM %s: %s", f[1], why)
			}
		}
		if f[2] != "" {
			stages[f[2]] = true
		}
	}
	final := froms[len(froms)-1][1]
	if !strings.Contains(final, "distroless") && final != "scratch" {
		c.fail("Dockerfile: the final image %s is neither distroless nor scratch", final)
	}
	download := strings.Index(df, "go mod download")
	copyAll := regexp.MustCompile(`(?m)^COPY \. `).FindStringIndex(df)
	if download < 0 || copyAll == nil || download > copyAll[0] {
		c.fail("Dockerfile: go mod download does not run in its own layer before the sources are copied")
	}
	if !strings.Contains(df, "CGO_ENABLED=0") {
		c.fail("Dockerfile: the build is not static (CGO_ENABLED=0)")
	}
	if !strings.Contains(df, "-X main.version=${VERSION}") {
		c.fail("Dockerfile: the version is not stamped (-ldflags \"-X main.version=${VERSION}\")")
	}
	users := regexp.MustCompile(`(?m)^USER\s+(\S+)`).FindAllStringSubmatch(df[strings.LastIndex(df, "\nFROM"):], -1)
	if len(users) == 0 {
		c.fail("Dockerfile: the final stage sets no USER")
	} else if u, _, _ := strings.Cut(users[len(users)-1][1], ":"); u == "0" || u == "root" {
		c.fail("Dockerfile: the final stage runs as root")
	} else if _, err := strconv.Atoi(u); err != nil {
		c.fail("Dockerfile: USER %s is not numeric; Kubernetes' runAsNonRoot cannot verify a name", u)
	}
	if v := args["GO_VERSION"]; v == "" || versionLess(v, b.goVersion) {
		c.fail("Dockerfile: GO_VERSION %q is older than go.mod's go %s", v, b.goVersion)
	}
}

// versionLess compares dotted versions such as 1.26.8 and 1.27.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

var metricRef = regexp.MustCompile(`\bfulcrum_[a-z0-9_]+`)

// metricsIn returns the fulcrum_* names an expression uses.
func metricsIn(expr string) []string { return metricRef.FindAllString(expr, -1) }

func (c *checker) alerts(b *bundle) {
	required := map[string]bool{"FulcrumNoReadyReplica": false, "FulcrumHandoffsFailing": false,
		"FulcrumUrgentHandoffUnclaimed": false, "FulcrumRedisErrors": false}
	groups := list(b.alerts["groups"])
	if len(groups) == 0 {
		c.fail("prometheus/alerts.yaml: no groups")
	}
	for _, g := range groups {
		for _, r := range list(dig(g, "rules")) {
			r := obj(r)
			name := str(r["alert"])
			if name == "" {
				c.fail("prometheus/alerts.yaml: a rule has no alert name")
				continue
			}
			if _, ok := required[name]; ok {
				required[name] = true
			}
			expr := str(r["expr"])
			if strings.TrimSpace(expr) == "" {
				c.fail("prometheus/alerts.yaml: %s has no expr", name)
			}
			if strings.Count(expr, "(") != strings.Count(expr, ")") {
				c.fail("prometheus/alerts.yaml: %s: unbalanced parentheses", name)
			}
			used := metricsIn(expr)
			if len(used) == 0 {
				c.fail("prometheus/alerts.yaml: %s reads no fulcrum_ metric", name)
			}
			for _, m := range used {
				if !b.knownMetrics[m] {
					c.fail("prometheus/alerts.yaml: %s uses %s, which package ops does not define", name, m)
				}
			}
			if str(dig(r, "labels", "severity")) == "" {
				c.fail("prometheus/alerts.yaml: %s has no severity label", name)
			}
			if str(dig(r, "annotations", "summary")) == "" {
				c.fail("prometheus/alerts.yaml: %s has no summary annotation", name)
			}
		}
	}
	for name, seen := range required {
		if !seen {
			c.fail("prometheus/alerts.yaml: no %s alert", name)
		}
	}
}

func (c *checker) dashboard(b *bundle) {
	d := b.dashboard
	if str(d["title"]) == "" || str(d["uid"]) == "" {
		c.fail("grafana/fulcrum.json: no title or uid")
	}
	hasDS := false
	for _, v := range list(dig(d, "templating", "list")) {
		hasDS = hasDS || (str(dig(v, "type")) == "datasource" && str(dig(v, "name")) == "datasource")
	}
	if !hasDS {
		c.fail("grafana/fulcrum.json: no datasource variable; the dashboard would be tied to one Prometheus")
	}
	used := map[string]bool{}
	panels := 0
	for _, p := range list(d["panels"]) {
		p := obj(p)
		if str(p["type"]) == "row" {
			continue
		}
		panels++
		title := str(p["title"])
		if title == "" || obj(p["gridPos"]) == nil {
			c.fail("grafana/fulcrum.json: panel %v has no title or gridPos", p["id"])
		}
		targets := list(p["targets"])
		if len(targets) == 0 {
			c.fail("grafana/fulcrum.json: panel %q has no targets", title)
		}
		for _, t := range targets {
			expr := str(dig(t, "expr"))
			names := metricsIn(expr)
			if len(names) == 0 {
				c.fail("grafana/fulcrum.json: panel %q has a query with no fulcrum_ metric", title)
			}
			for _, m := range names {
				used[m] = true
				if !b.knownMetrics[m] {
					c.fail("grafana/fulcrum.json: panel %q uses %s, which package ops does not define", title, m)
				}
			}
		}
	}
	if panels == 0 {
		c.fail("grafana/fulcrum.json: no panels")
	}
	// Every metric ops defines is on the dashboard (a histogram through any of its series).
	for m := range b.knownMetrics {
		base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(m, "_bucket"), "_sum"), "_count")
		if base != m && b.knownMetrics[base] {
			continue
		}
		shown := used[m]
		for _, s := range []string{"_bucket", "_sum", "_count"} {
			shown = shown || used[m+s]
		}
		if !shown {
			c.fail("grafana/fulcrum.json: no panel shows %s", m)
		}
	}
}
