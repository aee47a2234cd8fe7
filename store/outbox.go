package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// outboxTTL keeps the outbox alive while anything is pending: every enqueue and every attempt renews it, and
// attempts come every few minutes at most.
const outboxTTL = 30 * 24 * time.Hour

// Handoff is a completed intake on its way to a server's moderators. It stays in the outbox until its card is
// posted, however long Discord refuses it, so none is lost.
type Handoff struct {
	Ref       string
	SessionID string
	GuildID   string
	UserID    string
	Urgent    bool
	// Card is the rendered card (the adapter's own JSON). It holds the member's answers.
	Card    []byte
	Created time.Time
	// Attempts counts failed posting attempts; LastError is the last failure's Discord error, never the card.
	Attempts  int
	LastError string
	// ChannelID and MessageID locate the posted card; empty until posted.
	ChannelID string
	MessageID string

	// Alert marks a crisis alert raised mid-intake, rather than a completed intake.
	Alert bool
	// Anonymous means the member is not to be named to moderators.
	Anonymous bool
	// RemindAt, when set on an urgent handoff, is when the urgent role is pinged again if nobody claimed it.
	RemindAt time.Time

	// State is StateOpen, StateClaimed or StateResolved.
	State      string
	ClaimedBy  string
	ClaimedAt  time.Time
	ResolvedBy string
	ResolvedAt time.Time
	// Outcome is the resolution's outcome id (referred, unreachable, no_action, other).
	Outcome string
	// Thread is the relay thread's channel id, once a moderator opened one.
	Thread string
	// Reminded is when the urgent role was pinged again; zero if it was not.
	Reminded time.Time
}

// Handoff states.
const (
	StateOpen     = ""
	StateClaimed  = "claimed"
	StateResolved = "resolved"
)

// Posted reports whether the card has been posted.
func (h Handoff) Posted() bool { return h.MessageID != "" }

// extendScript renews a key's TTL only upwards, so an index outlives every handoff it lists.
var extendScript = redis.NewScript(`
local t = redis.call('PTTL', KEYS[1])
if t >= 0 and t >= tonumber(ARGV[1]) then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`)

// EnqueueHandoff stores a handoff and puts it in the outbox, due at once. The handoff is kept for retention.
func (r *Redis) EnqueueHandoff(ctx context.Context, h Handoff, retention time.Duration) error {
	idx, open := memberHandoffsKey(r.prefix, h.SessionID), openKey(r.prefix, h.GuildID)
	// The index is written first: were the process to stop between the two writes, forget still finds nothing
	// left behind, and an index entry without a handoff is harmless.
	if err := r.rdb.SAdd(ctx, idx, h.Ref).Err(); err != nil {
		return fmt.Errorf("enqueue handoff: %w: %w", flows.ErrUnavailable, err)
	}
	if err := extendScript.Run(ctx, r.rdb, []string{idx}, retention.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("enqueue handoff: %w: %w", flows.ErrUnavailable, err)
	}
	urgent := "0"
	if h.Urgent {
		urgent = "1"
	}
	key, queue := handoffKey(r.prefix, h.Ref), outboxKey(r.prefix)
	// Due at once: at its creation, on the adapter's clock, which is also the clock ClaimHandoffs is asked at.
	due := h.Created
	if due.IsZero() {
		due = time.Now()
	}
	kind, anon := "", "0"
	if h.Alert {
		kind = "alert"
	}
	if h.Anonymous {
		anon = "1"
	}
	card := string(r.keys.Seal(h.Card, cardAAD(h.Ref)))
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, "g", h.GuildID, "u", h.UserID, "sid", h.SessionID, "urg", urgent, "card", card,
			"t", strconv.FormatInt(h.Created.UnixMilli(), 10), "n", "0", "kind", kind, "an", anon)
		p.PExpire(ctx, key, retention)
		p.ZAdd(ctx, queue, redis.Z{Score: float64(due.UnixMilli()), Member: h.Ref})
		p.PExpire(ctx, queue, outboxTTL)
		p.ZAdd(ctx, open, redis.Z{Score: float64(h.Created.UnixMilli()), Member: h.Ref})
		if h.Urgent && !h.RemindAt.IsZero() {
			p.ZAdd(ctx, remindKey(r.prefix), redis.Z{Score: float64(h.RemindAt.UnixMilli()), Member: h.Ref})
			p.PExpire(ctx, remindKey(r.prefix), outboxTTL)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("enqueue handoff: %w: %w", flows.ErrUnavailable, err)
	}
	// The server's queue outlives every handoff it lists.
	if err := extendScript.Run(ctx, r.rdb, []string{open}, retention.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("enqueue handoff: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// claimScript takes up to ARGV[3] due references (score <= ARGV[1]) and pushes them to ARGV[2], so that another
// worker does not post them too while this one tries.
var claimScript = redis.NewScript(`
local refs = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, ref in ipairs(refs) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ref) end
if #refs > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return refs
`)

// ClaimHandoffs returns up to n handoffs due for posting at now, each leased for lease: another claim before
// then skips it, and after then it is due again unless HandoffPosted or HandoffFailed said otherwise.
func (r *Redis) ClaimHandoffs(ctx context.Context, now time.Time, lease time.Duration, n int) ([]Handoff, error) {
	queue := outboxKey(r.prefix)
	refs, err := claimScript.Run(ctx, r.rdb, []string{queue},
		now.UnixMilli(), now.Add(lease).UnixMilli(), n, outboxTTL.Milliseconds()).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("claim handoffs: %w: %w", flows.ErrUnavailable, err)
	}
	var out []Handoff
	for _, ref := range refs {
		h, ok, err := r.Handoff(ctx, ref)
		if err != nil {
			return out, err
		}
		if !ok {
			// Forgotten at the member's request, or expired: nothing left to post.
			if err := r.rdb.ZRem(ctx, queue, ref).Err(); err != nil {
				return out, fmt.Errorf("claim handoffs: %w: %w", flows.ErrUnavailable, err)
			}
			continue
		}
		out = append(out, h)
	}
	return out, nil
}

// postedScript records where a card was posted and takes it out of the outbox. A handoff deleted meanwhile is
// not brought back.
var postedScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'ch', ARGV[2], 'msg', ARGV[3])
end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`)

// HandoffPosted records that a handoff's card was posted and takes it out of the outbox.
func (r *Redis) HandoffPosted(ctx context.Context, ref, channelID, messageID string) error {
	err := postedScript.Run(ctx, r.rdb, []string{handoffKey(r.prefix, ref), outboxKey(r.prefix)},
		ref, channelID, messageID).Err()
	if err != nil {
		return fmt.Errorf("mark handoff posted: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// failedScript counts a failed attempt and schedules the next one.
var failedScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('HSET', KEYS[1], 'err', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
`)

// HandoffFailed records a failed attempt (reason names the error, never the card) and makes the handoff due
// again at next.
func (r *Redis) HandoffFailed(ctx context.Context, ref string, next time.Time, reason string) error {
	err := failedScript.Run(ctx, r.rdb, []string{handoffKey(r.prefix, ref), outboxKey(r.prefix)},
		ref, next.UnixMilli(), reason, outboxTTL.Milliseconds()).Err()
	if err != nil {
		return fmt.Errorf("reschedule handoff: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// Handoff returns one handoff by reference; ok is false when there is none.
func (r *Redis) Handoff(ctx context.Context, ref string) (h Handoff, ok bool, err error) {
	vals, err := r.rdb.HGetAll(ctx, handoffKey(r.prefix, ref)).Result()
	if err != nil {
		return Handoff{}, false, fmt.Errorf("load handoff: %w: %w", flows.ErrUnavailable, err)
	}
	if len(vals) == 0 {
		return Handoff{}, false, nil
	}
	h = Handoff{
		Ref: ref, SessionID: vals["sid"], GuildID: vals["g"], UserID: vals["u"], Urgent: vals["urg"] == "1",
		LastError: vals["err"], ChannelID: vals["ch"], MessageID: vals["msg"],
	}
	if h.Card, err = r.keys.Open([]byte(vals["card"]), cardAAD(ref)); err != nil {
		return Handoff{}, false, fmt.Errorf("load handoff %s: %w", ref, err)
	}
	h.Attempts, _ = strconv.Atoi(vals["n"])
	h.Created = unixMilli(vals["t"])
	h.Alert, h.Anonymous = vals["kind"] == "alert", vals["an"] == "1"
	h.State, h.ClaimedBy, h.ClaimedAt = vals["st"], vals["cb"], unixMilli(vals["ct"])
	h.ResolvedBy, h.ResolvedAt, h.Outcome = vals["rb"], unixMilli(vals["rt"]), vals["out"]
	h.Thread, h.Reminded = vals["th"], unixMilli(vals["rp"])
	return h, true, nil
}

// unixMilli reads a stored unix ms time; the zero time when there is none.
func unixMilli(s string) time.Time {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// ForgetMember deletes everything kept about a member: session, adapter state, handoffs (posted or not), their
// outbox, queue and reminder entries, notes, relay threads and relay history. What is on Discord (cards, relay
// messages) is the adapter's to remove; MemberHandoffs and RelayMessages list it beforehand.
func (r *Redis) ForgetMember(ctx context.Context, sessionID string) error {
	idx := memberHandoffsKey(r.prefix, sessionID)
	refs, err := r.rdb.SMembers(ctx, idx).Result()
	if err != nil {
		return fmt.Errorf("forget member: %w: %w", flows.ErrUnavailable, err)
	}
	if len(refs) > 0 {
		where := make([]*redis.SliceCmd, len(refs))
		_, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, ref := range refs {
				where[i] = p.HMGet(ctx, handoffKey(r.prefix, ref), "g", "th")
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("forget member: %w: %w", flows.ErrUnavailable, err)
		}
		_, err = r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for i, ref := range refs {
				p.Del(ctx, handoffKey(r.prefix, ref), notesKey(r.prefix, ref), relayMessagesKey(r.prefix, ref))
				vals := where[i].Val()
				if g, _ := vals[0].(string); g != "" {
					p.ZRem(ctx, openKey(r.prefix, g), ref)
				}
				if th, _ := vals[1].(string); th != "" {
					p.Del(ctx, threadKey(r.prefix, th))
				}
				p.ZRem(ctx, outboxKey(r.prefix), ref)
				p.ZRem(ctx, remindKey(r.prefix), ref)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("forget member: %w: %w", flows.ErrUnavailable, err)
		}
	}
	// The index goes last, so that a forget interrupted above can be repeated and still find the handoffs.
	r.cache.remove(sessionKey(r.prefix, sessionID))
	err = r.rdb.Del(ctx, sessionKey(r.prefix, sessionID), memberKey(r.prefix, sessionID), memberRelayKey(r.prefix, sessionID),
		membershipsKey(r.prefix, sessionID), idx).Err()
	if err != nil {
		return fmt.Errorf("forget member: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// MemberHandoffs returns the member's handoffs that still exist, to find their cards and relay threads.
func (r *Redis) MemberHandoffs(ctx context.Context, sessionID string) ([]Handoff, error) {
	refs, err := r.rdb.SMembers(ctx, memberHandoffsKey(r.prefix, sessionID)).Result()
	if err != nil {
		return nil, fmt.Errorf("list member handoffs: %w: %w", flows.ErrUnavailable, err)
	}
	var out []Handoff
	for _, ref := range refs {
		h, ok, err := r.Handoff(ctx, ref)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, h)
		}
	}
	return out, nil
}

// MemberExport is everything kept about a member, for /privacy export.
type MemberExport struct {
	SessionID string          `json:"session_id"`
	Session   json.RawMessage `json:"session,omitempty"`
	// EndedSessionEvents are the Discord ids of the events (messages, clicks) of an intake that ended in the last
	// EndedTTL, kept only to recognise a repeated one; nothing the member wrote.
	EndedSessionEvents []string       `json:"ended_session_event_ids,omitempty"`
	Member             map[string]any `json:"discord,omitempty"`
	// Servers is what the bot last learned from Discord of the set-up servers the member belongs to (ids only),
	// kept a few minutes so that each message need not ask again.
	Servers  *Memberships    `json:"servers_remembered,omitempty"`
	Handoffs []HandoffExport `json:"handoffs,omitempty"`
}

// HandoffExport is one handoff as exported to its member.
type HandoffExport struct {
	Ref       string          `json:"ref"`
	Server    string          `json:"server"`
	Urgent    bool            `json:"urgent"`
	Created   time.Time       `json:"created"`
	Posted    bool            `json:"posted"`
	Card      json.RawMessage `json:"card,omitempty"`
	Attempts  int             `json:"failed_attempts,omitempty"`
	LastError string          `json:"last_error,omitempty"`
}

// ExportMember gathers everything kept about a member.
func (r *Redis) ExportMember(ctx context.Context, sessionID string) (MemberExport, error) {
	out := MemberExport{SessionID: sessionID}
	vals, err := r.rdb.HMGet(ctx, sessionKey(r.prefix, sessionID), "d", "e").Result()
	if err != nil {
		return out, fmt.Errorf("export member: %w: %w", flows.ErrUnavailable, err)
	}
	d, _ := vals[0].(string)
	e, _ := vals[1].(string)
	if out.EndedSessionEvents, err = decodeEnded(e); err != nil {
		return out, fmt.Errorf("export member: %w", err)
	}
	plain, err := r.keys.Open([]byte(d), sessionAAD(sessionID))
	if err != nil {
		return out, fmt.Errorf("export member: %w", err)
	}
	if len(plain) > 0 && json.Valid(plain) {
		out.Session = json.RawMessage(plain)
	}
	m, err := r.Member(ctx, sessionID)
	if err != nil {
		return out, err
	}
	if m.Community != "" || m.Mode != "" || m.PromptMessage != "" {
		out.Member = map[string]any{"community": m.Community, "mode": m.Mode}
		if m.PromptMessage != "" {
			out.Member["last_question_message"] = m.PromptMessage
		}
	}
	ms, ok, err := r.Memberships(ctx, sessionID)
	if err != nil {
		return out, fmt.Errorf("export member: %w", err)
	}
	if ok {
		out.Servers = &ms
	}
	refs, err := r.rdb.SMembers(ctx, memberHandoffsKey(r.prefix, sessionID)).Result()
	if err != nil {
		return out, fmt.Errorf("export member: %w: %w", flows.ErrUnavailable, err)
	}
	for _, ref := range refs {
		h, ok, err := r.Handoff(ctx, ref)
		if err != nil {
			return out, err
		}
		if !ok {
			continue
		}
		e := HandoffExport{Ref: h.Ref, Server: h.GuildID, Urgent: h.Urgent, Created: h.Created, Posted: h.Posted(),
			Attempts: h.Attempts, LastError: h.LastError}
		if json.Valid(h.Card) {
			e.Card = json.RawMessage(h.Card)
		}
		out.Handoffs = append(out.Handoffs, e)
	}
	return out, nil
}
