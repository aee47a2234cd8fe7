package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// newKey returns a random AES-256 key in the form FULCRUM_ENCRYPTION_KEY takes.
func newKey(t testing.TB) string {
	t.Helper()
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func mustKeys(t testing.TB, v string) *Sealer {
	t.Helper()
	s, err := ParseKeys(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseKeys(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	short := base64.StdEncoding.EncodeToString([]byte("sixteen byte key"))
	for _, tc := range []struct {
		name, in, current, err string
	}{
		{"empty means no encryption", "", "", ""},
		{"bare key is id 1", k1, "1", ""},
		{"bare key, URL alphabet, unpadded", base64.RawURLEncoding.EncodeToString(mustDecode(t, k1)), "1", ""},
		{"pairs, first is current", "2025b:" + k2 + ", 2025a:" + k1, "2025b", ""},
		{"not base64", "a:!!notbase64!!", "", "entry 1: the key is not base64"},
		{"wrong length", "a:" + short, "", "is 16 bytes, want 32"},
		{"duplicate id", "a:" + k1 + ",a:" + k2, "", "appears twice"},
		{"bad id", "a b:" + k1, "", "the id must be"},
		{"bare key among pairs", "a:" + k1 + "," + k2, "", "entry 2 is not id:base64key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseKeys(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				for _, k := range []string{k1, k2, short, "!!notbase64!!"} {
					if strings.Contains(err.Error(), k) {
						t.Errorf("error echoes key material: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := s.CurrentKeyID(); got != tc.current {
				t.Errorf("current key = %q, want %q", got, tc.current)
			}
		})
	}
}

func mustDecode(t testing.TB, k string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealOpen(t *testing.T) {
	s := mustKeys(t, newKey(t))
	plain := []byte(`{"secret":"what I told no one"}`)
	sealed := s.Seal(plain, sessionAAD("discord:1"))
	if !Sealed(sealed) || bytes.Contains(sealed, []byte("told no one")) {
		t.Fatalf("sealed = %q", sealed)
	}
	if again := s.Seal(plain, sessionAAD("discord:1")); bytes.Equal(again, sealed) {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	got, err := s.Open(sealed, sessionAAD("discord:1"))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	// A value copied under another member's key does not open there.
	if _, err := s.Open(sealed, sessionAAD("discord:2")); !errors.Is(err, ErrUndecryptable) {
		t.Errorf("opened for another session: err = %v", err)
	}
	// Plaintext written before keys opens as it is, with or without a sealer.
	for _, sl := range []*Sealer{s, nil} {
		if got, err := sl.Open(plain, "x"); err != nil || !bytes.Equal(got, plain) {
			t.Errorf("plaintext: Open = %q, %v", got, err)
		}
	}
	var none *Sealer
	if got := none.Seal(plain, "x"); !bytes.Equal(got, plain) {
		t.Error("a nil sealer changed the value")
	}
	for _, bad := range []string{"enc1:", "enc1:1", "enc1:1:", "enc1:1:%%%", "enc1:1:AAAA"} {
		if _, err := s.Open([]byte(bad), "x"); !errors.Is(err, ErrUndecryptable) {
			t.Errorf("Open(%q) err = %v, want ErrUndecryptable", bad, err)
		}
	}
}

// scanValues reads every key under prefix (and the limiter's "rate:"+prefix) on every master, whatever its
// type, and returns key names and values as one list of strings.
func scanValues(t *testing.T, rdb redis.UniversalClient, prefix string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	var mu sync.Mutex // ForEachMaster scans the masters concurrently
	scan := func(ctx context.Context, c *redis.Client) error {
		for _, pattern := range []string{prefix + "*", "rate:" + prefix + "*"} {
			iter := c.Scan(ctx, 0, pattern, 500).Iterator()
			for iter.Next(ctx) {
				k := iter.Val()
				var vals []string
				switch typ := c.Type(ctx, k).Val(); typ {
				case "string":
					vals = []string{c.Get(ctx, k).Val()}
				case "hash":
					for f, v := range c.HGetAll(ctx, k).Val() {
						vals = append(vals, f, v)
					}
				case "list":
					vals = c.LRange(ctx, k, 0, -1).Val()
				case "set":
					vals = c.SMembers(ctx, k).Val()
				case "zset":
					vals = c.ZRange(ctx, k, 0, -1).Val()
				default:
					t.Errorf("key %s has type %s, which this test does not read", k, typ)
				}
				mu.Lock()
				out[k] = vals
				mu.Unlock()
			}
			if err := iter.Err(); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	switch c := rdb.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, scan)
	case *redis.Client:
		err = scan(ctx, c)
	default:
		t.Fatalf("unknown client %T", rdb)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEncryptedAtRest runs a full intake through the engine with a unique marker in every typed answer, hands it
// off with a card holding the summary, adds moderators' notes, a safety plan and the adapter's state, then reads
// every key and value the store wrote and finds the marker nowhere, while every reader still gets it back.
func TestEncryptedAtRest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		keys := mustKeys(t, "k2:"+newKey(t)+",k1:"+newKey(t))
		st, rdb, prefix := newStoreOn(t, b, Options{Keys: keys})
		ctx := context.Background()
		marker := "zebra-quartz-" + newKey(t)[:8]
		sid := "discord:4242"
		e := newEngine(t, st)
		h, steps := runIntake(t, e, sid, marker)
		if !strings.Contains(h.Summary, marker) {
			t.Fatalf("the handoff's summary lacks the marker: the test does not test")
		}
		card, _ := json.Marshal(map[string]any{"summary": h.Summary, "ref": h.Ref})
		must := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		must("enqueue", st.EnqueueHandoff(ctx, Handoff{Ref: h.Ref, SessionID: sid, GuildID: "g1", UserID: "4242",
			Card: card, Created: time.Now()}, time.Hour))
		must("note", st.AddNote(ctx, h.Ref, Note{By: "mod", At: time.Now(), Text: "called them: " + marker}))
		must("prompt", st.SetPrompt(ctx, sid, "c", "m", []byte(`{"q":"`+marker+`"}`)))
		must("alert", st.SetPendingAlert(ctx, sid, []byte(`{"k":"`+marker+`"}`)))
		must("relay", st.OpenRelay(ctx, Handoff{Ref: h.Ref, SessionID: sid}, "thread1", time.Hour))
		must("relay message", st.AddRelayMessage(ctx, h.Ref, "thread1", "msg1"))
		must("audit", st.Audit(ctx, "g1", AuditEntry{At: time.Now(), By: "mod", Action: "note", Ref: h.Ref}, time.Hour))
		// A safety plan lives in the session; the engine keeps one only after a crisis, so write it directly.
		plan := "call my sister, " + marker
		must("safety plan", st.Update(ctx, "discord:77", "sp", func(*flows.Session) (*flows.Session, error) {
			return &flows.Session{ID: "discord:77", State: "welcome", SafetyPlan: plan, Answers: map[string]flows.Answer{}}, nil
		}))
		hres, err := st.ResolveHandoff(ctx, Handoff{Ref: h.Ref, GuildID: "g1", Thread: "other"}, "mod", time.Now(),
			"other", Note{By: "mod", Text: "resolved: " + marker})
		must("resolve", err)

		values := scanValues(t, rdb, prefix)
		n := 0
		for k, vals := range values {
			if strings.Contains(k, marker) {
				t.Errorf("key name %s holds the marker", k)
			}
			for _, v := range vals {
				n++
				if strings.Contains(v, marker) {
					t.Errorf("key %s holds the marker in the clear: %.80q", k, v)
				}
			}
		}
		t.Logf("%d engine steps; scanned %d keys, %d values: no marker", steps, len(values), n)
		if len(values) < 8 {
			t.Errorf("scanned only %d keys: %v", len(values), values)
		}

		// Every reader gets the words back.
		st2 := New(rdb, Options{Prefix: prefix, Keys: keys, CachedSessions: -1})
		var got *flows.Session
		must("load", st2.Update(ctx, sid, "", func(s *flows.Session) (*flows.Session, error) { got = s; return s, nil }))
		if got == nil || !strings.Contains(got.Answers["anything_else"].Text, marker) {
			t.Errorf("session after load = %+v", got)
		}
		if !strings.Contains(string(hres.Card), marker) {
			t.Errorf("card = %s", hres.Card)
		}
		notes, err := st.Notes(ctx, h.Ref)
		must("notes", err)
		if len(notes) != 2 || !strings.Contains(notes[0].Text, marker) || !strings.Contains(notes[1].Text, marker) {
			t.Errorf("notes = %+v", notes)
		}
		m, err := st.Member(ctx, sid)
		must("member", err)
		if !strings.Contains(string(m.Prompt), marker) || !strings.Contains(string(m.PendingAlert), marker) {
			t.Errorf("member = %+v", m)
		}
		exp, err := st.ExportMember(ctx, sid)
		must("export", err)
		if !strings.Contains(string(exp.Session), marker) || len(exp.Handoffs) != 1 ||
			!strings.Contains(string(exp.Handoffs[0].Card), marker) {
			t.Errorf("export = %s / %+v", exp.Session, exp.Handoffs)
		}
		var sp *flows.Session
		must("plan", st2.Update(ctx, "discord:77", "", func(s *flows.Session) (*flows.Session, error) { sp = s; return s, nil }))
		if sp == nil || sp.SafetyPlan != plan {
			t.Errorf("safety plan = %+v", sp)
		}
	})
}

// TestKeyRotation: a value sealed with the old key still loads once a new key is current, and is sealed again
// with the new key at its next step; a store with no keys still loads what was written before keys.
func TestKeyRotation(t *testing.T) {
	oldKey, newK := newKey(t), newKey(t)
	rdbStore, rdb, prefix := newStore(t, Options{}) // plaintext, as before keys existed
	ctx := context.Background()
	step := func(st *Redis, ev string) error {
		return st.Update(ctx, "discord:r", ev, func(s *flows.Session) (*flows.Session, error) {
			if s == nil {
				s = &flows.Session{ID: "discord:r", Answers: map[string]flows.Answer{}}
			}
			s.Path = append(s.Path, ev)
			s.Seen = append(s.Seen, ev)
			return s, nil
		})
	}
	stored := func() string { return rdb.HGet(ctx, sessionKey(prefix, "discord:r"), "d").Val() }
	if err := step(rdbStore, "plain"); err != nil {
		t.Fatal(err)
	}
	if Sealed([]byte(stored())) {
		t.Fatal("sealed without keys")
	}
	v1 := New(rdb, Options{Prefix: prefix, Keys: mustKeys(t, "v1:"+oldKey), CachedSessions: -1})
	if err := step(v1, "sealed-v1"); err != nil {
		t.Fatalf("plaintext session did not load with keys: %v", err)
	}
	if !strings.HasPrefix(stored(), "enc1:v1:") {
		t.Fatalf("stored = %.20q, want sealed with v1", stored())
	}
	v2 := New(rdb, Options{Prefix: prefix, Keys: mustKeys(t, "v2:"+newK+",v1:"+oldKey), CachedSessions: -1})
	if err := step(v2, "sealed-v2"); err != nil {
		t.Fatalf("value sealed with the old key did not load after rotation: %v", err)
	}
	if !strings.HasPrefix(stored(), "enc1:v2:") {
		t.Fatalf("stored = %.20q, want sealed again with v2", stored())
	}
	var path []string
	_ = v2.Update(ctx, "discord:r", "", func(s *flows.Session) (*flows.Session, error) { path = s.Path; return s, nil })
	if fmt.Sprint(path) != "[plain sealed-v1 sealed-v2]" {
		t.Errorf("path = %v", path)
	}
	if err := step(v2, "sealed-v1"); !errors.Is(err, flows.ErrDuplicate) {
		t.Errorf("repeated event after rotation: err = %v", err)
	}
}

// TestWrongKeyIsAClearError: a session sealed with a key the store does not hold (another key under the same id,
// an id no longer configured, or no keys at all) gives ErrUndecryptable naming the key id, never a panic, and
// never the key or the value.
func TestWrongKeyIsAClearError(t *testing.T) {
	right := newKey(t)
	st, rdb, prefix := newStore(t, Options{Keys: mustKeys(t, "a:"+right)})
	ctx := context.Background()
	if err := st.Update(ctx, "discord:w", "e1", func(*flows.Session) (*flows.Session, error) {
		return &flows.Session{ID: "discord:w", Answers: map[string]flows.Answer{"q": {Text: "secret words"}}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.EnqueueHandoff(ctx, Handoff{Ref: "F-WRONG", SessionID: "discord:w", GuildID: "g", Card: []byte(`{"x":"secret words"}`)}, time.Hour); err != nil {
		t.Fatal(err)
	}
	wrong := newKey(t)
	for _, tc := range []struct {
		name string
		keys *Sealer
		want string
	}{
		{"same id, other key", mustKeys(t, "a:"+wrong), `authentication failed with key "a"`},
		{"id not configured", mustKeys(t, "b:"+wrong), `sealed with key "a", which FULCRUM_ENCRYPTION_KEY does not hold`},
		{"no keys", nil, "no FULCRUM_ENCRYPTION_KEY is set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			other := New(rdb, Options{Prefix: prefix, Keys: tc.keys, CachedSessions: -1})
			err := other.Update(ctx, "discord:w", "e2", func(s *flows.Session) (*flows.Session, error) {
				t.Error("fn called on a session that could not be opened")
				return s, nil
			})
			_, _, herr := other.Handoff(ctx, "F-WRONG")
			for _, err := range []error{err, herr} {
				if !errors.Is(err, ErrUndecryptable) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("err = %v, want ErrUndecryptable saying %q", err, tc.want)
					continue
				}
				for _, leak := range []string{right, wrong, "secret words"} {
					if strings.Contains(err.Error(), leak) {
						t.Errorf("error leaks %q: %v", leak, err)
					}
				}
			}
			// The engine answers with its kind sentence, not a crash.
			r, herr2 := newEngine(t, other).Handle(ctx, flows.Input{SessionID: "discord:w", EventID: "e3", Text: "hello"})
			if herr2 == nil || len(r.Messages) == 0 {
				t.Errorf("engine: reply %+v, err %v", r, herr2)
			}
		})
	}
}
