package flows

import (
	"context"
	"strconv"
	"testing"

	"github.com/fulcrum-intake/fulcrum/flows/crisis"
)

// keepStore keeps one session as a pointer: no encoding, no copy, so that BenchmarkHandle measures the engine's
// own work in a step and nothing of a store's.
type keepStore struct{ s *Session }

func (k *keepStore) Update(_ context.Context, _, eventID string, fn func(*Session) (*Session, error)) error {
	if k.s != nil && k.s.SeenEvent(eventID) {
		return ErrDuplicate
	}
	next, err := fn(k.s)
	if err != nil {
		return err
	}
	k.s = next
	return nil
}

func (k *keepStore) Delete(context.Context, string) error { k.s = nil; return nil }

// BenchmarkHandle is the engine's CPU work in one step of store.BenchmarkEngineStep ("no", then "back", at the
// first risk question), without the store: the part of a step that is not the round trip.
func BenchmarkHandle(b *testing.B) {
	f, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	dir, err := crisis.Load()
	if err != nil {
		b.Fatal(err)
	}
	eng := NewEngine(f, &keepStore{}, dir, Options{})
	ctx := context.Background()
	step := func(i int, text string) {
		if _, err := eng.Handle(ctx, Input{SessionID: "bench", EventID: strconv.Itoa(i), Text: text}); err != nil {
			b.Fatal(err)
		}
	}
	step(-2, "")
	step(-1, "1")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		text := "no"
		if i%2 == 1 {
			text = "back"
		}
		step(i, text)
	}
}

// TestRememberKeepsTheLatestInOrder: once full, the list keeps the most recent maxSeen ids, oldest first.
func TestRememberKeepsTheLatestInOrder(t *testing.T) {
	s := &Session{}
	for i := range maxSeen + 5 {
		s.remember(strconv.Itoa(i))
	}
	if len(s.Seen) != maxSeen || s.Seen[0] != "5" || s.Seen[maxSeen-1] != strconv.Itoa(maxSeen+4) {
		t.Fatalf("seen = %v", s.Seen)
	}
	for i := 1; i < len(s.Seen); i++ {
		a, _ := strconv.Atoi(s.Seen[i-1])
		b, _ := strconv.Atoi(s.Seen[i])
		if b != a+1 {
			t.Fatalf("out of order at %d: %v", i, s.Seen)
		}
	}
	if s.SeenEvent("4") || !s.SeenEvent("5") {
		t.Error("the oldest ids were not the ones dropped")
	}
}
