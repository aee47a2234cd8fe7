package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/internal/redistest"
)

// backend is a Redis the store tests run against: every test runs on a single server and on Redis Cluster,
// because the same store code must hold on both.
type backend struct {
	name    string
	connect func(testing.TB) (redis.UniversalClient, string)
}

var backends = []backend{
	{"single", func(t testing.TB) (redis.UniversalClient, string) { return redistest.Client(t) }},
	{"cluster", func(t testing.TB) (redis.UniversalClient, string) { return redistest.Cluster(t) }},
}

// forEachBackend runs a test once per backend.
func forEachBackend(t *testing.T, test func(t *testing.T, b backend)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b) })
	}
}

// newStoreOn returns a store on the backend, under a key prefix of its own.
func newStoreOn(t *testing.T, b backend, opts Options) (*Redis, redis.UniversalClient, string) {
	t.Helper()
	rdb, prefix := b.connect(t)
	opts.Prefix = prefix
	return New(rdb, opts), rdb, prefix
}

// newStore returns a store on the single server. Tests that should also hold on Redis Cluster use
// forEachBackend and newStoreOn instead.
func newStore(t *testing.T, opts Options) (*Redis, redis.UniversalClient, string) {
	t.Helper()
	return newStoreOn(t, backends[0], opts)
}

func count(s *flows.Session) int { return len(s.Path) }

func TestUpdateCreatesLoadsAndSetsTTL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, rdb, prefix := newStoreOn(t, b, Options{SessionTTL: time.Hour})
		ctx := context.Background()
		err := st.Update(ctx, "console:a", "e1", func(s *flows.Session) (*flows.Session, error) {
			if s != nil {
				t.Errorf("new session loaded as %+v", s)
			}
			return &flows.Session{ID: "console:a", State: "welcome", Answers: map[string]flows.Answer{}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		key := sessionKey(prefix, "console:a")
		ttl := rdb.PTTL(ctx, key).Val()
		if ttl <= 59*time.Minute || ttl > time.Hour {
			t.Errorf("TTL = %v, want about an hour", ttl)
		}
		err = st.Update(ctx, "console:a", "e2", func(s *flows.Session) (*flows.Session, error) {
			if s == nil || s.State != "welcome" {
				t.Fatalf("loaded %+v, want the saved session", s)
			}
			s.State = "concern"
			return s, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if v := rdb.HGet(ctx, key, "v").Val(); v != "2" {
			t.Errorf("version = %s after two saves, want 2", v)
		}
	})
}

// A save renews the session's TTL when a hundredth of it has passed since this process last renewed it, not on
// every step; a new key, and a session started over a tombstone, always get the whole TTL.
func TestSaveRenewsTTLEveryHundredth(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, rdb, prefix := newStoreOn(t, b, Options{SessionTTL: 20 * time.Second}) // renewed every 200 ms
		ctx := context.Background()
		key := sessionKey(prefix, "console:r")
		n := 0
		step := func(end bool) {
			t.Helper()
			n++
			err := st.Update(ctx, "console:r", fmt.Sprint("e", n), func(s *flows.Session) (*flows.Session, error) {
				if end {
					return nil, nil
				}
				if s == nil {
					s = &flows.Session{ID: "console:r", State: "welcome", Answers: map[string]flows.Answer{}}
				}
				s.Seen = append(s.Seen, fmt.Sprint("e", n))
				return s, nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		ttl := func() time.Duration { return rdb.PTTL(ctx, key).Val() }
		step(false)
		if got := ttl(); got <= 19*time.Second {
			t.Fatalf("new session: TTL = %v, want about 20s", got)
		}
		// Time passes on the key without a step (lowered by hand), then a step comes at once: not renewed.
		rdb.PExpire(ctx, key, 10*time.Second)
		step(false)
		if got := ttl(); got > 10*time.Second {
			t.Errorf("step right after a renewal: TTL = %v, want it left at 10s or less", got)
		}
		time.Sleep(250 * time.Millisecond)
		step(false)
		if got := ttl(); got <= 19*time.Second {
			t.Errorf("step a hundredth of the TTL after the last renewal: TTL = %v, want about 20s", got)
		}
		// A session ending leaves a tombstone with the short TTL; one starting over it gets the whole TTL at once.
		step(true)
		if got := ttl(); got > EndedTTL || got <= 0 {
			t.Fatalf("tombstone TTL = %v, want at most %v", got, EndedTTL)
		}
		step(false)
		if got := ttl(); got <= 19*time.Second {
			t.Errorf("session started over a tombstone: TTL = %v, want about 20s", got)
		}
		// Another process's store knows nothing of when the key was renewed: its first save renews.
		other := New(rdb, Options{Prefix: prefix, SessionTTL: 20 * time.Second})
		rdb.PExpire(ctx, key, 10*time.Second)
		n++
		if err := other.Update(ctx, "console:r", fmt.Sprint("e", n), func(s *flows.Session) (*flows.Session, error) {
			s.Seen = append(s.Seen, fmt.Sprint("e", n))
			return s, nil
		}); err != nil {
			t.Fatal(err)
		}
		if got := ttl(); got <= 19*time.Second {
			t.Errorf("first save by another store: TTL = %v, want about 20s", got)
		}
	})
}

func TestRepeatedEventIsDuplicate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, _, _ := newStoreOn(t, b, Options{})
		ctx := context.Background()
		calls := 0
		apply := func(s *flows.Session) (*flows.Session, error) {
			calls++
			if s == nil {
				s = &flows.Session{ID: "x", Answers: map[string]flows.Answer{}}
			}
			s.Seen = append(s.Seen, "evt-1")
			return s, nil
		}
		if err := st.Update(ctx, "x", "evt-1", apply); err != nil {
			t.Fatal(err)
		}
		if err := st.Update(ctx, "x", "evt-1", apply); !errors.Is(err, flows.ErrDuplicate) {
			t.Fatalf("second delivery: err = %v, want ErrDuplicate", err)
		}
		if calls != 1 {
			t.Errorf("fn called %d times, want 1", calls)
		}
	})
}

// TestConcurrentUpdatesNeverInterleave fires many updates for one session at once; each appends one step to
// the path. Lost updates would leave fewer steps than updates.
func TestConcurrentUpdatesNeverInterleave(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, _, _ := newStoreOn(t, b, Options{})
		ctx := context.Background()
		const workers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					errs <- st.Update(ctx, "race", fmt.Sprintf("w%d-%d", w, i), func(s *flows.Session) (*flows.Session, error) {
						if s == nil {
							s = &flows.Session{ID: "race", Answers: map[string]flows.Answer{}}
						}
						s.Path = append(s.Path, fmt.Sprintf("w%d-%d", w, i))
						return s, nil
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("update: %v", err)
			}
		}
		var got int
		_ = st.Update(ctx, "race", "", func(s *flows.Session) (*flows.Session, error) {
			got = count(s)
			return s, nil
		})
		if got != workers*each {
			t.Fatalf("path has %d steps after %d updates: updates were lost", got, workers*each)
		}
	})
}

func TestNilResultDeletes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, rdb, prefix := newStoreOn(t, b, Options{})
		ctx := context.Background()
		_ = st.Update(ctx, "gone", "", func(*flows.Session) (*flows.Session, error) {
			return &flows.Session{ID: "gone", Answers: map[string]flows.Answer{"q": {Text: "secret"}}}, nil
		})
		if err := st.Update(ctx, "gone", "", func(*flows.Session) (*flows.Session, error) { return nil, nil }); err != nil {
			t.Fatal(err)
		}
		if n := rdb.Exists(ctx, sessionKey(prefix, "gone")).Val(); n != 0 {
			t.Error("session still stored after fn returned nil")
		}
		_ = st.Update(ctx, "gone2", "", func(*flows.Session) (*flows.Session, error) {
			return &flows.Session{ID: "gone2"}, nil
		})
		if err := st.Delete(ctx, "gone2"); err != nil {
			t.Fatal(err)
		}
		if n := rdb.Exists(ctx, sessionKey(prefix, "gone2")).Val(); n != 0 {
			t.Error("Delete left the session")
		}
	})
}

func TestFnErrorSavesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, rdb, prefix := newStoreOn(t, b, Options{})
		ctx := context.Background()
		boom := errors.New("boom")
		if err := st.Update(ctx, "e", "", func(*flows.Session) (*flows.Session, error) {
			return &flows.Session{ID: "e"}, boom
		}); !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		if rdb.Exists(ctx, sessionKey(prefix, "e")).Val() != 0 {
			t.Error("a failed step saved the session")
		}
	})
}

func TestUnreachableRedisIsUnavailable(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	st := New(rdb, Options{})
	err := st.Update(context.Background(), "x", "", func(s *flows.Session) (*flows.Session, error) { return s, nil })
	if !errors.Is(err, flows.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
}

func TestEmbeddedRunsTheSameStore(t *testing.T) {
	emb, err := StartEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	rdb, err := Connect(context.Background(), emb.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	st := New(rdb, Options{})
	ctx := context.Background()
	for i := range 3 {
		if err := st.Update(ctx, "emb", fmt.Sprint(i), func(s *flows.Session) (*flows.Session, error) {
			if s == nil {
				s = &flows.Session{ID: "emb", Answers: map[string]flows.Answer{}}
			}
			s.Path = append(s.Path, "q")
			s.Seen = append(s.Seen, fmt.Sprint(i))
			return s, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Update(ctx, "emb", "1", func(s *flows.Session) (*flows.Session, error) { return s, nil }); !errors.Is(err, flows.ErrDuplicate) {
		t.Errorf("embedded store: repeated event err = %v", err)
	}
}

func TestConnectRejectsBadURLWithoutEchoingIt(t *testing.T) {
	_, err := Connect(context.Background(), "redis://user:hunter2@[bad")
	if err == nil {
		t.Fatal("bad URL accepted")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error repeats the password: %v", err)
	}
}
