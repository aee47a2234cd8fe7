package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// ownRedis is a redis-server this test runs itself, so that it can kill it.
type ownRedis struct {
	t    *testing.T
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
}

// startOwnRedis starts a redis-server with an append-only file synced on every write, on a free loopback port.
// Without redis-server on PATH the test is skipped, or fails when CI is set.
func startOwnRedis(t *testing.T) *ownRedis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is not on PATH and CI is set")
		}
		t.Skip("redis-server is not on PATH")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	r := &ownRedis{t: t, bin: bin, dir: t.TempDir(), port: port}
	r.start()
	t.Cleanup(func() {
		if r.cmd != nil {
			_ = r.cmd.Process.Kill()
			_ = r.cmd.Wait()
		}
	})
	return r
}

func (r *ownRedis) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

func (r *ownRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command(r.bin, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--appendonly", "yes",
		"--appendfsync", "always", "--dir", r.dir, "--save", "", "--daemonize", "no")
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	c := redis.NewClient(&redis.Options{Addr: r.addr(), MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("redis-server on %s did not answer: %v", r.addr(), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL: no shutdown, no final save; only what the append-only file already holds survives.
func (r *ownRedis) kill() {
	r.t.Helper()
	if err := r.cmd.Process.Kill(); err != nil {
		r.t.Fatal(err)
	}
	_ = r.cmd.Wait()
	r.cmd = nil
}

// TestRedisKilledMidIntake drives an intake, SIGKILLs Redis, checks that a step while it is down is
// ErrUnavailable (and the engine answers with its "paused" sentence), restarts Redis on the same files and port,
// and checks that every answer survived and that the same client, never rebuilt, carries on by itself.
func TestRedisKilledMidIntake(t *testing.T) {
	srv := startOwnRedis(t)
	rdb, err := Connect(context.Background(), "redis://"+srv.addr()+"?dial_timeout=200ms&read_timeout=500ms")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	st := New(rdb, Options{Keys: mustKeys(t, newKey(t))})
	e := newEngine(t, st)
	ctx := context.Background()
	sid := "discord:fault"
	r, err := e.Handle(ctx, flows.Input{SessionID: sid, EventID: "open", Command: flows.CommandOpen})
	if err != nil {
		t.Fatal(err)
	}
	var events int
	next := func() flows.Input {
		m := lastMessage(r)
		in := answerFor(m, "words")
		if m.State == "concern" {
			in = flows.Input{Text: "my boss at work threatens to fire me"}
		}
		in.SessionID, in.EventID = sid, fmt.Sprint("e", events)
		return in
	}
	for range 7 {
		events++
		if r, err = e.Handle(ctx, next()); err != nil {
			t.Fatal(err)
		}
	}
	before, err := st.load(ctx, sid, sessionKey(st.prefix, sid))
	if err != nil || before.s == nil {
		t.Fatalf("load before kill: %v", err)
	}
	t.Logf("killed at state %s with %d answers", before.s.State, len(before.s.Answers))

	srv.kill()
	events++
	pending := next()
	down, err := e.Handle(ctx, pending)
	if !errors.Is(err, flows.ErrUnavailable) {
		t.Fatalf("step while Redis is down: err = %v, want ErrUnavailable", err)
	}
	if got, want := lastMessage(down).Text, e.Flow().Msg("unavailable"); got != want {
		t.Errorf("reply while down = %q, want the paused sentence %q", got, want)
	}
	if err := st.Update(ctx, "discord:other", "x", func(s *flows.Session) (*flows.Session, error) { return s, nil }); !errors.Is(err, flows.ErrUnavailable) {
		t.Errorf("store.Update while down: err = %v, want ErrUnavailable", err)
	}
	if _, err := Connect(ctx, "redis://"+srv.addr()+"?dial_timeout=200ms&max_retries=-1"); !errors.Is(err, flows.ErrUnavailable) {
		t.Errorf("Connect while down: err = %v, want ErrUnavailable", err)
	}

	srv.start()
	// The same client reconnects on its own: its pool dials again on the next command.
	after, err := st.load(ctx, sid, sessionKey(st.prefix, sid))
	if err != nil {
		t.Fatalf("load after restart: %v", err)
	}
	if after.s == nil || after.version != before.version || after.s.State != before.s.State ||
		fmt.Sprint(after.s.Answers) != fmt.Sprint(before.s.Answers) || fmt.Sprint(after.s.Seen) != fmt.Sprint(before.s.Seen) {
		t.Fatalf("after restart the session is %+v (v%d), want %+v (v%d)", after.s, after.version, before.s, before.version)
	}
	// The step that failed while Redis was down was not applied: delivered again, it is applied now, once.
	if r, err = e.Handle(ctx, pending); err != nil {
		t.Fatalf("step after restart: %v", err)
	}
	if _, err := e.Handle(ctx, pending); !errors.Is(err, flows.ErrDuplicate) {
		t.Errorf("the retried step again: err = %v, want ErrDuplicate", err)
	}
	for range 40 {
		if r.Handoff != nil {
			break
		}
		events++
		if r, err = e.Handle(ctx, next()); err != nil {
			t.Fatalf("step after restart: %v", err)
		}
	}
	if r.Handoff == nil {
		t.Fatal("the intake did not reach its handoff after the restart")
	}
	final, err := st.load(ctx, sid, sessionKey(st.prefix, sid))
	if err != nil {
		t.Fatal(err)
	}
	for q, a := range before.s.Answers {
		if fmt.Sprint(final.s.Answers[q]) != fmt.Sprint(a) {
			t.Errorf("answer %s = %v after the restart, want %v", q, final.s.Answers[q], a)
		}
	}
}

func TestConnectUnreachableIsUnavailable(t *testing.T) {
	_, err := Connect(context.Background(), "redis://127.0.0.1:1?dial_timeout=200ms&max_retries=-1")
	if !errors.Is(err, flows.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
}
