package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// end is an update that ends the session, as cancel or decline do.
func end(*flows.Session) (*flows.Session, error) { return nil, nil }

// TestEndedSessionRefusesLateCopies: the event that ends a session, and every event before it, is refused when it
// comes again (to this process or another), for EndedTTL, while the tombstone holds nothing but event ids; a new
// intake over the tombstone carries them on; and forgetting the member removes the tombstone at once.
func TestEndedSessionRefusesLateCopies(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, rdb, prefix := newStoreOn(t, b, Options{})
		other := New(reopen(t, rdb), Options{Prefix: prefix})
		ctx := context.Background()
		key := sessionKey(prefix, "m")
		for _, ev := range []string{"e1", "e2"} {
			if err := st.Update(ctx, "m", ev, step("m", ev)); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Update(ctx, "m", "bye", func(s *flows.Session) (*flows.Session, error) {
			s.Seen = append(s.Seen, "bye")
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}

		fields := rdb.HGetAll(ctx, key).Val()
		if _, ok := fields["d"]; ok || fields["e"] != `["e1","e2","bye"]` {
			t.Errorf("tombstone holds %v, want only the version, incarnation and event ids", fields)
		}
		if ttl := rdb.PTTL(ctx, key).Val(); ttl <= 0 || ttl > EndedTTL {
			t.Errorf("tombstone TTL %v, want at most %v", ttl, EndedTTL)
		}

		for _, s := range []*Redis{st, other} {
			for _, ev := range []string{"bye", "e1"} {
				called := false
				err := s.Update(ctx, "m", ev, func(*flows.Session) (*flows.Session, error) { called = true; return nil, nil })
				if !errors.Is(err, flows.ErrDuplicate) || called {
					t.Errorf("late copy of %s: err %v, applied %v; want refused as a duplicate", ev, err, called)
				}
			}
		}

		exp, err := st.ExportMember(ctx, "m")
		if err != nil || exp.Session != nil || !slices.Equal(exp.EndedSessionEvents, []string{"e1", "e2", "bye"}) {
			t.Errorf("export of an ended session = %+v, %v; want only its event ids", exp, err)
		}

		var seenNil bool
		if err := other.Update(ctx, "m", "hello", func(s *flows.Session) (*flows.Session, error) {
			seenNil = s == nil
			return step("m", "hello")(s)
		}); err != nil {
			t.Fatal(err)
		}
		if !seenNil {
			t.Error("a new intake over a tombstone was handed a session")
		}
		got := stored(t, rdb, prefix, "m")
		if !slices.Equal(got.Path, []string{"hello"}) || !slices.Equal(got.Seen, []string{"e1", "e2", "bye", "hello"}) {
			t.Errorf("new session: path %v, seen %v; want a fresh path carrying the ended ids", got.Path, got.Seen)
		}
		if _, ok := rdb.HGetAll(ctx, key).Val()["e"]; ok {
			t.Error("the tombstone's ids are still stored beside the new session")
		}
		if ttl := rdb.PTTL(ctx, key).Val(); ttl <= EndedTTL {
			t.Errorf("new session TTL %v, want the session TTL again", ttl)
		}
		if err := st.Update(ctx, "m", "bye", step("m", "bye")); !errors.Is(err, flows.ErrDuplicate) {
			t.Errorf("late copy of the ending event after a new intake began: %v, want a duplicate", err)
		}

		// Ended again, then forgotten: nothing is left, not even the ids.
		if err := st.Update(ctx, "m", "", end); err != nil {
			t.Fatal(err)
		}
		if n := rdb.Exists(ctx, key).Val(); n != 1 {
			t.Fatal("no tombstone after the second end")
		}
		if err := st.ForgetMember(ctx, "m"); err != nil {
			t.Fatal(err)
		}
		if n := rdb.Exists(ctx, key).Val(); n != 0 {
			t.Error("the tombstone outlived a forget")
		}
	})
}

// TestEndingWithoutEventIDsDeletes: a session that never recorded an event id (the console's own steps) leaves
// nothing behind when it ends.
func TestEndingWithoutEventIDsDeletes(t *testing.T) {
	st, rdb, prefix := newStore(t, Options{SessionTTL: time.Hour})
	ctx := context.Background()
	if err := st.Update(ctx, "c", "", step("c", "")); err != nil {
		t.Fatal(err)
	}
	if err := st.Update(ctx, "c", "", end); err != nil {
		t.Fatal(err)
	}
	if n := rdb.Exists(ctx, sessionKey(prefix, "c")).Val(); n != 0 {
		t.Error("an ended session without event ids left a key")
	}
}
