package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// reopen opens a second client to the same Redis, as a second process would.
func reopen(t *testing.T, rdb redis.UniversalClient) redis.UniversalClient {
	t.Helper()
	var c redis.UniversalClient
	switch rdb := rdb.(type) {
	case *redis.Client:
		c = redis.NewClient(rdb.Options())
	case *redis.ClusterClient:
		c = redis.NewClusterClient(rdb.Options())
	default:
		t.Fatalf("cannot reopen a %T", rdb)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// commandCounter counts the session commands a client sends, by name.
type commandCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func countCommands(rdb redis.UniversalClient) *commandCounter {
	c := &commandCounter{n: map[string]int{}}
	rdb.AddHook(c)
	return c
}

func (c *commandCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *commandCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.mu.Lock()
		c.n[strings.ToLower(cmd.Name())]++
		c.mu.Unlock()
		return next(ctx, cmd)
	}
}

func (c *commandCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// take returns the session commands counted since the last take: loads and scripts.
func (c *commandCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for _, name := range []string{"hmget", "evalsha", "eval"} {
		if c.n[name] > 0 {
			out[name] = c.n[name]
		}
	}
	c.n = map[string]int{}
	return out
}

// step is an fn that records the event in the path and as seen, as the engine does.
func step(id, event string) func(*flows.Session) (*flows.Session, error) {
	return func(s *flows.Session) (*flows.Session, error) {
		if s == nil {
			s = &flows.Session{ID: id, Answers: map[string]flows.Answer{}}
		}
		s.Path = append(s.Path, event)
		if event != "" {
			s.Seen = append(s.Seen, event)
		}
		return s, nil
	}
}

// stored reads a session as Redis holds it, through a store that remembers nothing.
func stored(t *testing.T, rdb redis.UniversalClient, prefix, id string) *flows.Session {
	t.Helper()
	st := New(rdb, Options{Prefix: prefix, CachedSessions: -1})
	var got *flows.Session
	if err := st.Update(context.Background(), id, "", func(s *flows.Session) (*flows.Session, error) {
		got = s
		return s, nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestActiveSessionStepsInOneRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, rdb, _ := newStoreOn(t, b, Options{})
		ctx := context.Background()
		calls := countCommands(rdb)
		for i := range 5 {
			if err := st.Update(ctx, "active", fmt.Sprint("e", i), step("active", fmt.Sprint("e", i))); err != nil {
				t.Fatal(err)
			}
			got := calls.take()
			delete(got, "eval") // the first script call on a node loads the script
			want := map[string]int{"evalsha": 1}
			if i == 0 {
				want["hmget"] = 1 // a session this process has not seen is loaded first
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("step %d sent %v, want %v", i, got, want)
			}
		}
	})
}

// TestTwoProcessesNeverLoseOrRepeat delivers every event to two stores on the same Redis at once, as Discord
// may when a gateway reconnects while another process holds the member: each event is applied exactly once,
// and no update is lost.
func TestTwoProcessesNeverLoseOrRepeat(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		a, rdb, prefix := newStoreOn(t, b, Options{})
		other := New(reopen(t, rdb), Options{Prefix: prefix})
		ctx := context.Background()
		const events, workers = 120, 3
		var applied, duplicates atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, 2*events)
		for p, st := range []*Redis{a, other} {
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range events {
						if i%workers != w {
							continue
						}
						if p == 1 {
							i = events - 1 - i // the other process meets the events in the other order
						}
						ev := fmt.Sprint("ev", i)
						switch err := st.Update(ctx, "shared", ev, step("shared", ev)); {
						case err == nil:
							applied.Add(1)
						case errors.Is(err, flows.ErrDuplicate):
							duplicates.Add(1)
						default:
							errs <- err
						}
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("update: %v", err)
		}
		got := stored(t, rdb, prefix, "shared")
		if len(got.Path) != events {
			t.Errorf("path has %d steps for %d events", len(got.Path), events)
		}
		for i := range events {
			if n := countOf(got.Path, fmt.Sprint("ev", i)); n != 1 {
				t.Errorf("event ev%d applied %d times", i, n)
			}
		}
		if applied.Load() != events || duplicates.Load() != events {
			t.Errorf("%d applied and %d duplicates, want %d of each", applied.Load(), duplicates.Load(), events)
		}
	})
}

func countOf(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}

func TestStaleCopyFromAnotherProcessIsDetected(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		a, rdb, prefix := newStoreOn(t, b, Options{})
		other := New(reopen(t, rdb), Options{Prefix: prefix})
		ctx := context.Background()
		for _, ev := range []string{"a1", "a2"} {
			if err := a.Update(ctx, "m", ev, step("m", ev)); err != nil {
				t.Fatal(err)
			}
		}
		if err := other.Update(ctx, "m", "b1", step("m", "b1")); err != nil {
			t.Fatal(err)
		}
		calls := countCommands(rdb)
		var seen [][]string
		err := a.Update(ctx, "m", "a3", func(s *flows.Session) (*flows.Session, error) {
			seen = append(seen, slices.Clone(s.Path))
			return step("m", "a3")(s)
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := [][]string{{"a1", "a2"}, {"a1", "a2", "b1"}}; fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Errorf("fn saw %v, want the remembered copy, then what the other process saved", seen)
		}
		if got := calls.take(); fmt.Sprint(got) != fmt.Sprint(map[string]int{"evalsha": 2}) {
			t.Errorf("a stale copy cost %v, want two scripts and no load", got)
		}
		if got := stored(t, rdb, prefix, "m"); !slices.Equal(got.Path, []string{"a1", "a2", "b1", "a3"}) {
			t.Errorf("stored path %v", got.Path)
		}
	})
}

// TestRecreatedSessionIsNotMistakenForTheOld: a session deleted and started again counts its versions from 1
// again; a copy of the old one at the same version must not pass for the new one.
func TestRecreatedSessionIsNotMistakenForTheOld(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		a, rdb, prefix := newStoreOn(t, b, Options{})
		other := New(reopen(t, rdb), Options{Prefix: prefix})
		ctx := context.Background()
		if err := a.Update(ctx, "m", "old", step("m", "old")); err != nil {
			t.Fatal(err)
		}
		if err := other.Delete(ctx, "m"); err != nil {
			t.Fatal(err)
		}
		if err := other.Update(ctx, "m", "new", step("m", "new")); err != nil {
			t.Fatal(err)
		}
		if err := a.Update(ctx, "m", "next", step("m", "next")); err != nil {
			t.Fatal(err)
		}
		if got := stored(t, rdb, prefix, "m"); !slices.Equal(got.Path, []string{"new", "next"}) {
			t.Errorf("stored path %v, want the new session's", got.Path)
		}
	})
}

// TestDeletedBehindTheCacheIsGone: a session deleted by a plain DEL (another process's forget) is seen as gone,
// and a redelivered event it had applied is applied afresh, as it was before sessions were remembered.
func TestDeletedBehindTheCacheIsGone(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, rdb, prefix := newStoreOn(t, b, Options{})
		ctx := context.Background()
		if err := st.Update(ctx, "m", "e1", step("m", "e1")); err != nil {
			t.Fatal(err)
		}
		if err := rdb.Del(ctx, sessionKey(prefix, "m")).Err(); err != nil {
			t.Fatal(err)
		}
		var got []*flows.Session
		err := st.Update(ctx, "m", "e1", func(s *flows.Session) (*flows.Session, error) {
			got = append(got, s)
			return step("m", "e1")(s)
		})
		if err != nil {
			t.Fatalf("redelivered event after a forget: %v", err)
		}
		if len(got) != 1 || got[0] != nil {
			t.Errorf("fn saw %v, want only the absent session", got)
		}
	})
}

func TestLegacySessionWithoutIncarnation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, rdb, prefix := newStoreOn(t, b, Options{})
		ctx := context.Background()
		key := sessionKey(prefix, "old")
		if err := rdb.HSet(ctx, key, "v", "3", "d", `{"id":"old","st":"concern","p":["x"],"t0":1,"t1":1}`).Err(); err != nil {
			t.Fatal(err)
		}
		for _, ev := range []string{"e1", "e2"} {
			if err := st.Update(ctx, "old", ev, step("old", ev)); err != nil {
				t.Fatal(err)
			}
		}
		if v := rdb.HGet(ctx, key, "v").Val(); v != "5" {
			t.Errorf("version %s, want 5", v)
		}
		if rdb.HGet(ctx, key, "i").Val() == "" {
			t.Error("a session saved by this version has no incarnation")
		}
		if got := stored(t, rdb, prefix, "old"); !slices.Equal(got.Path, []string{"x", "e1", "e2"}) {
			t.Errorf("path %v", got.Path)
		}
	})
}

func TestDeletingForgetsTheCopy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, _, _ := newStoreOn(t, b, Options{})
		ctx := context.Background()
		for _, id := range []string{"a", "b"} {
			if err := st.Update(ctx, id, "e", step(id, "e")); err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := st.cache.size(); n != 2 {
			t.Fatalf("%d sessions remembered, want 2", n)
		}
		if err := st.Update(ctx, "a", "", func(*flows.Session) (*flows.Session, error) { return nil, nil }); err != nil {
			t.Fatal(err)
		}
		if err := st.Delete(ctx, "b"); err != nil {
			t.Fatal(err)
		}
		if n, bytes := st.cache.size(); n != 0 || bytes != 0 {
			t.Errorf("after deleting both: %d sessions, %d bytes remembered", n, bytes)
		}
	})
}

func TestCacheStaysBounded(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, _, _ := newStoreOn(t, b, Options{CachedSessions: 8})
		ctx := context.Background()
		for i := range 50 {
			id := fmt.Sprint("member", i)
			if err := st.Update(ctx, id, "e", step(id, "e")); err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := st.cache.size(); n != 8 {
			t.Errorf("%d sessions remembered, want the bound of 8", n)
		}
	})
}

func TestSessionCacheBounds(t *testing.T) {
	tests := []struct {
		name            string
		max, maxBytes   int
		puts, size      int
		wantN, maxWantB int
	}{
		{"entries", 4, 1 << 20, 100, 10, 4, 40},
		{"bytes", 100, 1000, 100, 300, 3, 1000},
		{"too large to keep", 100, 1000, 5, 1001, 0, 0},
		{"off", -1, 0, 5, 10, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newSessionCache(tt.max, tt.maxBytes)
			for i := range tt.puts {
				c.put(fmt.Sprint(i), cached{s: &flows.Session{}, size: tt.size, version: 1})
			}
			n, bytes := c.size()
			if n != tt.wantN || bytes > tt.maxWantB {
				t.Errorf("%d entries, %d bytes; want %d entries, at most %d bytes", n, bytes, tt.wantN, tt.maxWantB)
			}
			if tt.wantN > 0 {
				if _, ok := c.get(fmt.Sprint(tt.puts - 1)); !ok {
					t.Error("the most recent entry was evicted")
				}
				if _, ok := c.get("0"); ok {
					t.Error("the least recent entry was kept")
				}
			}
		})
	}
}

func TestSessionCacheNeverGoesBack(t *testing.T) {
	c := newSessionCache(10, 1<<20)
	c.put("k", cached{size: 2, version: 5, inc: "a"})
	c.put("k", cached{size: 2, version: 4, inc: "a"})
	if got, _ := c.get("k"); got.version != 5 {
		t.Errorf("an older save replaced a newer one: version %d", got.version)
	}
	c.put("k", cached{size: 2, version: 1, inc: "b"})
	if got, _ := c.get("k"); got.version != 1 || got.inc != "b" {
		t.Errorf("a new incarnation did not replace the old: %+v", got)
	}
	if _, bytes := c.size(); bytes != 2 {
		t.Errorf("bytes = %d, want 2", bytes)
	}
}
