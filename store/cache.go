package store

import (
	"container/list"
	"slices"
	"sync"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// cached is a session as this process last saw it stored, with its version and the incarnation of the key it
// was read from. The session is never handed out for editing: fn gets a clone each time.
type cached struct {
	s *flows.Session // nil when nothing is stored
	// size is the length of the encoded session: the cache's measure of its memory (the decoded session takes
	// about twice that).
	size    int
	version int64
	inc     string
	// ended holds the event ids of a session that ended, when s is nil and its tombstone is stored.
	ended []string
	// renewed is when this process last set the key's TTL by saving it; zero when it does not know (read, or
	// answered by a refused save).
	renewed time.Time
}

// applied reports whether the stored session, or the one that ended before it, applied the event.
func (c cached) applied(eventID string) bool {
	if c.s != nil {
		return c.s.SeenEvent(eventID)
	}
	return eventID != "" && slices.Contains(c.ended, eventID)
}

// sessionCache remembers the sessions this process stepped most recently, so that the next step of an active
// member can go straight to the compare-and-set instead of loading first. It is only a guess: a copy made stale
// by another process (or by a delete that went around it) fails the compare-and-set, which answers with the
// stored value in the same round trip. It is bounded in entries and in bytes, so process memory stays flat
// however many sessions are in flight; the least recently used entry goes first.
type sessionCache struct {
	mu       sync.Mutex
	max      int
	maxBytes int
	maxEntry int
	bytes    int
	ll       *list.List // front = most recently used; values are *cacheEntry
	byKey    map[string]*list.Element
}

type cacheEntry struct {
	key string
	val cached
}

// maxCachedSession is the largest encoded session the cache keeps: a session with long typed answers is rare and
// gains nothing worth the memory.
const maxCachedSession = 64 << 10

// newSessionCache returns a cache of at most max entries and maxBytes of session data; max <= 0 gives a cache
// that holds nothing.
func newSessionCache(max, maxBytes int) *sessionCache {
	return &sessionCache{max: max, maxBytes: maxBytes, maxEntry: min(maxBytes, maxCachedSession), ll: list.New(),
		byKey: map[string]*list.Element{}}
}

func (c *sessionCache) get(key string) (cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return cached{}, false
	}
	c.ll.MoveToFront(el)
	return el.Value.(*cacheEntry).val, true
}

// put records what is stored under key. It never replaces a newer version of the same incarnation with an
// older one, so that two goroutines saving one after the other leave the later save cached whatever order they
// call put in.
func (c *sessionCache) put(key string, v cached) {
	if c.max <= 0 || v.size > c.maxEntry {
		// Not worth the memory: forget any older copy rather than keep it.
		c.remove(key)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		e := el.Value.(*cacheEntry)
		if e.val.inc == v.inc && e.val.version > v.version {
			c.ll.MoveToFront(el)
			return
		}
		c.bytes += v.size - e.val.size
		e.val = v
		c.ll.MoveToFront(el)
	} else {
		c.byKey[key] = c.ll.PushFront(&cacheEntry{key: key, val: v})
		c.bytes += v.size
	}
	for c.ll.Len() > c.max || c.bytes > c.maxBytes {
		c.removeElement(c.ll.Back())
	}
}

func (c *sessionCache) remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.removeElement(el)
	}
}

func (c *sessionCache) removeElement(el *list.Element) {
	e := c.ll.Remove(el).(*cacheEntry)
	delete(c.byKey, e.key)
	c.bytes -= e.val.size
}

// size reports the number of entries and the bytes of session data held.
func (c *sessionCache) size() (entries, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len(), c.bytes
}
