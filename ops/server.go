package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Check is one readiness condition, such as "Redis answers a PING" or "the Discord gateway is connected". It
// returns nil when the condition holds. It must respect ctx: a check that outlives it counts as failed.
type Check func(ctx context.Context) error

// ServerOptions tune a Server. The zero value is ready to use.
type ServerOptions struct {
	// Logger receives readiness changes and server errors; nil discards.
	Logger *slog.Logger
	// CheckTimeout bounds one round of readiness checks; zero means 2 s. Kubernetes' probe timeout defaults to
	// 1 s and the manifests set 3 s, so a hung Redis makes the probe fail rather than hang.
	CheckTimeout time.Duration
	// ShutdownTimeout bounds how long Serve waits for requests in flight once ctx ends; zero means 5 s.
	ShutdownTimeout time.Duration
	// Version, when set, is exported as fulcrum_build_info{version="..."} 1.
	Version string
}

// Server serves /healthz, /readyz and /metrics for one fulcrum process.
type Server struct {
	gatherer prometheus.Gatherer
	log      *slog.Logger
	opts     ServerOptions

	mu     sync.Mutex
	checks map[string]Check

	// state is the last readiness seen: 0 unknown, 1 ready, 2 not ready. Only changes are logged, so that a probe
	// every few seconds against a Redis that is down does not flood the log.
	state atomic.Int32
}

// NewServer returns a Server that exposes reg at /metrics and registers in it fulcrum_ready and
// fulcrum_readiness_check{check=...}, evaluated on each scrape so that an alert can tell when no replica is ready.
func NewServer(reg *prometheus.Registry, opts ServerOptions) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = 2 * time.Second
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 5 * time.Second
	}
	s := &Server{gatherer: reg, log: opts.Logger, opts: opts, checks: map[string]Check{}}
	reg.MustRegister(newReadinessCollector(s))
	if opts.Version != "" {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: MetricBuildInfo, Help: "Always 1; the version label is the running build.",
			ConstLabels: prometheus.Labels{"version": opts.Version},
		}, func() float64 { return 1 }))
	}
	return s
}

// AddCheck adds a readiness check under a short fixed name ("redis", "gateway"); the name is a label value and
// appears in /readyz's answer, so it must not come from user input. Adding a name twice replaces the check.
func (s *Server) AddCheck(name string, c Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checks[name] = c
}

// checkResult is the outcome of one named check.
type checkResult struct {
	name string
	err  error
}

// runChecks runs every check concurrently under one timeout and returns the results sorted by name.
func (s *Server) runChecks(ctx context.Context) []checkResult {
	s.mu.Lock()
	checks := make(map[string]Check, len(s.checks))
	for n, c := range s.checks {
		checks[n] = c
	}
	s.mu.Unlock()

	ctx, cancel := context.WithTimeout(ctx, s.opts.CheckTimeout)
	defer cancel()
	results := make(chan checkResult, len(checks))
	for name, c := range checks {
		go func() {
			results <- checkResult{name, runCheck(ctx, c)}
		}()
	}
	out := make([]checkResult, 0, len(checks))
	for range checks {
		select {
		case r := <-results:
			out = append(out, r)
		case <-ctx.Done():
			// A check that ignores its context must not hold the probe: whatever has not answered has failed.
			got := map[string]bool{}
			for _, r := range out {
				got[r.name] = true
			}
			for name := range checks {
				if !got[name] {
					out = append(out, checkResult{name, fmt.Errorf("no answer within %s", s.opts.CheckTimeout)})
				}
			}
			slices.SortFunc(out, func(a, b checkResult) int { return strings.Compare(a.name, b.name) })
			return out
		}
	}
	slices.SortFunc(out, func(a, b checkResult) int { return strings.Compare(a.name, b.name) })
	return out
}

// runCheck runs c, turning a panic into a failure: a broken check must not take the process down.
func runCheck(ctx context.Context, c Check) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("check panicked: %v", r)
		}
	}()
	return c(ctx)
}

// Ready runs every check and returns nil when all pass, or an error naming each check that failed.
func (s *Server) Ready(ctx context.Context) error {
	_, err := s.evaluate(ctx)
	return err
}

// evaluate runs every check, notes a change of readiness in the log, and returns the names of the checks that
// failed along with their errors.
func (s *Server) evaluate(ctx context.Context) ([]string, error) {
	var failed []string
	var errs []error
	for _, r := range s.runChecks(ctx) {
		if r.err != nil {
			failed = append(failed, r.name)
			errs = append(errs, fmt.Errorf("%s: %w", r.name, r.err))
		}
	}
	err := errors.Join(errs...)
	s.noteReadiness(err)
	return failed, err
}

func (s *Server) noteReadiness(err error) {
	next := int32(1)
	if err != nil {
		next = 2
	}
	if prev := s.state.Swap(next); prev != next {
		if err != nil {
			s.log.Warn("not ready", "err", err)
		} else {
			s.log.Info("ready")
		}
	}
}

// Handler returns the HTTP handler: /healthz, /readyz and /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	// /healthz answers 200 while the process can serve HTTP at all: a liveness probe restarts only a process that
	// is wedged, never one that waits for Redis or Discord (restarting would not bring those back).
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		failed, _ := s.evaluate(r.Context())
		// Only check names go out: error text may hold addresses, and this endpoint may be reachable by more
		// than the operator. The log has the errors.
		if len(failed) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "not ready: "+strings.Join(failed, ", ")+"\n")
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelError),
		// Serve what could be gathered rather than nothing when one collector fails.
		ErrorHandling: promhttp.ContinueOnError,
	}))
	return mux
}

// Serve serves Handler on addr (such as ":8080") until ctx ends, then shuts down, waiting at most
// ShutdownTimeout for requests in flight. An empty addr serves nothing and returns nil at once (metrics off).
func (s *Server) Serve(ctx context.Context, addr string) error {
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("ops: listen on %s: %w", addr, err)
	}
	return s.serve(ctx, ln)
}

func (s *Server) serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("ops server listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("ops: serve: %w", err)
	case <-ctx.Done():
	}
	// Bounded: the orchestrator's grace period (30 s by default in Kubernetes) is shared with the bot's own
	// shutdown, and a scrape in flight is not worth holding the process for.
	sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("ops: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("ops: serve: %w", err)
	}
	return nil
}

// readinessCollector exports the checks' results on each scrape. The readiness a scrape sees is not logged:
// only probes change what the log says.
type readinessCollector struct {
	s               *Server
	ready, perCheck *prometheus.Desc
}

func newReadinessCollector(s *Server) readinessCollector {
	return readinessCollector{
		s: s,
		ready: prometheus.NewDesc(MetricReady,
			"1 when every readiness check passes (Redis answers, the gateway is connected), else 0.", nil, nil),
		perCheck: prometheus.NewDesc(MetricReadinessCheck,
			"1 when the named readiness check passes, else 0.", []string{"check"}, nil),
	}
}

func (c readinessCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.ready
	ch <- c.perCheck
}

func (c readinessCollector) Collect(ch chan<- prometheus.Metric) {
	ready := 1.0
	for _, r := range c.s.runChecks(context.Background()) {
		v := 1.0
		if r.err != nil {
			v, ready = 0, 0
		}
		ch <- prometheus.MustNewConstMetric(c.perCheck, prometheus.GaugeValue, v, r.name)
	}
	ch <- prometheus.MustNewConstMetric(c.ready, prometheus.GaugeValue, ready)
}
