package bot

import (
	"context"

	"github.com/bwmarrin/discordgo"
)

// interactionOverLimit counts an interaction against the rate limits and reports whether to drop it. The first
// refusal in a window is answered with the slow-down notice (which points to emergency numbers); later ones are
// not answered at all, which is what makes a flood cheap. An answer that brings the crisis response, or any
// answer from a member whose intake is in a crisis step, always goes through.
func (b *Bot) interactionOverLimit(ctx context.Context, r *responder) bool {
	if b.opts.Limiter == nil || r.userID() == "" {
		return false
	}
	allow := b.opts.Limiter.Allow
	if moderationInteraction(r.i) {
		allow = b.opts.Limiter.AllowModeration
	}
	allowed, notice, err := allow(ctx, r.userID(), r.i.GuildID)
	if err != nil {
		r.log.Warn("rate limit", "err", err)
	}
	if allowed || b.mustAnswer(ctx, r) {
		return false
	}
	r.log.Info("interaction over the rate limit", "notice", notice)
	if notice {
		if _, err := r.reply(ctx, textSlowDown, nil); err != nil {
			r.log.Error("answer over the limit", "err", err)
		}
	}
	return true
}

// mustAnswer reports whether an interaction over the rate limit is an intake answer that must not be dropped: a
// choice that brings the crisis response, or any answer while the member's intake is in crisis. It reads the
// session only for answers, and only once a member is over the limit.
func (b *Bot) mustAnswer(ctx context.Context, r *responder) bool {
	var state string
	var choices []string
	switch r.i.Type {
	case discordgo.InteractionMessageComponent:
		data := r.i.MessageComponentData()
		if data.CustomID != idType {
			var ok bool
			if state, choices, ok = componentChoice(data.CustomID, data.Values); !ok {
				return false
			}
		}
	case discordgo.InteractionModalSubmit:
		if r.i.ModalSubmitData().CustomID != idModal {
			return false
		}
	default:
		return false
	}
	if state != "" && b.intake.Flow().CrisisChoice(state, choices) {
		return true
	}
	s, err := b.st.Session(ctx, sessionID(r.userID()))
	if err != nil {
		// Unknown: let the answer through; the step itself tells the member if the store is down.
		r.log.Warn("load session over the limit", "err", err)
		return true
	}
	return s != nil && s.InCrisis()
}
