package store

import (
	"context"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		rdb, prefix := b.connect(t)
		ctx := context.Background()
		type want struct{ allowed, notice bool }
		allow := func(l *Limiter, member, guild string) want {
			t.Helper()
			a, n, err := l.Allow(ctx, member, guild)
			if err != nil {
				t.Fatal(err)
			}
			return want{a, n}
		}
		t.Run("member limit, one notice", func(t *testing.T) {
			l := NewLimiter(rdb, LimitOptions{Prefix: prefix + "m", Member: 5, Server: 100, Period: time.Minute})
			for i := range 5 {
				if got := allow(l, "u1", "g1"); got != (want{true, false}) {
					t.Fatalf("event %d: %+v, want allowed", i+1, got)
				}
			}
			if got := allow(l, "u1", "g1"); got != (want{false, true}) {
				t.Fatalf("first refusal: %+v, want refused with notice", got)
			}
			for i := range 5 {
				if got := allow(l, "u1", "g1"); got != (want{false, false}) {
					t.Fatalf("refusal %d: %+v, want refused, no notice", i+2, got)
				}
			}
			// Another member and the same member in another server are counted apart.
			if got := allow(l, "u2", "g1"); !got.allowed {
				t.Error("another member was refused")
			}
			if got := allow(l, "u1", "g2"); !got.allowed {
				t.Error("the member in another server was refused")
			}
			if err := l.Reset(ctx, "u1", "g1"); err != nil {
				t.Fatal(err)
			}
			if got := allow(l, "u1", "g1"); !got.allowed {
				t.Error("refused after Reset")
			}
		})
		t.Run("server limit", func(t *testing.T) {
			l := NewLimiter(rdb, LimitOptions{Prefix: prefix + "s", Member: 100, Server: 3, Period: time.Minute})
			for _, u := range []string{"a", "b", "c"} {
				if got := allow(l, u, "g"); !got.allowed {
					t.Fatalf("member %s refused under the server's limit", u)
				}
			}
			if got := allow(l, "d", "g"); got != (want{false, true}) {
				t.Fatalf("over the server's limit: %+v, want refused with notice", got)
			}
			if got := allow(l, "d", "g"); got != (want{false, false}) {
				t.Fatalf("again: %+v, want refused, no notice", got)
			}
			if got := allow(l, "e", "g"); got != (want{false, true}) {
				t.Fatalf("another member over the server's limit: %+v, want their own one notice", got)
			}
			if got := allow(l, "d", ""); !got.allowed {
				t.Error("a DM without a server is held to the server's limit")
			}
		})
		t.Run("moderators have their own bucket", func(t *testing.T) {
			l := NewLimiter(rdb, LimitOptions{Prefix: prefix + "mod", Member: 2, Server: 2, Moderator: 3, Period: time.Minute})
			// A raid uses up the server's budget; the moderator can still act, up to their own limit.
			allow(l, "a", "g")
			allow(l, "b", "g")
			if got := allow(l, "c", "g"); got.allowed {
				t.Fatal("the server's budget was not used up")
			}
			mod := func() want {
				t.Helper()
				a, n, err := l.AllowModeration(ctx, "mara", "g")
				if err != nil {
					t.Fatal(err)
				}
				return want{a, n}
			}
			for i := range 3 {
				if got := mod(); got != (want{true, false}) {
					t.Fatalf("moderation action %d during a raid: %+v, want allowed", i+1, got)
				}
			}
			if got := mod(); got != (want{false, true}) {
				t.Fatalf("over the moderation limit: %+v, want refused with notice", got)
			}
			if got := mod(); got != (want{false, false}) {
				t.Fatalf("again: %+v, want refused, no notice", got)
			}
			// Moderation actions did not count against the member limit of the same person.
			l2 := NewLimiter(rdb, LimitOptions{Prefix: prefix + "mod2", Member: 1, Moderator: 5})
			for range 3 {
				if a, _, err := l2.AllowModeration(ctx, "mara", "g"); err != nil || !a {
					t.Fatalf("moderation action refused: %v", err)
				}
			}
			if got := allow(l2, "mara", "g"); !got.allowed {
				t.Error("moderation actions used up the person's member limit")
			}
		})
		t.Run("window passes", func(t *testing.T) {
			l := NewLimiter(rdb, LimitOptions{Prefix: prefix + "w", Member: 2, Period: time.Second})
			allow(l, "u", "g")
			allow(l, "u", "g")
			if got := allow(l, "u", "g"); got != (want{false, true}) {
				t.Fatalf("%+v, want refused with notice", got)
			}
			time.Sleep(1100 * time.Millisecond)
			if got := allow(l, "u", "g"); !got.allowed {
				t.Fatalf("%+v after the window, want allowed", got)
			}
			allow(l, "u", "g")
			if got := allow(l, "u", "g"); got != (want{false, true}) {
				t.Fatalf("%+v in the next window, want one new notice", got)
			}
		})
		t.Run("keys have TTLs", func(t *testing.T) {
			l := NewLimiter(rdb, LimitOptions{Prefix: prefix + "t", Member: 1})
			allow(l, "u", "g")
			allow(l, "u", "g")
			for _, k := range []string{"rate:" + limitMemberKey(prefix+"t", "g", "u"), "rate:" + limitServerKey(prefix+"t", "g"),
				limitNoticeKey(prefix+"t", "g", "u")} {
				if ttl := rdb.PTTL(ctx, k).Val(); ttl <= 0 || ttl > time.Minute {
					t.Errorf("%s: TTL %v", k, ttl)
				}
			}
		})
	})
}
