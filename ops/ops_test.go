package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
)

// get GETs path from h and returns the status and body.
func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Code, string(body)
}

func TestHealthzAlwaysOK(t *testing.T) {
	s := NewServer(prometheus.NewRegistry(), ServerOptions{})
	s.AddCheck("redis", func(context.Context) error { return errors.New("down") })
	code, body := get(t, s.Handler(), "/healthz")
	if code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz = %d %q, want 200 \"ok\\n\" even while not ready", code, body)
	}
}

func TestReadyzFlips(t *testing.T) {
	var redisDown, gatewayDown atomic.Bool
	s := NewServer(prometheus.NewRegistry(), ServerOptions{})
	s.AddCheck("redis", func(context.Context) error {
		if redisDown.Load() {
			return errors.New("dial tcp 10.0.0.5:6379: connection refused")
		}
		return nil
	})
	s.AddCheck("gateway", func(context.Context) error {
		if gatewayDown.Load() {
			return errors.New("not connected")
		}
		return nil
	})
	h := s.Handler()

	steps := []struct {
		name                string
		redisDown, gwDown   bool
		wantCode            int
		wantBody, forbidden string
	}{
		{name: "all pass", wantCode: 200, wantBody: "ok\n"},
		{name: "redis fails", redisDown: true, wantCode: 503, wantBody: "not ready: redis\n", forbidden: "10.0.0.5"},
		{name: "both fail", redisDown: true, gwDown: true, wantCode: 503, wantBody: "not ready: gateway, redis\n"},
		{name: "gateway fails", gwDown: true, wantCode: 503, wantBody: "not ready: gateway\n"},
		{name: "back", wantCode: 200, wantBody: "ok\n"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			redisDown.Store(st.redisDown)
			gatewayDown.Store(st.gwDown)
			code, body := get(t, h, "/readyz")
			if code != st.wantCode || body != st.wantBody {
				t.Errorf("/readyz = %d %q, want %d %q", code, body, st.wantCode, st.wantBody)
			}
			if st.forbidden != "" && strings.Contains(body, st.forbidden) {
				t.Errorf("/readyz body %q leaks the check's error text", body)
			}
			if err := s.Ready(context.Background()); (err == nil) != (st.wantCode == 200) {
				t.Errorf("Ready() = %v, want nil only when /readyz answers 200", err)
			}
		})
	}
}

func TestReadyzBoundedAndSafe(t *testing.T) {
	tests := []struct {
		name  string
		check Check
	}{
		{"ignores its context", func(context.Context) error { time.Sleep(2 * time.Second); return nil }},
		{"honours its context", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }},
		{"panics", func(context.Context) error { panic("boom") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(prometheus.NewRegistry(), ServerOptions{CheckTimeout: 50 * time.Millisecond})
			s.AddCheck("slow", tt.check)
			s.AddCheck("fine", func(context.Context) error { return nil })
			start := time.Now()
			code, body := get(t, s.Handler(), "/readyz")
			if code != http.StatusServiceUnavailable || body != "not ready: slow\n" {
				t.Errorf("/readyz = %d %q, want 503 naming only the failing check", code, body)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("/readyz took %s; the check timeout is 50ms", d)
			}
		})
	}
}

func TestNoChecksIsReady(t *testing.T) {
	s := NewServer(prometheus.NewRegistry(), ServerOptions{})
	if code, _ := get(t, s.Handler(), "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz with no checks = %d, want 200", code)
	}
}

// exercise calls every recording method, with bogus label values where a caller could pass any string.
func exercise(m *Metrics) {
	m.IntakeStarted()
	m.IntakeCompleted(Urgent)
	m.IntakeCompleted("user 123456789012345678")
	m.IntakeAbandoned(AbandonStopped)
	m.IntakeAbandoned("I want to stop because my boss")
	m.CrisisResponse("suicide")
	m.CrisisResponse("i am going to hurt myself")
	m.HandoffPosted(Routine)
	m.HandoffFailed(FailForbidden)
	m.HandoffFailed("channel 987654321")
	m.HandoffRetried(Urgent)
	m.HandoffClaimed(Urgent, 3*time.Minute)
	m.SetUnclaimed(Urgent, 2, 20*time.Minute)
	m.EngineStep(StepOK, 3*time.Millisecond)
	m.EngineStep("guild 42", time.Millisecond)
	m.RedisError(errors.New("ERR something"))
}

func TestMetricsExposed(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	s := NewServer(reg, ServerOptions{Version: "v1.2.3"})
	var down atomic.Bool
	s.AddCheck("redis", func(context.Context) error {
		if down.Load() {
			return errors.New("down")
		}
		return nil
	})
	exercise(m)

	code, body := get(t, s.Handler(), "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, name := range []string{
		MetricIntakesStarted, MetricIntakesCompleted, MetricIntakesAbandoned, MetricCrisisResponses,
		MetricHandoffsPosted, MetricHandoffsFailed, MetricHandoffsRetried, MetricHandoffClaim + "_bucket",
		MetricHandoffUnclaimed, MetricHandoffOldestClaim, MetricEngineStep + "_bucket", MetricRedisErrors,
		MetricReady, MetricReadinessCheck, MetricBuildInfo,
	} {
		if !strings.Contains(body, "\n"+name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	for _, line := range []string{
		`fulcrum_intakes_started_total 1`,
		`fulcrum_crisis_responses_total{kind="suicide"} 1`,
		`fulcrum_crisis_responses_total{kind="other"} 1`,
		`fulcrum_handoff_oldest_unclaimed_seconds{urgency="urgent"} 1200`,
		`fulcrum_ready 1`,
		`fulcrum_readiness_check{check="redis"} 1`,
		`fulcrum_build_info{version="v1.2.3"} 1`,
	} {
		if !strings.Contains(body, "\n"+line+"\n") {
			t.Errorf("/metrics lacks the line %q", line)
		}
	}

	down.Store(true)
	_, body = get(t, s.Handler(), "/metrics")
	for _, line := range []string{`fulcrum_ready 0`, `fulcrum_readiness_check{check="redis"} 0`} {
		if !strings.Contains(body, "\n"+line+"\n") {
			t.Errorf("with redis down, /metrics lacks the line %q", line)
		}
	}
}

func TestLabelsBounded(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	s := NewServer(reg, ServerOptions{Version: "dev"})
	s.AddCheck("redis", func(context.Context) error { return nil })
	exercise(m)

	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	allowed := AllowedLabels()
	for _, f := range families {
		if !strings.HasPrefix(f.GetName(), "fulcrum_") {
			t.Errorf("metric %s lacks the fulcrum_ prefix", f.GetName())
		}
		for _, metric := range f.GetMetric() {
			for _, l := range metric.GetLabel() {
				values, ok := allowed[l.GetName()]
				if !ok {
					t.Errorf("%s has label %q, which is not in AllowedLabels", f.GetName(), l.GetName())
					continue
				}
				if values != nil && !slices.Contains(values, l.GetValue()) {
					t.Errorf("%s{%s=%q}: value outside the allowed set %v", f.GetName(), l.GetName(), l.GetValue(), values)
				}
			}
		}
	}
}

func TestNilMetricsIsSafe(t *testing.T) {
	var m *Metrics
	exercise(m) // must not panic
}

func TestRedisHook(t *testing.T) {
	mr := miniredis.RunT(t)
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	rdb.AddHook(m.RedisHook())
	ctx := context.Background()
	count := func(kind RedisErrorKind) float64 {
		return testutil.ToFloat64(m.redisErrors.WithLabelValues(string(kind)))
	}

	if err := rdb.Get(ctx, "missing").Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("GET missing = %v, want redis.Nil", err)
	}
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if total := testutil.CollectAndCount(m.redisErrors); total != len(redisErrorKinds) {
		t.Fatalf("%d series, want %d", total, len(redisErrorKinds))
	}
	for _, k := range redisErrorKinds {
		if c := count(RedisErrorKind(k)); c != 0 {
			t.Errorf("after a missing key and a SET, %s errors = %v, want 0", k, c)
		}
	}

	if err := rdb.LPush(ctx, "k", "x").Err(); err == nil {
		t.Fatal("LPUSH on a string succeeded")
	}
	if c := count(RedisServer); c != 1 {
		t.Errorf("after WRONGTYPE, server errors = %v, want 1", c)
	}

	_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Incr(ctx, "k") // not an integer: EXECABORT or an error reply
		return nil
	})
	if err == nil {
		t.Fatal("INCR on a string in MULTI succeeded")
	}
	if c := count(RedisServer); c != 2 {
		t.Errorf("after a failed transaction, server errors = %v, want 2", c)
	}

	mr.Close()
	if err := rdb.Ping(ctx).Err(); err == nil {
		t.Fatal("PING to a closed server succeeded")
	}
	if c := count(RedisNetwork) + count(RedisTimeout); c < 1 {
		t.Errorf("after the server went away, network+timeout errors = %v, want at least 1", c)
	}
}

func TestClassifyRedisError(t *testing.T) {
	tests := []struct {
		err  error
		want RedisErrorKind
	}{
		{context.DeadlineExceeded, RedisTimeout},
		{&net.OpError{Op: "dial", Err: errors.New("refused")}, RedisNetwork},
		{io.EOF, RedisNetwork},
		{redis.ErrClosed, RedisNetwork},
		{errors.New("something else"), RedisOther},
	}
	for _, tt := range tests {
		if got := ClassifyRedisError(tt.err); got != tt.want {
			t.Errorf("ClassifyRedisError(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

func TestServeShutsDown(t *testing.T) {
	s := NewServer(prometheus.NewRegistry(), ServerOptions{ShutdownTimeout: time.Second})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.serve(ctx, ln) }()

	url := "http://" + ln.Addr().String() + "/healthz"
	if err := Probe(context.Background(), url); err != nil {
		t.Fatalf("Probe(%s) = %v", url, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after ctx ended, want nil", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("serve did not return within 3 s of ctx ending")
	}
	if err := Probe(context.Background(), url); err == nil {
		t.Error("Probe succeeded after shutdown")
	}
}

func TestServeEmptyAddrIsOff(t *testing.T) {
	s := NewServer(prometheus.NewRegistry(), ServerOptions{})
	if err := s.Serve(context.Background(), ""); err != nil {
		t.Errorf("Serve(\"\") = %v, want nil", err)
	}
}

func TestProbe(t *testing.T) {
	var down atomic.Bool
	s := NewServer(prometheus.NewRegistry(), ServerOptions{})
	s.AddCheck("redis", func(context.Context) error {
		if down.Load() {
			return errors.New("down")
		}
		return nil
	})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	if err := Probe(context.Background(), ts.URL+"/readyz"); err != nil {
		t.Errorf("Probe when ready = %v", err)
	}
	down.Store(true)
	err := Probe(context.Background(), ts.URL+"/readyz")
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("Probe when not ready = %v, want an error with 503", err)
	}
}

func TestLocalURL(t *testing.T) {
	tests := []struct{ addr, want string }{
		{":8080", "http://127.0.0.1:8080/readyz"},
		{"0.0.0.0:9000", "http://127.0.0.1:9000/readyz"},
		{"[::]:8080", "http://127.0.0.1:8080/readyz"},
		{"127.0.0.1:8081", "http://127.0.0.1:8081/readyz"},
		{"[::1]:8080", "http://[::1]:8080/readyz"},
	}
	for _, tt := range tests {
		got, err := LocalURL(tt.addr, "/readyz")
		if err != nil || got != tt.want {
			t.Errorf("LocalURL(%q) = %q, %v; want %q", tt.addr, got, err, tt.want)
		}
	}
	if _, err := LocalURL("8080", "/readyz"); err == nil {
		t.Error(`LocalURL("8080") succeeded, want an error`)
	}
}

func TestStepOutcomeOf(t *testing.T) {
	tests := []struct {
		err  error
		want StepOutcome
	}{
		{nil, StepOK},
		{fmt.Errorf("step: %w", flows.ErrDuplicate), StepDuplicate},
		{fmt.Errorf("step: %w", flows.ErrConflict), StepConflict},
		{fmt.Errorf("load session: %w", flows.ErrUnavailable), StepUnavailable},
		{errors.New("boom"), StepError},
	}
	for _, tt := range tests {
		if got := StepOutcomeOf(tt.err); got != tt.want {
			t.Errorf("StepOutcomeOf(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

// TestCrisisKindsCoverTriage keeps CrisisKinds in step with the kinds triage reports: a kind missing here would be
// counted as "other".
func TestCrisisKindsCoverTriage(t *testing.T) {
	for _, k := range []triage.Kind{triage.KindSuicide, triage.KindSelfHarm, triage.KindViolence,
		triage.KindSexualAbuse, triage.KindChildAtRisk, triage.KindMedical, triage.KindHarmOthers} {
		if !slices.Contains(CrisisKinds, string(k)) {
			t.Errorf("triage kind %q is not in CrisisKinds", k)
		}
	}
}
