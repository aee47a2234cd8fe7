package bot

import (
	"strconv"
	"testing"
)

// tryTake takes a slot if it is free, without waiting.
func tryTake(slot chan struct{}) bool {
	select {
	case slot <- struct{}{}:
		return true
	default:
		return false
	}
}

func TestMemberLocksSeparateMembers(t *testing.T) {
	l := newMemberLocks()
	// More members than the 256 stripes the locks used to have: by the pigeonhole principle two of them shared a
	// stripe, and the second waited for the first.
	const n = 300
	dones := make([]func(), n)
	for i := range n {
		slot, done := l.get(strconv.Itoa(1_000_000 + i))
		if !tryTake(slot) {
			t.Fatalf("member %d waits although no other event of theirs is in flight", i)
		}
		dones[i] = func() { <-slot; done() }
	}
	if got := l.len(); got != n {
		t.Errorf("%d locks for %d members holding them", got, n)
	}
	for _, d := range dones {
		d()
	}
	if got := l.len(); got != 0 {
		t.Errorf("%d locks left once every member finished, want 0", got)
	}
}

func TestMemberLocksSerialiseOneMember(t *testing.T) {
	l := newMemberLocks()
	first, doneFirst := l.get("42")
	if !tryTake(first) {
		t.Fatal("a free lock could not be taken")
	}

	// A second event of the same member waits; one that gives up does not disturb the holder.
	waiter, giveUp := l.get("42")
	if tryTake(waiter) {
		t.Fatal("a member's second event ran while their first held the lock")
	}
	giveUp()
	if got := l.len(); got != 1 {
		t.Fatalf("%d locks while one event holds one, want 1", got)
	}

	next, doneNext := l.get("42")
	if tryTake(next) {
		t.Fatal("the lock was free again after a waiter gave up, while its holder still held it")
	}
	<-first
	doneFirst()
	if !tryTake(next) {
		t.Fatal("the member's next event could not take the lock once the first gave it back")
	}
	<-next
	doneNext()
	if got := l.len(); got != 0 {
		t.Errorf("%d locks left, want 0", got)
	}
}
