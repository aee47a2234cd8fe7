// Command fulcrum is a Discord bot that does the intake for a counseling service, with a console mode that runs
// the same intake in a terminal. main only wires: it reads the configuration once, handles signals, builds the
// pieces and runs the chosen subcommand.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/fulcrum-intake/fulcrum/bot"
	"github.com/fulcrum-intake/fulcrum/console"
	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/crisis"
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
}

const usage = `fulcrum: a kind, safe intake for a community's counseling support.

Usage:
  fulcrum run                                                 run the Discord bot (FULCRUM_DISCORD_TOKEN);
                                                              plain "fulcrum" does too when the token is set
  fulcrum console [--json] [--session NAME] [--region CODE]   run the intake in this terminal
  fulcrum triage                                              classify messages, one per line on stdin
  fulcrum flows graph                                         print the intake as a Mermaid diagram
  fulcrum flows check [FILE]                                  validate a flow file (default: the built-in one)
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
	// Console output goes to stdout; logs go to stderr and hold no message text, answer or token.
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
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
	case "version":
		fmt.Fprintln(stdout, "fulcrum", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}

func runConsole(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "one JSON object per bot message (the machine protocol)")
	session := fs.String("session", "local", "session name, to resume later")
	region := fs.String("region", cfg.Region, "region code for crisis numbers (US, GB, CA, AU, ...)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	eng, _, _, closeStore, err := buildEngine(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore()
	return console.Run(ctx, stdin, stdout, eng, console.Options{
		JSON: *jsonOut, SessionID: "console:" + *session, Region: *region, Logger: log,
	})
}

// runBot runs the Discord bot until ctx ends (SIGINT or SIGTERM).
func runBot(ctx context.Context, cfg config, log *slog.Logger) error {
	s, err := bot.NewSession(cfg.DiscordToken, cfg.DiscordAPIBase)
	if err != nil {
		return err
	}
	eng, st, dir, closeStore, err := buildEngine(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore()
	b := bot.New(s, eng, st, bot.Options{
		Logger:          log,
		ShutdownTimeout: cfg.ShutdownTimeout,
		KnownRegion: func(code string) (string, bool) {
			r, _ := dir.For(code)
			return r.Code, r.Code != crisis.IntlCode
		},
	})
	return b.Run(ctx)
}

// buildEngine wires the flow, crisis resources and store. With no FULCRUM_REDIS_URL it starts the embedded store.
func buildEngine(ctx context.Context, cfg config, log *slog.Logger) (*flows.Engine, *store.Redis, *crisis.Directory, func(), error) {
	flow, err := loadFlow(cfg)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	dir, err := crisis.Load()
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("crisis resources: %w", err)
	}
	url, closeStore := cfg.RedisURL, func() {}
	if url == "" {
		emb, err := store.StartEmbedded()
		if err != nil {
			return nil, nil, nil, nil, err
		}
		log.Warn("FULCRUM_REDIS_URL is not set: using the embedded in-memory store; NOTHING SURVIVES A RESTART " +
			"(sessions, server settings and undelivered handoffs are lost)")
		url, closeStore = emb.URL(), emb.Close
	}
	rdb, err := store.Connect(ctx, url)
	if err != nil {
		closeStore()
		return nil, nil, nil, nil, err
	}
	st := store.New(rdb, store.Options{Prefix: cfg.KeyPrefix, SessionTTL: cfg.SessionTTL})
	eng := flows.NewEngine(flow, st, dir, flows.Options{Logger: log})
	return eng, st, dir, func() { _ = rdb.Close(); closeStore() }, nil
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
