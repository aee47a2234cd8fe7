package store

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// Member is what the Discord adapter keeps about one member between events, beside their session. It holds no
// answer: only where the conversation runs and which message to update next.
type Member struct {
	// Community is the server id the member's handoff is for; empty until known.
	Community string
	// Mode is where the intake runs: "dm", or "ephemeral" when the member's DMs are closed.
	Mode string
	// PromptChannel and PromptMessage locate the last question sent with buttons, to disable them once the
	// member answers by typing.
	PromptChannel string
	PromptMessage string
	// Prompt is how to redraw that question's buttons (the adapter's own JSON).
	Prompt []byte
	// PendingAlert is a crisis alert raised before the member chose their community (the adapter's own JSON:
	// kinds and region, nothing the member wrote), to send once they do.
	PendingAlert []byte
}

// Member returns what is kept for a member; the zero Member when nothing is.
func (r *Redis) Member(ctx context.Context, sessionID string) (Member, error) {
	vals, err := r.rdb.HGetAll(ctx, memberKey(r.prefix, sessionID)).Result()
	if err != nil {
		return Member{}, fmt.Errorf("load member: %w: %w", flows.ErrUnavailable, err)
	}
	m := Member{
		Community:     vals["c"],
		Mode:          vals["m"],
		PromptChannel: vals["pc"],
		PromptMessage: vals["pm"],
	}
	if p := vals["p"]; p != "" {
		if m.Prompt, err = r.keys.Open([]byte(p), promptAAD(sessionID)); err != nil {
			return Member{}, fmt.Errorf("load member: %w", err)
		}
	}
	if p := vals["pa"]; p != "" {
		if m.PendingAlert, err = r.keys.Open([]byte(p), alertAAD(sessionID)); err != nil {
			return Member{}, fmt.Errorf("load member: %w", err)
		}
	}
	return m, nil
}

// SetPendingAlert keeps a crisis alert until the member's community is known; nil forgets it.
func (r *Redis) SetPendingAlert(ctx context.Context, sessionID string, alert []byte) error {
	if len(alert) == 0 {
		if err := r.rdb.HDel(ctx, memberKey(r.prefix, sessionID), "pa").Err(); err != nil {
			return fmt.Errorf("save member: %w: %w", flows.ErrUnavailable, err)
		}
		return nil
	}
	return r.setMember(ctx, sessionID, "pa", string(r.keys.Seal(alert, alertAAD(sessionID))))
}

// SetCommunity records the server a member's handoff is for, and where the intake runs when mode is not empty.
func (r *Redis) SetCommunity(ctx context.Context, sessionID, guildID, mode string) error {
	fields := []any{"c", guildID}
	if mode != "" {
		fields = append(fields, "m", mode)
	}
	return r.setMember(ctx, sessionID, fields...)
}

// SetMode records where a member's intake runs: "dm" or "ephemeral".
func (r *Redis) SetMode(ctx context.Context, sessionID, mode string) error {
	return r.setMember(ctx, sessionID, "m", mode)
}

// SetPrompt records the last question sent with buttons; an empty messageID forgets it.
func (r *Redis) SetPrompt(ctx context.Context, sessionID, channelID, messageID string, prompt []byte) error {
	if messageID == "" {
		if err := r.rdb.HDel(ctx, memberKey(r.prefix, sessionID), "pc", "pm", "p").Err(); err != nil {
			return fmt.Errorf("save member: %w: %w", flows.ErrUnavailable, err)
		}
		return nil
	}
	return r.setMember(ctx, sessionID, "pc", channelID, "pm", messageID, "p", string(r.keys.Seal(prompt, promptAAD(sessionID))))
}

func (r *Redis) setMember(ctx context.Context, sessionID string, fields ...any) error {
	key := memberKey(r.prefix, sessionID)
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, fields...)
		p.PExpire(ctx, key, r.ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save member: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// MarkAlerted records that the moderators were alerted to a crisis during the member's current intake. It
// reports whether this call was the first to do so, so that a member in crisis alerts once, not at every message.
func (r *Redis) MarkAlerted(ctx context.Context, sessionID string) (bool, error) {
	key := memberKey(r.prefix, sessionID)
	var set *redis.BoolCmd
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		set = p.HSetNX(ctx, key, "a", "1")
		p.PExpire(ctx, key, r.ttl)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("save member: %w: %w", flows.ErrUnavailable, err)
	}
	return set.Val(), nil
}

// ClearAlerted forgets a crisis alert, once the intake it belonged to is handed off or ended.
func (r *Redis) ClearAlerted(ctx context.Context, sessionID string) error {
	if err := r.rdb.HDel(ctx, memberKey(r.prefix, sessionID), "a").Err(); err != nil {
		return fmt.Errorf("save member: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// DeleteMember removes what the adapter keeps for a member (not their session or handoffs).
func (r *Redis) DeleteMember(ctx context.Context, sessionID string) error {
	if err := r.rdb.Del(ctx, memberKey(r.prefix, sessionID)).Err(); err != nil {
		return fmt.Errorf("delete member: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}
