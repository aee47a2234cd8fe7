package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/store"
)

// /handoffs subcommands and options.
const (
	subQueue   = "queue"
	subShow    = "show"
	subReply   = "reply"
	subBlock   = "block"
	subUnblock = "unblock"
	optRef     = "ref"
	optMessage = "message"
)

// cmdHandoffs handles /handoffs, for moderators only.
func (b *Bot) cmdHandoffs(ctx context.Context, r *responder) {
	if r.i.GuildID == "" {
		b.replyText(ctx, r, "Use /handoffs in your server.")
		return
	}
	data := r.i.ApplicationCommandData()
	if len(data.Options) == 0 {
		b.replyText(ctx, r, "Use /handoffs queue, show, reply, block or unblock.")
		return
	}
	sub := data.Options[0]
	opt := func(name string) string {
		for _, o := range sub.Options {
			if o.Name == name {
				return strings.TrimSpace(optionString(o))
			}
		}
		return ""
	}
	r.log = r.log.With("sub", sub.Name)
	switch sub.Name {
	case subQueue:
		b.queue(ctx, r)
	case subShow, subBlock, subUnblock:
		ref := strings.ToUpper(opt(optRef))
		h, g, ok := b.moderatorHandoff(ctx, r, ref)
		if !ok {
			return
		}
		switch sub.Name {
		case subShow:
			b.show(ctx, r, h, g)
		case subBlock:
			b.block(ctx, r, h, g)
		case subUnblock:
			b.unblock(ctx, r, h, g)
		}
	case subReply:
		h, ok, err := b.st.RelayByThread(ctx, r.i.ChannelID)
		if err != nil {
			r.log.Error("load relay", "err", err)
			b.replyText(ctx, r, textStoreDown)
			return
		}
		if !ok {
			b.replyText(ctx, r, "Use /handoffs reply in the relay thread of a claimed, unresolved handoff.")
			return
		}
		h, g, ok := b.moderatorHandoff(ctx, r, h.Ref)
		if !ok {
			return
		}
		b.relayToMember(ctx, r, h, g, opt(optMessage))
	default:
		b.replyText(ctx, r, "Use /handoffs queue, show, reply, block or unblock.")
	}
}

// queue lists the server's open handoffs: urgent first, then oldest first, with age and claim state.
func (b *Bot) queue(ctx context.Context, r *responder) {
	g, _, err := b.st.Guild(ctx, r.i.GuildID)
	if err != nil {
		r.log.Error("load server settings", "err", err)
		b.replyText(ctx, r, textStoreDown)
		return
	}
	if !isModerator(r.i, g) {
		b.replyText(ctx, r, textNotModerator)
		return
	}
	if err := r.deferEphemeral(ctx); err != nil {
		r.log.Error("acknowledge /handoffs queue", "err", err)
		return
	}
	hs, err := b.st.Queue(ctx, r.i.GuildID)
	if err != nil {
		r.log.Error("load queue", "err", err)
		b.replyText(ctx, r, textStoreDown)
		return
	}
	if len(hs) == 0 {
		b.replyText(ctx, r, "No open handoffs. 🎉")
		return
	}
	now := b.opts.Now()
	var lines []string
	for _, h := range hs {
		lines = append(lines, queueLine(h, now))
	}
	head := fmt.Sprintf("**Open handoffs: %d** (urgent first, then oldest first)\n", len(hs))
	b.replyText(ctx, r, head+fitLines(lines, maxContent-utf8.RuneCountInString(head)))
}

// queueLine is one handoff in the queue.
func queueLine(h store.Handoff, now time.Time) string {
	mark, kind := "⚪", "intake"
	if h.Urgent {
		mark, kind = "🔴", "urgent intake"
	}
	if h.Alert {
		kind = "urgent crisis alert"
	}
	state := "unclaimed"
	switch {
	case h.State == store.StateClaimed:
		state = fmt.Sprintf("claimed by <@%s> %s ago", h.ClaimedBy, ago(now, h.ClaimedAt))
	case !h.Urgent && now.Sub(h.Created) > overdueAfter:
		state = "unclaimed, **overdue**"
	}
	line := fmt.Sprintf("%s **%s** · %s · waiting %s · %s", mark, h.Ref, kind, ago(now, h.Created), state)
	if h.Posted() {
		line += " · [card](" + messageLink(h.GuildID, h.ChannelID, h.MessageID) + ")"
	} else {
		line += " · card not posted yet"
	}
	return line
}

// fitLines joins lines within n characters, saying how many did not fit.
func fitLines(lines []string, n int) string {
	var b strings.Builder
	for i, l := range lines {
		more := fmt.Sprintf("\n…and %d more", len(lines)-i)
		if utf8.RuneCountInString(b.String())+utf8.RuneCountInString(l)+1+utf8.RuneCountInString(more) > n {
			b.WriteString(more)
			break
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(l)
	}
	return b.String()
}

// show answers with one handoff's card as it stands and its notes, to the moderator only.
func (b *Bot) show(ctx context.Context, r *responder, h store.Handoff, g store.GuildSettings) {
	if err := r.deferEphemeral(ctx); err != nil {
		r.log.Error("acknowledge /handoffs show", "err", err)
		return
	}
	notes, err := b.st.Notes(ctx, h.Ref)
	if err != nil {
		r.log.Warn("load notes", "err", err)
	}
	b.audit(ctx, r.log, g, r.userID(), "viewed", h.Ref, "")
	var text strings.Builder
	text.WriteString(queueLine(h, b.opts.Now()))
	if len(notes) > 0 {
		text.WriteString("\n\n**Notes** (moderators only)")
		for _, n := range notes {
			fmt.Fprintf(&text, "\n• <t:%d:f> <@%s>: %s", n.At.Unix(), n.By, defang(strings.ReplaceAll(n.Text, "\n", " ")))
		}
	}
	content := truncate(text.String(), maxContent)
	embeds := b.cardView(h, len(notes))
	_, err = b.api.InteractionResponseEdit(r.i, &discordgo.WebhookEdit{
		Content: &content, Embeds: &embeds, AllowedMentions: noMentions(),
	}, r.opt(ctx))
	r.deferredMessage = false
	if err != nil {
		r.log.Error("show handoff", "err", err)
	}
}
