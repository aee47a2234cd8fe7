package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/store"
)

// textRemoved replaces a card's content once the member asked to be forgotten.
const textRemoved = "Removed at the member's request. fulcrum deleted everything it kept about this handoff: " +
	"the answers, the moderators' notes and the relay messages."

// forgetMember deletes everything kept about a member, as /privacy forget and a typed "forget" promise: their
// session, adapter state, remembered servers, handoffs, notes and relays in Redis first, then on Discord their
// cards are emptied and marked as removed at their request and the relay messages holding what they wrote are
// deleted.
func (b *Bot) forgetMember(ctx context.Context, log *slog.Logger, userID string) error {
	sid := sessionID(userID)
	hs, err := b.st.MemberHandoffs(ctx, sid)
	if err != nil {
		return fmt.Errorf("list the member's handoffs: %w", err)
	}
	relayed := make(map[string][][2]string, len(hs))
	for _, h := range hs {
		msgs, err := b.st.RelayMessages(ctx, h.Ref)
		if err != nil {
			return fmt.Errorf("list relay messages: %w", err)
		}
		relayed[h.Ref] = msgs
	}
	if err := b.st.ForgetMember(ctx, sid); err != nil {
		return err
	}
	if err := b.st.ForgetMemberships(ctx, sid); err != nil {
		return err
	}
	for _, h := range hs {
		b.redact(ctx, log.With("ref", h.Ref), h, relayed[h.Ref])
	}
	return nil
}

// redact removes a forgotten handoff from Discord: the card keeps only its reference and the removal notice,
// the bot's relay messages with the member's words are deleted, and the relay thread says why. A failure is
// logged with the reference only; the data behind it is already gone from Redis.
func (b *Bot) redact(ctx context.Context, log *slog.Logger, h store.Handoff, relayed [][2]string) {
	if h.Posted() {
		content := "Intake **" + h.Ref + "**: removed at the member's request."
		embeds := []*discordgo.MessageEmbed{{Title: "Intake " + h.Ref, Description: textRemoved, Color: 0x6B7280}}
		comps := []discordgo.MessageComponent{}
		_, err := b.api.ChannelMessageEditComplex(&discordgo.MessageEdit{
			ID: h.MessageID, Channel: h.ChannelID, Content: &content, Embeds: &embeds, Components: &comps,
			AllowedMentions: noMentions(),
		}, discordgo.WithContext(ctx))
		if err != nil {
			log.Error("CARD NOT REDACTED after forget: remove it by hand", "channel", h.ChannelID, "message", h.MessageID, "err", err)
		}
	}
	for _, m := range relayed {
		if err := b.api.ChannelMessageDelete(m[0], m[1], discordgo.WithContext(ctx)); err != nil && restStatus(err) != 404 {
			log.Error("RELAY MESSAGE NOT DELETED after forget: remove it by hand", "channel", m[0], "message", m[1], "err", err)
		}
	}
	if h.Thread != "" {
		b.threadNote(ctx, log, h.Thread, "The member asked fulcrum to delete their data: their messages here were removed and the relay is closed.")
	}
	// No audit entry: it is not a moderator's action, and an entry naming the reference would be a trace of
	// the member kept after they asked for none. The card says what happened.
}

// audit records a moderator action or setup change in the server's audit log: who, when, what, on which
// handoff; never what a member wrote.
func (b *Bot) audit(ctx context.Context, log *slog.Logger, g store.GuildSettings, by, action, ref, detail string) {
	if g.GuildID == "" {
		return
	}
	e := store.AuditEntry{At: b.opts.Now(), By: by, Action: action, Ref: ref, Detail: detail}
	if err := b.st.Audit(ctx, g.GuildID, e, max(g.Retention(), 24*time.Hour)); err != nil {
		log.Error("audit entry not recorded", "action", action, "err", err)
	}
}
