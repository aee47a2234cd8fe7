package bot

import "sync"

// memberLocks serialise each member's events, and only theirs: discordgo runs every event in a goroutine of its
// own, and a typed answer must not overtake the click that sent the question it answers. A member's lock exists
// while someone holds or waits for it, so that two members never wait on each other (as they did when locks
// were striped by a hash of the user id) and memory stays bounded by the events in flight.
type memberLocks struct {
	mu sync.Mutex
	m  map[string]*memberLock
}

type memberLock struct {
	// slot is taken by sending into it and given back by receiving from it; a channel, so that a waiter can
	// also give up when its event's context ends.
	slot chan struct{}
	// refs counts the events holding or waiting for the slot; the lock is dropped from the map at zero.
	refs int
}

func newMemberLocks() *memberLocks { return &memberLocks{m: map[string]*memberLock{}} }

// get returns a member's lock slot and the function to call once the caller has finished with it: after giving
// the slot back, or after giving up waiting for it.
func (l *memberLocks) get(userID string) (slot chan struct{}, done func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ml, ok := l.m[userID]
	if !ok {
		ml = &memberLock{slot: make(chan struct{}, 1)}
		l.m[userID] = ml
	}
	ml.refs++
	return ml.slot, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if ml.refs--; ml.refs == 0 {
			delete(l.m, userID)
		}
	}
}

// len is how many members' locks exist, for tests.
func (l *memberLocks) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}
