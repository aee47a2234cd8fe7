package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fulcrum-intake/fulcrum/internal/redistest"
	"github.com/fulcrum-intake/fulcrum/ops"
)

func TestHealthcheck(t *testing.T) {
	var ready atomic.Bool
	srv := ops.NewServer(prometheus.NewRegistry(), ops.ServerOptions{})
	srv.AddCheck("gateway", func(context.Context) error {
		if !ready.Load() {
			return errors.New("not connected")
		}
		return nil
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	u, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(u.Host)

	// A port nothing listens on: taken, then freed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()

	for _, c := range []struct {
		name, addr string
		ready, ok  bool
	}{
		{"ready", ":" + port, true, true},
		{"ready on an explicit host", "127.0.0.1:" + port, true, true},
		{"not ready", ":" + port, false, false},
		{"nothing listening", closed, true, false},
		{"server off", "", true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ready.Store(c.ready)
			t.Setenv("FULCRUM_HTTP_ADDR", c.addr)
			err := run(context.Background(), []string{"healthcheck"}, nil, &bytes.Buffer{}, &bytes.Buffer{})
			if (err == nil) != c.ok {
				t.Errorf("healthcheck on %q = %v, want ok %v", c.addr, err, c.ok)
			}
		})
	}
}

// TestStartupConfigRedacted starts `fulcrum run` against a Redis that is not there: the configuration is logged
// before anything connects, and neither it nor the error may show the token or the Redis password.
func TestStartupConfigRedacted(t *testing.T) {
	const token, password = "MTIz.fake-TOKEN-secret.4567", "pw-SECRET-9876"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("FULCRUM_DISCORD_TOKEN", token)
	t.Setenv("FULCRUM_REDIS_URL", "redis://default:"+password+"@"+addr+"/0?dial_timeout=200ms")
	t.Setenv("FULCRUM_HTTP_ADDR", "")
	var stderr bytes.Buffer
	err = run(context.Background(), []string{"run"}, nil, &bytes.Buffer{}, &stderr)
	if err == nil {
		t.Fatal("run started with no Redis")
	}
	out := stderr.String() + err.Error()
	for _, secret := range []string{token, password} {
		if strings.Contains(out, secret) {
			t.Errorf("a secret leaked:\n%s", out)
		}
	}
	var line struct {
		Msg          string `json:"msg"`
		DiscordToken string `json:"discord_token"`
		RedisURL     string `json:"redis_url"`
	}
	first, _, _ := strings.Cut(stderr.String(), "\n")
	if err := json.Unmarshal([]byte(first), &line); err != nil {
		t.Fatalf("the first log line is not JSON: %q", first)
	}
	if line.Msg != "configuration" || line.DiscordToken != "set" || !strings.Contains(line.RedisURL, "REDACTED@"+addr) {
		t.Errorf("configuration line = %+v", line)
	}
}

func TestRedactURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"},
		{"rediss://user:hunter2@cache:6380/1", "rediss://user:REDACTED@cache:6380/1"},
		{"redis-sentinel://:hunter2@s1:26379?master_name=m&password=hunter2", "redis-sentinel://:REDACTED@s1:26379?master_name=m&password=REDACTED"},
		{"redis://h\x7f:1", "(set, not shown: unparseable)"},
	} {
		if got := redactURL(c.in); got != c.want {
			t.Errorf("redactURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestBenchCommand(t *testing.T) {
	if err := run(context.Background(), []string{"bench", "--no-such-flag"}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("bench took an unknown flag")
	}
	redistest.Client(t) // skips, or fails in CI, without Redis
	out := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	err := run(context.Background(), []string{"bench", "--quick", "--redis", redistest.URL(), "--out", out}, nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	report, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Command: `go run . bench --quick", "(1) engine step", "(4) end to end", "5 members at once", "p50 "} {
		if !strings.Contains(string(report), want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}
