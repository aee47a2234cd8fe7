package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
}

var _ flows.SessionStore = (*Redis)(nil)

// Options tune a Redis store.
type Options struct {
	// Prefix starts every key; empty means DefaultPrefix.
	Prefix string
	// SessionTTL is how long an inactive session is kept; zero means 7 days.
	SessionTTL time.Duration
}

// New returns a store on an open client.
func New(rdb redis.UniversalClient, opts Options) *Redis {
	r := &Redis{rdb: rdb, prefix: opts.Prefix, ttl: opts.SessionTTL, retries: 16}
	if r.prefix == "" {
		r.prefix = DefaultPrefix
	}
	if r.ttl <= 0 {
		r.ttl = 7 * 24 * time.Hour
	}
	return r
}

// saveScript writes a session only if nobody else wrote it since it was loaded: the version it was loaded at
// (ARGV[1], "0" for none) must still be the stored one. An empty value (ARGV[2]) deletes the session.
var saveScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v')
if (cur or '0') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'v', ARGV[3], 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`)

// Update loads a session, applies fn and saves the result with an optimistic check: if another update saved
// first, it loads again and re-applies fn, so two inputs for one person never interleave.
func (r *Redis) Update(ctx context.Context, id, eventID string, fn func(*flows.Session) (*flows.Session, error)) error {
	key := sessionKey(r.prefix, id)
	for attempt := 0; attempt < r.retries; attempt++ {
		s, version, err := r.load(ctx, key)
		if err != nil {
			return err
		}
		if s != nil && s.SeenEvent(eventID) {
			return flows.ErrDuplicate
		}
		next, err := fn(s)
		if err != nil {
			return err
		}
		var data []byte
		if next != nil {
			if data, err = json.Marshal(next); err != nil {
				return fmt.Errorf("encode session: %w", err)
			}
		} else if s == nil {
			return nil // nothing stored, nothing to store
		}
		ok, err := saveScript.Run(ctx, r.rdb, []string{key},
			strconv.FormatInt(version, 10), data, version+1, r.ttl.Milliseconds()).Int()
		if err != nil {
			return fmt.Errorf("save session: %w: %w", flows.ErrUnavailable, err)
		}
		if ok == 1 {
			return nil
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
	return flows.ErrConflict
}

// backoff waits a little longer after each lost race, so that a burst for one person settles quickly.
func backoff(ctx context.Context, attempt int) error {
	d := time.Duration(attempt*attempt) * 100 * time.Microsecond
	if d == 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("save session: %w", ctx.Err())
	case <-t.C:
		return nil
	}
}

func (r *Redis) load(ctx context.Context, key string) (*flows.Session, int64, error) {
	vals, err := r.rdb.HMGet(ctx, key, "v", "d").Result()
	if err != nil {
		return nil, 0, fmt.Errorf("load session: %w: %w", flows.ErrUnavailable, err)
	}
	vs, _ := vals[0].(string)
	ds, _ := vals[1].(string)
	if vs == "" || ds == "" {
		return nil, 0, nil
	}
	version, err := strconv.ParseInt(vs, 10, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("load session: bad version %q", vs)
	}
	var s flows.Session
	if err := json.Unmarshal([]byte(ds), &s); err != nil {
		return nil, 0, fmt.Errorf("load session: decode: %w", err)
	}
	if s.Answers == nil {
		s.Answers = map[string]flows.Answer{}
	}
	return &s, version, nil
}

// Delete removes a session.
func (r *Redis) Delete(ctx context.Context, id string) error {
	if err := r.rdb.Del(ctx, sessionKey(r.prefix, id)).Err(); err != nil {
		return fmt.Errorf("delete session: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// Ping reports whether Redis answers.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// Connect opens a client for a redis:// or rediss:// URL and checks that it answers.
func Connect(ctx context.Context, url string) (redis.UniversalClient, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		// The URL may hold a password: say what is wrong without repeating it.
		return nil, errors.New("parse FULCRUM_REDIS_URL: not a valid redis:// or rediss:// URL")
	}
	rdb := redis.NewClient(opt)
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("connect to redis at %s: %w", opt.Addr, err)
	}
	return rdb, nil
}
