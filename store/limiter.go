package store

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// Default rate limits: a member typing and clicking fast stays far below the first; a server's whole membership
// in an evening spike stays below the second.
// Moderators' own actions (claiming, noting, resolving, the queue, setup) have a bucket of their own, larger,
// and never counted against the server's: a raid that exhausts a server's budget must not lock its moderators out.
const (
	DefaultMemberPerMinute    = 20
	DefaultServerPerMinute    = 600
	DefaultModeratorPerMinute = 120
)

// LimitOptions tune a Limiter. Zero fields take the defaults.
type LimitOptions struct {
	// Prefix starts the limiter's own keys; empty means DefaultPrefix. Use the store's prefix.
	Prefix string
	// Member is how many events one member may send in a server per Period; zero means DefaultMemberPerMinute.
	Member int
	// Server is how many events one server's members may send together per Period; zero means
	// DefaultServerPerMinute.
	Server int
	// Moderator is how many moderation actions (card buttons, moderators' commands and forms) one person may take
	// in a server per Period; zero means DefaultModeratorPerMinute. They are not counted against Server.
	Moderator int
	// Period is the window of all three limits; zero means a minute.
	Period time.Duration
}

// Limiter limits how often members and servers may drive the bot, in Redis, so that every process of the bot
// shares one count. It uses go-redis/redis_rate (GCRA: a burst of the limit, then a steady rate) and adds one
// thing: over a limit, a member is told once per window, and hears nothing else.
//
// Crisis detection must still run on what a refused member writes: a member in crisis who types fast must get
// crisis resources all the same. Callers limit the intake, the buttons and the moderation traffic, never the
// triage of a typed message.
type Limiter struct {
	rl     *redis_rate.Limiter
	rdb    redis.UniversalClient
	prefix string
	member redis_rate.Limit
	server redis_rate.Limit
	mod    redis_rate.Limit
}

// NewLimiter returns a limiter on an open client.
func NewLimiter(rdb redis.UniversalClient, opts LimitOptions) *Limiter {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.Member <= 0 {
		opts.Member = DefaultMemberPerMinute
	}
	if opts.Server <= 0 {
		opts.Server = DefaultServerPerMinute
	}
	if opts.Moderator <= 0 {
		opts.Moderator = DefaultModeratorPerMinute
	}
	if opts.Period <= 0 {
		opts.Period = time.Minute
	}
	return &Limiter{
		rl:     redis_rate.NewLimiter(rdb),
		rdb:    rdb,
		prefix: opts.Prefix,
		member: redis_rate.Limit{Rate: opts.Member, Burst: opts.Member, Period: opts.Period},
		server: redis_rate.Limit{Rate: opts.Server, Burst: opts.Server, Period: opts.Period},
		mod:    redis_rate.Limit{Rate: opts.Moderator, Burst: opts.Moderator, Period: opts.Period},
	}
}

// Allow counts one event of a member in a server (guildID empty for a DM not yet tied to a server: only the
// member's own limit applies). allowed says whether to handle it; when it is not allowed, notice is true for the
// member's first refusal in the window, when the bot sends one polite notice, and false after, when it sends
// nothing. An event refused by the member's limit does not count against the server's.
//
// On error (Redis unreachable, flows.ErrUnavailable) allowed is true: the store's own failure then tells the
// member to try again, and a limiter outage must not silence the bot.
func (l *Limiter) Allow(ctx context.Context, memberID, guildID string) (allowed bool, notice bool, err error) {
	res, err := l.rl.Allow(ctx, limitMemberKey(l.prefix, guildID, memberID), l.member)
	if err != nil {
		return true, false, fmt.Errorf("rate limit: %w: %w", flows.ErrUnavailable, err)
	}
	if res.Allowed == 0 {
		return l.refuse(ctx, limitNoticeKey(l.prefix, guildID, memberID))
	}
	if guildID == "" {
		return true, false, nil
	}
	res, err = l.rl.Allow(ctx, limitServerKey(l.prefix, guildID), l.server)
	if err != nil {
		return true, false, fmt.Errorf("rate limit: %w: %w", flows.ErrUnavailable, err)
	}
	if res.Allowed == 0 {
		return l.refuse(ctx, limitNoticeKey(l.prefix, guildID, memberID))
	}
	return true, false, nil
}

// AllowModeration counts one moderation action (a card button, /handoffs, /fulcrum-setup, a moderator's form)
// of a user in a server, against that user's moderation bucket only. Whether the user may moderate at all is
// decided by the action itself; this only stops a flood of them. It answers as Allow does.
func (l *Limiter) AllowModeration(ctx context.Context, userID, guildID string) (allowed bool, notice bool, err error) {
	res, err := l.rl.Allow(ctx, limitModeratorKey(l.prefix, guildID, userID), l.mod)
	if err != nil {
		return true, false, fmt.Errorf("rate limit: %w: %w", flows.ErrUnavailable, err)
	}
	if res.Allowed == 0 {
		return l.refuse(ctx, limitModeratorNoticeKey(l.prefix, guildID, userID))
	}
	return true, false, nil
}

// refuse reports a refusal, with notice for the first in the window: the notice key lives one period.
func (l *Limiter) refuse(ctx context.Context, noticeKey string) (bool, bool, error) {
	first, err := l.rdb.SetNX(ctx, noticeKey, "1", l.member.Period).Result()
	if err != nil {
		return false, false, fmt.Errorf("rate limit notice: %w: %w", flows.ErrUnavailable, err)
	}
	return false, first, nil
}

// Reset forgets a member's count and notice in a server, e.g. after a moderator lifted a block.
func (l *Limiter) Reset(ctx context.Context, memberID, guildID string) error {
	if err := l.rl.Reset(ctx, limitMemberKey(l.prefix, guildID, memberID)); err != nil {
		return fmt.Errorf("reset rate limit: %w: %w", flows.ErrUnavailable, err)
	}
	if err := l.rdb.Del(ctx, limitNoticeKey(l.prefix, guildID, memberID)).Err(); err != nil {
		return fmt.Errorf("reset rate limit: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}
