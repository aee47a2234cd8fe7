// Command fulcrum is a Discord bot that does the intake for a counseling service, with a console mode that runs
// the same intake in a terminal. main only wires: it reads the configuration once, handles signals, builds the
// pieces and runs the chosen subcommand.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/kelseyhightower/envconfig"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/bench"
	"github.com/fulcrum-intake/fulcrum/bench/e2e"
	"github.com/fulcrum-intake/fulcrum/bot"
	"github.com/fulcrum-intake/fulcrum/console"
	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/crisis"
	"github.com/fulcrum-intake/fulcrum/ops"
	"github.com/fulcrum-intake/fulcrum/store"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

// config is every setting fulcrum reads from the environment, with the FULCRUM_ prefix.
type config struct {
	RedisURL   string        `envconfig:"REDIS_URL"`
	KeyPrefix  string        `envconfig:"KEY_PREFIX" default:"fulcrum"`
	FlowFile   string        `envconfig:"FLOW_FILE"`
	SessionTTL time.Duration `envconfig:"SESSION_TTL" default:"168h"`
	Region     string        `envconfig:"REGION"`
	LogLevel   slog.Level    `envconfig:"LOG_LEVEL" default:"info"`

	DiscordToken   string `envconfig:"DISCORD_TOKEN"`
	DiscordAPIBase string `envconfig:"DISCORD_API_BASE"`
	// ShutdownTimeout bounds how long the bot finishes events in flight after SIGTERM; it stays under
	// Kubernetes' default 30 s grace period.
	ShutdownTimeout time.Duration `envconfig:"SHUTDOWN_TIMEOUT" default:"10s"`

	// HTTPAddr is where /healthz, /readyz and /metrics are served; empty turns the server off.
	HTTPAddr string `envconfig:"HTTP_ADDR" default:":8080"`
	// ShardID and ShardCount are this process's Discord shard and the total.
	ShardID    int `envconfig:"SHARD_ID" default:"0"`
	ShardCount int `envconfig:"SHARD_COUNT" default:"1"`

	// EncryptionKey seals free text at rest: comma-separated id:base64 AES-256 keys, the first current.
	EncryptionKey string `envconfig:"ENCRYPTION_KEY"`
	// RateMember and RateServer bound the messages and clicks a member and a server may send a minute;
	// RateModerator the moderation actions one person may take a minute, counted apart.
	RateMember    int `envconfig:"RATE_MEMBER" default:"20"`
	RateServer    int `envconfig:"RATE_SERVER" default:"600"`
	RateModerator int `envconfig:"RATE_MODERATOR" default:"120"`
}

// logValue is the configuration as the start-up log line shows it: secrets redacted.
func (c config) logValue() []any {
	token := "unset"
	if c.DiscordToken != "" {
		token = "set"
	}
	return []any{
		"redis_url", redactURL(c.RedisURL), "key_prefix", c.KeyPrefix, "flow_file", c.FlowFile,
		"session_ttl", c.SessionTTL.String(), "region", c.Region, "log_level", c.LogLevel.String(),
		"discord_token", token, "discord_api_base", redactURL(c.DiscordAPIBase),
		"shutdown_timeout", c.ShutdownTimeout.String(), "http_addr", c.HTTPAddr,
		"shard_id", c.ShardID, "shard_count", c.ShardCount, "version", version,
		"encryption", c.EncryptionKey != "", "rate_member", c.RateMember, "rate_server", c.RateServer,
	}
}

// redactURL hides a URL's password, and any query parameter named like one; a URL it cannot parse is not shown.
func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(set, not shown: unparseable)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "REDACTED")
	}
	q := u.Query()
	for k := range q {
		if strings.Contains(strings.ToLower(k), "password") || strings.Contains(strings.ToLower(k), "token") {
			q[k] = []string{"REDACTED"}
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

const usage = `fulcrum: a kind, safe intake for a community's counseling support.

Usage:
  fulcrum run                                                 run the Discord bot (FULCRUM_DISCORD_TOKEN);
                                                              plain "fulcrum" does too when the token is set
  fulcrum console [--json] [--session NAME] [--region CODE]   run the intake in this terminal
  fulcrum triage                                              classify messages, one per line on stdin
  fulcrum flows graph                                         print the intake as a Mermaid diagram
  fulcrum flows check [FILE]                                  validate a flow file (default: the built-in one)
  fulcrum healthcheck                                         exit 0 when /readyz on FULCRUM_HTTP_ADDR answers 200
  fulcrum bench [--redis URL] [--out FILE] [--cpuprofile FILE] [--quick]
                                                              measure against the performance targets (BENCHMARKS.md)
  fulcrum version

Configuration comes from FULCRUM_* environment variables; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fulcrum:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg config
	if err := envconfig.Process("fulcrum", &cfg); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	if cfg.ShardCount < 1 || cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount {
		return fmt.Errorf("configuration: FULCRUM_SHARD_ID %d must be at least 0 and under FULCRUM_SHARD_COUNT %d",
			cfg.ShardID, cfg.ShardCount)
	}
	log := newLogger(stderr, cfg.LogLevel, len(args) > 0 && args[0] == "console")
	if len(args) == 0 {
		if cfg.DiscordToken != "" {
			return runBot(ctx, cfg, log)
		}
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch args[0] {
	case "run":
		return runBot(ctx, cfg, log)
	case "console":
		return runConsole(ctx, cfg, args[1:], stdin, stdout, log)
	case "triage":
		return console.Triage(stdin, stdout)
	case "flows":
		return runFlows(cfg, args[1:], stdout)
	case "healthcheck":
		return healthcheck(ctx, cfg)
	case "bench":
		return runBench(ctx, cfg, args[1:], stdout)
	case "version":
		fmt.Fprintln(stdout, "fulcrum", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}

// newLogger logs to stderr, never message text, answers or tokens: JSON for log collectors, text when stderr is a
// terminal. The console keeps to warnings, in text, so that its stdout protocol stays clean and its terminal quiet.
func newLogger(stderr io.Writer, level slog.Level, console bool) *slog.Logger {
	if console {
		return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: max(level, slog.LevelWarn)}))
	}
	opts := &slog.HandlerOptions{Level: level}
	if f, ok := stderr.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return slog.New(slog.NewTextHandler(stderr, opts))
		}
	}
	return slog.New(slog.NewJSONHandler(stderr, opts))
}

// healthcheck asks this process's /readyz: the Docker HEALTHCHECK of an image with no shell or curl.
func healthcheck(ctx context.Context, cfg config) error {
	if cfg.HTTPAddr == "" {
		return errors.New("healthcheck: FULCRUM_HTTP_ADDR is empty, so there is no health server to ask")
	}
	u, err := ops.LocalURL(cfg.HTTPAddr, "/readyz")
	if err != nil {
		return err
	}
	return ops.Probe(ctx, u)
}

// runBench measures fulcrum against its performance targets and writes the Markdown report.
func runBench(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	defURL := cfg.RedisURL
	if defURL == "" {
		defURL = "redis://127.0.0.1:6379/0"
	}
	redisURL := fs.String("redis", defURL, "Redis to measure against (any FULCRUM_REDIS_URL form)")
	outPath := fs.String("out", "", "write the Markdown report to this file instead of stdout")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	quick := fs.Bool("quick", false, "a small, fast run that checks the command works; its figures mean little")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := bench.Options{RedisURL: *redisURL, Command: strings.TrimSpace("go run . bench " + strings.Join(args, " ")),
		EndToEnd: e2e.Figure(100, e2e.HumanPace)}
	if *quick {
		opts.Steps, opts.Members, opts.Duration, opts.InFlight = 50, 20, 50*time.Millisecond, 200
		opts.EndToEnd = e2e.Figure(5, e2e.QuickPace)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// The report is built in memory and written at the end, so that a failed run leaves the old file alone.
	var report bytes.Buffer
	if err := bench.Run(ctx, opts, &report); err != nil {
		return err
	}
	if *outPath == "" {
		_, err := stdout.Write(report.Bytes())
		return err
	}
	return os.WriteFile(*outPath, report.Bytes(), 0o644)
}

func runConsole(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "one JSON object per bot message (the machine protocol)")
	session := fs.String("session", "local", "session name, to resume later")
	region := fs.String("region", cfg.Region, "region code for crisis numbers (US, GB, CA, AU, ...)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := buildEngine(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer p.close()
	return console.Run(ctx, stdin, stdout, p.eng, console.Options{
		JSON: *jsonOut, SessionID: "console:" + *session, Region: *region, Logger: log,
	})
}

// runBot runs the Discord bot, and the health and metrics server beside it, until ctx ends (SIGINT or SIGTERM).
func runBot(ctx context.Context, cfg config, log *slog.Logger) error {
	log.Info("configuration", cfg.logValue()...)
	s, err := bot.NewSession(cfg.DiscordToken, cfg.DiscordAPIBase)
	if err != nil {
		return err
	}
	p, err := buildEngine(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer p.close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := ops.NewMetrics(reg)
	p.rdb.AddHook(m.RedisHook())
	b := bot.New(s, p.eng, p.st, bot.Options{
		Logger:          log,
		ShutdownTimeout: cfg.ShutdownTimeout,
		KnownRegion: func(code string) (string, bool) {
			r, _ := p.dir.For(code)
			return r.Code, r.Code != crisis.IntlCode
		},
		Metrics:    m,
		ShardID:    cfg.ShardID,
		ShardCount: cfg.ShardCount,
		Limiter: store.NewLimiter(p.rdb, store.LimitOptions{
			Prefix: cfg.KeyPrefix, Member: cfg.RateMember, Server: cfg.RateServer, Moderator: cfg.RateModerator,
			Period: time.Minute,
		}),
	})
	srv := ops.NewServer(reg, ops.ServerOptions{Logger: log, Version: version})
	srv.AddCheck("redis", func(ctx context.Context) error { return p.rdb.Ping(ctx).Err() })
	srv.AddCheck("gateway", b.GatewayReady)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() {
		err := srv.Serve(ctx, cfg.HTTPAddr)
		if err != nil {
			cancel() // a bot nobody can probe would be restarted anyway: stop now, with the reason
		}
		served <- err
	}()
	err = b.Run(ctx)
	cancel()
	// Serve returns within its own shutdown timeout (5 s) once ctx has ended.
	if serr := <-served; serr != nil {
		err = errors.Join(err, fmt.Errorf("health server: %w", serr))
	}
	return err
}

// pieces are what buildEngine wires: the engine, its store, the crisis directory and the Redis client.
type pieces struct {
	eng   *flows.Engine
	st    *store.Redis
	dir   *crisis.Directory
	rdb   redis.UniversalClient
	close func()
}

// buildEngine wires the flow, crisis resources and store. With no FULCRUM_REDIS_URL it starts the embedded store.
func buildEngine(ctx context.Context, cfg config, log *slog.Logger) (pieces, error) {
	flow, err := loadFlow(cfg)
	if err != nil {
		return pieces{}, err
	}
	dir, err := crisis.Load()
	if err != nil {
		return pieces{}, fmt.Errorf("crisis resources: %w", err)
	}
	addr, closeStore := cfg.RedisURL, func() {}
	if addr == "" {
		emb, err := store.StartEmbedded()
		if err != nil {
			return pieces{}, err
		}
		log.Warn("FULCRUM_REDIS_URL is not set: using the embedded in-memory store; NOTHING SURVIVES A RESTART " +
			"(sessions, server settings and undelivered handoffs are lost)")
		addr, closeStore = emb.URL(), emb.Close
	}
	rdb, err := store.Connect(ctx, addr)
	if err != nil {
		closeStore()
		return pieces{}, err
	}
	keys, err := store.ParseKeys(cfg.EncryptionKey)
	if err != nil {
		closeStore()
		return pieces{}, fmt.Errorf("FULCRUM_ENCRYPTION_KEY: %w", err)
	}
	if keys == nil && cfg.RedisURL != "" {
		log.Warn("FULCRUM_ENCRYPTION_KEY is not set: members' answers are stored in Redis unencrypted")
	}
	st := store.New(rdb, store.Options{Prefix: cfg.KeyPrefix, SessionTTL: cfg.SessionTTL, Keys: keys})
	eng := flows.NewEngine(flow, st, dir, flows.Options{Logger: log})
	return pieces{eng: eng, st: st, dir: dir, rdb: rdb, close: func() { _ = rdb.Close(); closeStore() }}, nil
}

func loadFlow(cfg config) (*flows.Flow, error) {
	if cfg.FlowFile != "" {
		return flows.LoadFile(cfg.FlowFile)
	}
	return flows.Default()
}

func runFlows(cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("flows needs a subcommand: graph or check")
	}
	switch args[0] {
	case "graph":
		f, err := loadFlow(cfg)
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, f.Mermaid())
		return nil
	case "check":
		if len(args) > 1 {
			cfg.FlowFile = args[1]
		}
		f, err := loadFlow(cfg)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "ok: %d states, %d referrals\n", len(f.States), len(f.Referrals))
		return nil
	}
	return fmt.Errorf("unknown flows subcommand %q (graph or check)", args[0])
}
