package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// Errors of moderation, with a kind the caller can test with errors.Is.
var (
	// ErrNotFound means the handoff does not exist: never made, expired, or forgotten at the member's request.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the handoff is not in a state that allows the action: already claimed by someone else,
	// or already resolved. The error's Handoff says who and when.
	ErrConflict = errors.New("conflict")
)

// StateError is ErrConflict with the handoff as it stands.
type StateError struct{ Handoff Handoff }

func (e *StateError) Error() string { return "handoff " + e.Handoff.Ref + " is " + e.Handoff.State }

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *StateError) Unwrap() error { return ErrConflict }

// Note is a moderator's note on a handoff. Notes are for moderators only and are kept with the handoff.
type Note struct {
	By   string    `json:"by"`
	At   time.Time `json:"-"`
	Text string    `json:"text"`
	// T is At in unix ms, as stored.
	T int64 `json:"t"`
}

// claimHandoffScript claims an open handoff for ARGV[2] at ARGV[3] and drops its reminder.
var claimHandoffScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
local st, cb = unpack(redis.call('HMGET', KEYS[1], 'st', 'cb'))
if st == 'resolved' then return 'resolved' end
if st == 'claimed' and cb ~= ARGV[2] then return 'claimed' end
redis.call('HSET', KEYS[1], 'st', 'claimed', 'cb', ARGV[2], 'ct', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
return 'ok'
`)

// ClaimHandoff records that a moderator took a handoff. Claiming one's own claim again changes nothing; a
// handoff claimed by someone else or resolved gives a *StateError.
func (r *Redis) ClaimHandoff(ctx context.Context, ref, by string, at time.Time) (Handoff, error) {
	res, err := claimHandoffScript.Run(ctx, r.rdb, []string{handoffKey(r.prefix, ref), remindKey(r.prefix)},
		ref, by, at.UnixMilli()).Text()
	if err != nil {
		return Handoff{}, fmt.Errorf("claim handoff: %w: %w", flows.ErrUnavailable, err)
	}
	return r.afterScript(ctx, ref, res)
}

// resolveScript closes a handoff: KEYS are the handoff, the reminders, the server's queue, the notes and the
// relay thread's key; ARGV the reference, who, when, the outcome and a note (JSON, or empty).
var resolveScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HGET', KEYS[1], 'st') == 'resolved' then return 'resolved' end
redis.call('HSET', KEYS[1], 'st', 'resolved', 'rb', ARGV[2], 'rt', ARGV[3], 'out', ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
if ARGV[5] ~= '' then
  redis.call('RPUSH', KEYS[4], ARGV[5])
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[4], ttl) end
end
redis.call('DEL', KEYS[5])
return 'ok'
`)

// ResolveHandoff closes a handoff with an outcome and, when note.Text is not empty, a note: it leaves the
// server's queue, is no longer re-pinged, and its relay thread stops relaying. The member's own relay pointer
// is removed by CloseMemberRelay.
func (r *Redis) ResolveHandoff(ctx context.Context, h Handoff, by string, at time.Time, outcome string, note Note) (Handoff, error) {
	noteJSON := ""
	if strings.TrimSpace(note.Text) != "" {
		note.T = at.UnixMilli()
		data, _ := json.Marshal(note)
		noteJSON = string(r.keys.Seal(data, noteAAD(h.Ref)))
	}
	keys := []string{handoffKey(r.prefix, h.Ref), remindKey(r.prefix), openKey(r.prefix, h.GuildID),
		notesKey(r.prefix, h.Ref), threadKey(r.prefix, h.Thread)}
	res, err := resolveScript.Run(ctx, r.rdb, keys, h.Ref, by, at.UnixMilli(), outcome, noteJSON).Text()
	if err != nil {
		return Handoff{}, fmt.Errorf("resolve handoff: %w: %w", flows.ErrUnavailable, err)
	}
	return r.afterScript(ctx, h.Ref, res)
}

// afterScript turns a moderation script's answer into the handoff as it now stands, or an error of its kind.
func (r *Redis) afterScript(ctx context.Context, ref, res string) (Handoff, error) {
	if res == "missing" {
		return Handoff{}, fmt.Errorf("handoff %s: %w", ref, ErrNotFound)
	}
	h, ok, err := r.Handoff(ctx, ref)
	switch {
	case err != nil:
		return Handoff{}, err
	case !ok:
		return Handoff{}, fmt.Errorf("handoff %s: %w", ref, ErrNotFound)
	case res != "ok":
		return h, &StateError{Handoff: h}
	}
	return h, nil
}

// addNoteScript appends a note to an existing handoff's notes, which live as long as the handoff.
var addNoteScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
`)

// maxNotes bounds the notes kept per handoff; the oldest go first.
const maxNotes = 50

// AddNote keeps a moderator's note with a handoff.
func (r *Redis) AddNote(ctx context.Context, ref string, note Note) error {
	note.T = note.At.UnixMilli()
	data, _ := json.Marshal(note)
	n, err := addNoteScript.Run(ctx, r.rdb, []string{handoffKey(r.prefix, ref), notesKey(r.prefix, ref)},
		string(r.keys.Seal(data, noteAAD(ref))), maxNotes).Int()
	if err != nil {
		return fmt.Errorf("add note: %w: %w", flows.ErrUnavailable, err)
	}
	if n == 0 {
		return fmt.Errorf("handoff %s: %w", ref, ErrNotFound)
	}
	return nil
}

// Notes returns a handoff's notes, oldest first.
func (r *Redis) Notes(ctx context.Context, ref string) ([]Note, error) {
	raws, err := r.rdb.LRange(ctx, notesKey(r.prefix, ref), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("load notes: %w: %w", flows.ErrUnavailable, err)
	}
	out := make([]Note, 0, len(raws))
	for _, raw := range raws {
		plain, err := r.keys.Open([]byte(raw), noteAAD(ref))
		if err != nil {
			return nil, fmt.Errorf("load notes of %s: %w", ref, err)
		}
		var n Note
		if json.Unmarshal(plain, &n) == nil {
			n.At = time.UnixMilli(n.T)
			out = append(out, n)
		}
	}
	return out, nil
}

// OpenHandoffs returns a server's handoffs that are not resolved, oldest first. Entries whose handoff expired
// are dropped from the queue on the way.
func (r *Redis) OpenHandoffs(ctx context.Context, guildID string) ([]Handoff, error) {
	key := openKey(r.prefix, guildID)
	refs, err := r.rdb.ZRange(ctx, key, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("list open handoffs: %w: %w", flows.ErrUnavailable, err)
	}
	var out []Handoff
	var gone []any
	for _, ref := range refs {
		h, ok, err := r.Handoff(ctx, ref)
		if err != nil {
			return nil, err
		}
		if !ok || h.State == StateResolved {
			gone = append(gone, ref)
			continue
		}
		out = append(out, h)
	}
	if len(gone) > 0 {
		if err := r.rdb.ZRem(ctx, key, gone...).Err(); err != nil {
			return nil, fmt.Errorf("list open handoffs: %w: %w", flows.ErrUnavailable, err)
		}
	}
	return out, nil
}

// DueReminders returns up to n urgent handoffs whose re-ping is due at now, each leased for lease like the
// outbox's claims. The caller re-pings, then calls Reminded, or RemindAt to try again later.
func (r *Redis) DueReminders(ctx context.Context, now time.Time, lease time.Duration, n int) ([]Handoff, error) {
	key := remindKey(r.prefix)
	refs, err := claimScript.Run(ctx, r.rdb, []string{key},
		now.UnixMilli(), now.Add(lease).UnixMilli(), n, outboxTTL.Milliseconds()).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("claim reminders: %w: %w", flows.ErrUnavailable, err)
	}
	var out []Handoff
	for _, ref := range refs {
		h, ok, err := r.Handoff(ctx, ref)
		if err != nil {
			return out, err
		}
		if !ok || h.State != StateOpen {
			if err := r.rdb.ZRem(ctx, key, ref).Err(); err != nil {
				return out, fmt.Errorf("claim reminders: %w: %w", flows.ErrUnavailable, err)
			}
			continue
		}
		out = append(out, h)
	}
	return out, nil
}

// remindedScript records a re-ping on a handoff that still exists and drops its reminder.
var remindedScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'rp', ARGV[2]) end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`)

// Reminded records that the urgent role was pinged again for a handoff; it is not pinged again.
func (r *Redis) Reminded(ctx context.Context, ref string, at time.Time) error {
	err := remindedScript.Run(ctx, r.rdb, []string{handoffKey(r.prefix, ref), remindKey(r.prefix)}, ref, at.UnixMilli()).Err()
	if err != nil {
		return fmt.Errorf("record reminder: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// RemindAt schedules (or reschedules) a handoff's re-ping.
func (r *Redis) RemindAt(ctx context.Context, ref string, at time.Time) error {
	key := remindKey(r.prefix)
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, key, redis.Z{Score: float64(at.UnixMilli()), Member: ref})
		p.PExpire(ctx, key, outboxTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("schedule reminder: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// openRelayScript links a thread to a handoff that still exists and is not resolved.
var openRelayScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HGET', KEYS[1], 'st') == 'resolved' then return 'resolved' end
redis.call('HSET', KEYS[1], 'th', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
return 'ok'
`)

// OpenRelay records a handoff's relay thread and points the member's DMs to it, both for retention.
func (r *Redis) OpenRelay(ctx context.Context, h Handoff, threadID string, retention time.Duration) error {
	res, err := openRelayScript.Run(ctx, r.rdb, []string{handoffKey(r.prefix, h.Ref), threadKey(r.prefix, threadID)},
		h.Ref, threadID, retention.Milliseconds()).Text()
	if err != nil {
		return fmt.Errorf("open relay: %w: %w", flows.ErrUnavailable, err)
	}
	if _, err := r.afterScript(ctx, h.Ref, res); err != nil {
		return err
	}
	if err := r.rdb.Set(ctx, memberRelayKey(r.prefix, h.SessionID), h.Ref, retention).Err(); err != nil {
		return fmt.Errorf("open relay: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// RelayByThread returns the handoff whose relay runs in a thread; ok is false when none does (any more).
func (r *Redis) RelayByThread(ctx context.Context, threadID string) (Handoff, bool, error) {
	ref, err := r.rdb.Get(ctx, threadKey(r.prefix, threadID)).Result()
	if errors.Is(err, redis.Nil) {
		return Handoff{}, false, nil
	}
	if err != nil {
		return Handoff{}, false, fmt.Errorf("load relay: %w: %w", flows.ErrUnavailable, err)
	}
	h, ok, err := r.Handoff(ctx, ref)
	if err != nil || !ok || h.State == StateResolved {
		return Handoff{}, false, err
	}
	return h, true, nil
}

// MemberRelay returns the handoff whose relay the member's DMs go to; ok is false when there is none.
func (r *Redis) MemberRelay(ctx context.Context, sessionID string) (Handoff, bool, error) {
	ref, err := r.rdb.Get(ctx, memberRelayKey(r.prefix, sessionID)).Result()
	if errors.Is(err, redis.Nil) {
		return Handoff{}, false, nil
	}
	if err != nil {
		return Handoff{}, false, fmt.Errorf("load relay: %w: %w", flows.ErrUnavailable, err)
	}
	h, ok, err := r.Handoff(ctx, ref)
	if err != nil || !ok || h.State == StateResolved || h.Thread == "" {
		return Handoff{}, false, err
	}
	return h, true, nil
}

// closeMemberRelayScript removes the member's relay pointer if it still points at ARGV[1].
var closeMemberRelayScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// CloseMemberRelay stops the member's DMs going to a handoff's relay.
func (r *Redis) CloseMemberRelay(ctx context.Context, sessionID, ref string) error {
	if err := closeMemberRelayScript.Run(ctx, r.rdb, []string{memberRelayKey(r.prefix, sessionID)}, ref).Err(); err != nil {
		return fmt.Errorf("close relay: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// addRelayMessageScript records a relay message of an existing handoff, for as long as the handoff lives.
var addRelayMessageScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
`)

// AddRelayMessage records one of the bot's relay messages holding what the member wrote, so that forget can
// delete it from Discord.
func (r *Redis) AddRelayMessage(ctx context.Context, ref, channelID, messageID string) error {
	err := addRelayMessageScript.Run(ctx, r.rdb, []string{handoffKey(r.prefix, ref), relayMessagesKey(r.prefix, ref)},
		channelID+"/"+messageID).Err()
	if err != nil {
		return fmt.Errorf("record relay message: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// RelayMessages lists a handoff's relay messages as channel and message ids.
func (r *Redis) RelayMessages(ctx context.Context, ref string) ([][2]string, error) {
	raws, err := r.rdb.LRange(ctx, relayMessagesKey(r.prefix, ref), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("load relay messages: %w: %w", flows.ErrUnavailable, err)
	}
	var out [][2]string
	for _, raw := range raws {
		if ch, msg, ok := strings.Cut(raw, "/"); ok {
			out = append(out, [2]string{ch, msg})
		}
	}
	return out, nil
}

// Block is a member blocked from a server's intake.
type Block struct {
	By  string
	At  time.Time
	Ref string
}

// BlockMember blocks a member from a server's intake for ttl (the server's retention).
func (r *Redis) BlockMember(ctx context.Context, guildID, userID string, b Block, ttl time.Duration) error {
	key := blockKey(r.prefix, guildID, userID)
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, "by", b.By, "t", strconv.FormatInt(b.At.UnixMilli(), 10), "ref", b.Ref)
		p.PExpire(ctx, key, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("block member: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// UnblockMember lifts a block and reports whether there was one.
func (r *Redis) UnblockMember(ctx context.Context, guildID, userID string) (bool, error) {
	n, err := r.rdb.Del(ctx, blockKey(r.prefix, guildID, userID)).Result()
	if err != nil {
		return false, fmt.Errorf("unblock member: %w: %w", flows.ErrUnavailable, err)
	}
	return n > 0, nil
}

// Blocked reports whether a member is blocked from a server's intake.
func (r *Redis) Blocked(ctx context.Context, guildID, userID string) (bool, error) {
	n, err := r.rdb.Exists(ctx, blockKey(r.prefix, guildID, userID)).Result()
	if err != nil {
		return false, fmt.Errorf("load block: %w: %w", flows.ErrUnavailable, err)
	}
	return n > 0, nil
}

// AuditEntry is one moderator action or setup change: who, when, what, on which handoff. It never holds what a
// member wrote, nor a note's text.
type AuditEntry struct {
	At     time.Time `json:"-"`
	T      int64     `json:"t"`
	By     string    `json:"by"`
	Action string    `json:"action"`
	Ref    string    `json:"ref,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// maxAudit bounds a server's audit log; the oldest entries go first.
const maxAudit = 500

// Audit records an entry in a server's audit log, kept for ttl (the server's retention) after the latest.
func (r *Redis) Audit(ctx context.Context, guildID string, e AuditEntry, ttl time.Duration) error {
	e.T = e.At.UnixMilli()
	data, _ := json.Marshal(e)
	key := auditKey(r.prefix, guildID)
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.LPush(ctx, key, string(data))
		p.LTrim(ctx, key, 0, maxAudit-1)
		p.PExpire(ctx, key, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("audit: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// AuditLog returns a server's latest n audit entries, newest first.
func (r *Redis) AuditLog(ctx context.Context, guildID string, n int) ([]AuditEntry, error) {
	raws, err := r.rdb.LRange(ctx, auditKey(r.prefix, guildID), 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("load audit log: %w: %w", flows.ErrUnavailable, err)
	}
	out := make([]AuditEntry, 0, len(raws))
	for _, raw := range raws {
		var e AuditEntry
		if json.Unmarshal([]byte(raw), &e) == nil {
			e.At = time.UnixMilli(e.T)
			out = append(out, e)
		}
	}
	return out, nil
}

// capTTLScript lowers the TTL of each key to at most ARGV[1] ms; keys without a TTL get it too.
var capTTLScript = redis.NewScript(`
for _, k in ipairs(KEYS) do
  local t = redis.call('PTTL', k)
  if t == -1 or t > tonumber(ARGV[1]) then redis.call('PEXPIRE', k, ARGV[1]) end
end
return 1
`)

// CapMemberTTL makes everything kept under a member's session id expire within retention, when a server keeps
// data for less than the session TTL. A step may renew the session's TTL, so adapters cap it after each step.
func (r *Redis) CapMemberTTL(ctx context.Context, sessionID string, retention time.Duration) error {
	if retention <= 0 || retention >= r.ttl {
		return nil
	}
	keys := []string{sessionKey(r.prefix, sessionID), memberKey(r.prefix, sessionID),
		memberHandoffsKey(r.prefix, sessionID), memberRelayKey(r.prefix, sessionID)}
	if err := capTTLScript.Run(ctx, r.rdb, keys, retention.Milliseconds()).Err(); err != nil {
		return fmt.Errorf("cap member TTL: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// sortQueue orders open handoffs as moderators work them: urgent first, then oldest first.
func sortQueue(hs []Handoff) {
	slices.SortStableFunc(hs, func(a, b Handoff) int {
		if a.Urgent != b.Urgent {
			if a.Urgent {
				return -1
			}
			return 1
		}
		return a.Created.Compare(b.Created)
	})
}

// Queue returns a server's open handoffs in the order moderators should work them: urgent first, then oldest
// first.
func (r *Redis) Queue(ctx context.Context, guildID string) ([]Handoff, error) {
	hs, err := r.OpenHandoffs(ctx, guildID)
	if err != nil {
		return nil, err
	}
	sortQueue(hs)
	return hs, nil
}
