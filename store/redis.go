package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// Redis keeps sessions in Redis.
type Redis struct {
	rdb     redis.UniversalClient
	prefix  string
	ttl     time.Duration
	retries int
	cache   *sessionCache
	keys    *Sealer
}

var _ flows.SessionStore = (*Redis)(nil)

// DefaultCachedSessions is how many recently stepped sessions a store remembers when Options says nothing: an
// evening spike's active members, at about 1 KiB each.
const DefaultCachedSessions = 4096

// cacheBytesPerSession bounds the cache's bytes beside its entries, so a few very long sessions cannot grow it.
const cacheBytesPerSession = 2 << 10

// Options tune a Redis store.
type Options struct {
	// Prefix starts every key; empty means DefaultPrefix.
	Prefix string
	// SessionTTL is how long an inactive session is kept after its last step (at least 99% of it: saves renew
	// the TTL every hundredth of it, not on every step); zero means 7 days.
	SessionTTL time.Duration
	// CachedSessions bounds how many recently stepped sessions this process remembers, so that an active
	// member's next step is one round trip instead of two; zero means DefaultCachedSessions, negative none.
	CachedSessions int
	// Keys, when not nil, seal everything the store writes that a member or a moderator wrote (the session, a
	// handoff's card, notes, the adapter's last question) with AES-GCM; values written before keys were set, or
	// sealed with an older key the Sealer still holds, load as before. Nil stores them in the clear.
	Keys *Sealer
}

// New returns a store on an open client.
func New(rdb redis.UniversalClient, opts Options) *Redis {
	r := &Redis{rdb: rdb, prefix: opts.Prefix, ttl: opts.SessionTTL, retries: 16, keys: opts.Keys}
	if r.prefix == "" {
		r.prefix = DefaultPrefix
	}
	if r.ttl <= 0 {
		r.ttl = 7 * 24 * time.Hour
	}
	n := opts.CachedSessions
	if n == 0 {
		n = DefaultCachedSessions
	}
	r.cache = newSessionCache(n, max(n, 0)*cacheBytesPerSession)
	return r
}

// saveScript writes a session only if nobody else wrote it since it was read: the version (ARGV[1], "0" for
// none) and the incarnation (ARGV[2]) it was read at must still be the stored ones. The incarnation is a random
// token given when the key is created, so that a session deleted and started again, whose versions count from 1
// again, never matches a copy of the one before. An empty value (ARGV[3]) ends the session: when ARGV[7] holds
// the event ids it applied (JSON), the key is left as a tombstone holding only those ids, as version ARGV[4],
// for ARGV[8] ms, so that a late copy of one of them is still refused; otherwise it is deleted. A value is
// saved as version ARGV[4], and a new key takes ARGV[6] as its incarnation. Its TTL is set to ARGV[5] ms when
// ARGV[9] asks for it, and always on a new key or over a tombstone: renewing it on every step would cost a
// third of the script's time (a PEXPIRE inside a script is as dear as the rest of it together), so the caller
// renews it only every hundredth of the TTL (see renewEvery).
//
// It answers {1, incarnation} when it saved, and {0, version, incarnation, value, ended ids} with what is
// stored when it did not, so that the caller can apply its change again without another round trip to load.
//
// The stored value is read only when it is answered: copying it into Lua on every save is wasted work.
var saveScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'v', 'i', 'e')
local v, i = cur[1] or '0', cur[2] or ''
if v ~= ARGV[1] or i ~= ARGV[2] then
  return {0, v, i, redis.call('HGET', KEYS[1], 'd') or '', cur[3] or ''}
end
if ARGV[3] == '' then
  redis.call('DEL', KEYS[1])
  if ARGV[7] == '' then
    return {1, ''}
  end
  redis.call('HSET', KEYS[1], 'v', ARGV[4], 'i', i, 'e', ARGV[7])
  redis.call('PEXPIRE', KEYS[1], ARGV[8])
  return {1, i}
end
local renew = ARGV[9] ~= ''
if i == '' then
  i = ARGV[6]
  renew = true
  redis.call('HSET', KEYS[1], 'v', ARGV[4], 'i', i, 'd', ARGV[3])
else
  redis.call('HSET', KEYS[1], 'v', ARGV[4], 'd', ARGV[3])
  if cur[3] then
    renew = true
    redis.call('HDEL', KEYS[1], 'e')
  end
end
if renew then
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
return {1, i}
`)

// EndedTTL is how long an ended session's event ids are kept (a tombstone under the session's key, holding
// nothing else), so that a redelivered or retried event that ended it is refused rather than starting a new
// intake at the welcome. Discord redelivers within seconds and an interaction can be answered for 15 minutes.
// A member who asks to be forgotten is forgotten at once: ForgetMember deletes the tombstone too.
const EndedTTL = 15 * time.Minute

// Update loads a session, applies fn and saves the result with an optimistic check: if another update saved
// first, it applies fn again to what that update saved, so two inputs for one person never interleave.
//
// A session this process stepped recently is not loaded: fn is applied to the remembered copy and the
// compare-and-set goes out at once, one round trip. When the copy is stale the script answers with the stored
// session and the retry needs no load either.
func (r *Redis) Update(ctx context.Context, id, eventID string, fn func(*flows.Session) (*flows.Session, error)) error {
	key := sessionKey(r.prefix, id)
	cur, guess := r.cache.get(key)
	if !guess {
		var err error
		if cur, err = r.load(ctx, id, key); err != nil {
			return err
		}
	}
	for attempt := 0; attempt < r.retries; attempt++ {
		s := cloneSession(cur.s)
		if cur.applied(eventID) {
			if guess {
				// A remembered copy is only a guess: whether an event was applied is decided by what is stored,
				// as it always was (a forgotten session applies a redelivered event afresh).
				guess = false
				var err error
				if cur, err = r.load(ctx, id, key); err != nil {
					return err
				}
				continue
			}
			return flows.ErrDuplicate
		}
		next, err := fn(s)
		if err != nil {
			return err
		}
		var data []byte
		if next != nil {
			if s == nil {
				// A session starting where one just ended carries its event ids on.
				next.RememberEarlier(cur.ended)
			}
			if data, err = json.Marshal(next); err != nil {
				return fmt.Errorf("encode session: %w", err)
			}
			data = r.keys.Seal(data, sessionAAD(id))
		} else if s == nil {
			return nil // nothing stored, nothing to store
		}
		var ended []byte
		if next == nil && len(s.Seen) > 0 {
			if ended, err = json.Marshal(s.Seen); err != nil {
				return fmt.Errorf("encode ended session: %w", err)
			}
		}
		saved, now, err := r.save(ctx, id, key, cur, data, ended)
		if err != nil {
			// Saved or not, the remembered copy is still safe to guess with: the next compare-and-set tells.
			return err
		}
		if saved {
			if next == nil {
				r.cache.remove(key)
			} else {
				// The engine goes on using next after Update returns: remember a copy of our own.
				now.s = cloneSession(next)
				r.cache.put(key, now)
			}
			return nil
		}
		r.remember(key, now)
		cur, guess = now, false
		waited, err := backoff(ctx, attempt)
		if err != nil {
			return err
		}
		if waited {
			// What the script answered is as old as the wait: read again, as a busy session needs.
			if cur, err = r.load(ctx, id, key); err != nil {
				return err
			}
		}
	}
	return flows.ErrConflict
}

// remember keeps what is now stored under key for the next step, or forgets the key when no session is stored.
func (r *Redis) remember(key string, c cached) {
	if c.s == nil {
		r.cache.remove(key)
		return
	}
	r.cache.put(key, c)
}

// save runs saveScript for a session read as cur; data nil ends it, leaving the event ids in ended (JSON, nil for
// none) as a tombstone. It reports whether it saved and what is stored now: the version and incarnation of the
// saved session (the caller has the session itself), or the session that another update saved first.
func (r *Redis) save(ctx context.Context, id, key string, cur cached, data, ended []byte) (bool, cached, error) {
	var inc string
	if cur.inc == "" {
		inc = newIncarnation()
	}
	version := cur.version + 1
	at := time.Now()
	var renew string
	if cur.renewed.IsZero() || at.Sub(cur.renewed) >= r.renewEvery() {
		renew = "1"
	}
	res, err := saveScript.Run(ctx, r.rdb, []string{key},
		strconv.FormatInt(cur.version, 10), cur.inc, data, version, r.ttl.Milliseconds(), inc,
		ended, min(r.ttl, EndedTTL).Milliseconds(), renew).Slice()
	if err != nil {
		return false, cached{}, fmt.Errorf("save session: %w: %w", flows.ErrUnavailable, err)
	}
	if len(res) == 2 && res[0] == int64(1) {
		if data == nil {
			return true, cached{}, nil
		}
		inc, _ = res[1].(string)
		saved := cached{size: len(data), version: version, inc: inc, renewed: cur.renewed}
		if renew != "" || cur.s == nil {
			saved.renewed = at // the script renewed the TTL (it always does on a new key or over a tombstone)
		}
		return true, saved, nil
	}
	if len(res) != 5 || res[0] != int64(0) {
		return false, cached{}, fmt.Errorf("save session: unexpected reply %v", res)
	}
	vs, _ := res[1].(string)
	is, _ := res[2].(string)
	ds, _ := res[3].(string)
	es, _ := res[4].(string)
	now, err := r.parseStored(id, vs, is, ds, es)
	if err != nil {
		return false, cached{}, fmt.Errorf("save session: %w", err)
	}
	return false, now, nil
}

// renewEvery is how long after renewing a session's TTL a save renews it again: a hundredth of the TTL, so an
// inactive session is kept for at least 99% of SessionTTL after its last step (7 days less 100 minutes, by
// default) and at most SessionTTL.
func (r *Redis) renewEvery() time.Duration { return r.ttl / 100 }

// newIncarnation returns a token that tells one life of a session key from the next.
func newIncarnation() string {
	return strconv.FormatUint(rand.Uint64(), 36)
}

// backoff waits a little longer after each lost race but the first, so that a burst for one person settles
// quickly, and reports whether it waited.
func backoff(ctx context.Context, attempt int) (bool, error) {
	d := time.Duration(attempt*attempt) * 100 * time.Microsecond
	if d == 0 {
		return false, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false, fmt.Errorf("save session: %w", ctx.Err())
	case <-t.C:
		return true, nil
	}
}

func (r *Redis) load(ctx context.Context, id, key string) (cached, error) {
	vals, err := r.rdb.HMGet(ctx, key, "v", "i", "d", "e").Result()
	if err != nil {
		return cached{}, fmt.Errorf("load session: %w: %w", flows.ErrUnavailable, err)
	}
	vs, _ := vals[0].(string)
	is, _ := vals[1].(string)
	ds, _ := vals[2].(string)
	es, _ := vals[3].(string)
	c, err := r.parseStored(id, vs, is, ds, es)
	if err != nil {
		return cached{}, fmt.Errorf("load session: %w", err)
	}
	return c, nil
}

// parseStored reads session id's hash fields, opening the session if it is sealed; no version means no session,
// and a version with ended event ids (es) but no session is the tombstone of one that ended.
func (r *Redis) parseStored(id, vs, is, ds, es string) (cached, error) {
	if vs == "" || vs == "0" {
		return cached{}, nil
	}
	version, err := strconv.ParseInt(vs, 10, 64)
	if err != nil {
		return cached{}, fmt.Errorf("bad version %q", vs)
	}
	if ds == "" {
		ended, err := decodeEnded(es)
		if err != nil {
			return cached{}, err
		}
		return cached{version: version, inc: is, ended: ended}, nil
	}
	plain, err := r.keys.Open([]byte(ds), sessionAAD(id))
	if err != nil {
		return cached{}, err
	}
	s, err := decodeSession(plain)
	if err != nil {
		return cached{}, err
	}
	return cached{s: s, size: len(ds), version: version, inc: is}, nil
}

// decodeEnded reads a tombstone's event ids (the hash field e); nil when none are stored.
func decodeEnded(es string) ([]string, error) {
	if es == "" {
		return nil, nil
	}
	var ended []string
	if err := json.Unmarshal([]byte(es), &ended); err != nil {
		return nil, fmt.Errorf("decode ended event ids: %w", err)
	}
	return ended, nil
}

// decodeSession reads a stored session; nil when none is stored.
func decodeSession(data []byte) (*flows.Session, error) {
	if len(data) == 0 {
		return nil, nil
	}
	var s flows.Session
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if s.Answers == nil {
		s.Answers = map[string]flows.Answer{}
	}
	return &s, nil
}

// Delete removes a session.
func (r *Redis) Delete(ctx context.Context, id string) error {
	key := sessionKey(r.prefix, id)
	r.cache.remove(key)
	if err := r.rdb.Del(ctx, key).Err(); err != nil {
		return fmt.Errorf("delete session: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// Session returns the stored session without changing it: nil when there is none, or only the tombstone of
// one that ended.
func (r *Redis) Session(ctx context.Context, id string) (*flows.Session, error) {
	c, err := r.load(ctx, id, sessionKey(r.prefix, id))
	if err != nil {
		return nil, err
	}
	return c.s, nil
}

// Ping reports whether Redis answers.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}
