package bot

import (
	"context"
	"log/slog"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
	"github.com/fulcrum-intake/fulcrum/store"
)

// The relay: a claimed handoff gets a private thread in the moderator channel, and the bot passes messages
// between it and the member's DMs. The member is only ever "the member" in the thread, and the moderator only
// "a moderator" (or their server name, when the server allows it) in the DMs: neither side's account is shown
// to the other. The relay ends when the handoff is resolved or the member asks to be forgotten.

// relayArchiveMinutes is how long an idle relay thread stays open in the channel list (a week, Discord's most).
const relayArchiveMinutes = 10080

// who is how the member hears of the moderator: by name when the server allows it.
func who(name string) string {
	if name == "" {
		return "A moderator"
	}
	return "**" + name + "**, a moderator,"
}

// startRelay opens the relay thread for a handoff just claimed and tells the member that a moderator will
// reach out. It returns notes for the moderator about what could not be done.
func (b *Bot) startRelay(ctx context.Context, r *responder, h *store.Handoff, g store.GuildSettings) []string {
	var notes []string
	parent := h.ChannelID
	if parent == "" {
		parent = g.ModeratorChannel
	}
	th, err := b.api.ThreadStartComplex(parent, &discordgo.ThreadStart{
		Name: "Relay " + h.Ref, Type: discordgo.ChannelTypeGuildPrivateThread, Invitable: false,
		AutoArchiveDuration: relayArchiveMinutes,
	}, discordgo.WithContext(ctx))
	if err != nil {
		r.log.Warn("open relay thread", "err", err)
		notes = append(notes, "⚠ I couldn't open a private relay thread here (does fulcrum have *Create Private Threads* "+
			"and *Send Messages in Threads* in this channel?). The member was still told a moderator will reach out.")
	} else {
		if err := b.api.ThreadMemberAdd(th.ID, r.userID(), discordgo.WithContext(ctx)); err != nil {
			r.log.Warn("add moderator to relay thread", "err", err)
		}
		if err := b.st.OpenRelay(ctx, *h, th.ID, g.Retention()); err != nil {
			r.log.Error("record relay thread", "err", err)
			notes = append(notes, "⚠ I couldn't record the relay thread, so messages won't be passed on. Please try claiming again in a minute.")
		} else {
			h.Thread = th.ID
			seen := "as “a moderator”"
			if g.ShowModeratorNames {
				seen = "by your server name"
			}
			intro := "Relay for **" + h.Ref + "**. The member's messages appear here as **Member**, never with their account. " +
				"Write to them with the button below or `/handoffs reply message:` in this thread; they see you " + seen +
				", never your account. The relay ends when the handoff is resolved."
			_, err := b.api.ChannelMessageSendComplex(th.ID, &discordgo.MessageSend{
				Content: intro, AllowedMentions: noMentions(),
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{CustomID: idHandoff + actWrite + ":" + h.Ref, Label: "Write to the member", Style: discordgo.PrimaryButton},
				}}},
			}, discordgo.WithContext(ctx))
			if err != nil {
				r.log.Warn("introduce relay thread", "err", err)
			}
		}
	}
	text := "About your request **" + h.Ref + "**: " + who(moderatorName(g, r.i.Member)) + " will reach out to you here soon."
	if h.Thread != "" {
		text += " You can write to them by replying in this chat, and I'll pass your messages on"
		if h.Anonymous {
			text += " without your name"
		}
		text += "."
	}
	if err := b.dmMember(ctx, h.UserID, text); err != nil {
		r.log.Warn("tell the member their handoff was claimed", "err", err)
		msg := "⚠ I couldn't message the member"
		if dmClosed(err) {
			msg += ": their DMs are closed to fulcrum"
		}
		notes = append(notes, msg+". They have not been told yet.")
		if h.Thread != "" {
			b.threadNote(ctx, r.log, h.Thread, msg+". Messages written here will reach them only once they open their DMs.")
		}
	}
	return notes
}

// dmMember sends a member a DM with no mentions.
func (b *Bot) dmMember(ctx context.Context, userID, text string) error {
	ch, err := b.api.UserChannelCreate(userID, discordgo.WithContext(ctx))
	if err != nil {
		return err
	}
	_, err = b.api.ChannelMessageSendComplex(ch.ID, &discordgo.MessageSend{
		Content: truncate(text, maxContent), AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	return err
}

// threadNote posts a line from fulcrum in a relay thread.
func (b *Bot) threadNote(ctx context.Context, log *slog.Logger, threadID, text string) {
	_, err := b.api.ChannelMessageSendComplex(threadID, &discordgo.MessageSend{
		Content: truncate("_"+text+"_", maxContent), AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		log.Warn("note in relay thread", "err", err)
	}
}

// relayToMember passes a moderator's message to the member, and keeps a copy in the thread for the other
// moderators.
func (b *Bot) relayToMember(ctx context.Context, r *responder, h store.Handoff, g store.GuildSettings, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		b.replyText(ctx, r, "Nothing to send.")
		return
	}
	if _, ok, err := b.st.RelayByThread(ctx, h.Thread); err != nil || !ok || h.Thread == "" {
		if err != nil {
			r.log.Error("load relay", "err", err)
			b.replyText(ctx, r, textStoreDown)
			return
		}
		b.replyText(ctx, r, "This conversation is closed: the handoff was resolved.")
		return
	}
	if err := r.deferEphemeral(ctx); err != nil {
		r.log.Error("acknowledge relay", "err", err)
		return
	}
	name := moderatorName(g, r.i.Member)
	from := "A moderator"
	if name != "" {
		from = name + " (moderator)"
	}
	out := "**" + from + "** · about your request " + h.Ref + ":\n" + defang(text)
	if err := b.dmMember(ctx, h.UserID, out); err != nil {
		r.log.Warn("relay to member", "err", err)
		msg := "I couldn't deliver that to the member just now"
		if dmClosed(err) {
			msg += ": their DMs are closed to fulcrum"
		}
		b.replyText(ctx, r, msg+".")
		return
	}
	b.threadNote(ctx, r.log, h.Thread, "To the member, from "+defang(displayName(r.i.Member))+":")
	_, err := b.api.ChannelMessageSendComplex(h.Thread, &discordgo.MessageSend{
		Content: truncate("> "+strings.ReplaceAll(defang(text), "\n", "\n> "), maxContent), AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		r.log.Warn("copy relay message to thread", "err", err)
	}
	b.audit(ctx, r.log, g, r.userID(), "relayed", h.Ref, "message to the member")
	b.replyText(ctx, r, "Sent to the member.")
}

// relayFromMember passes a member's DM to the relay thread of their claimed handoff, and reports whether it
// did (false: the DM is for the intake). What they write still passes crisis detection first.
func (b *Bot) relayFromMember(ctx context.Context, log *slog.Logger, msg *discordgo.Message, sid string) bool {
	h, ok, err := b.st.MemberRelay(ctx, sid)
	if err != nil {
		log.Warn("load relay", "err", err)
		return false
	}
	if !ok {
		return false
	}
	if strings.EqualFold(strings.TrimSpace(msg.Content), "forget") {
		return false // the engine asks to confirm, then everything goes, the relay too
	}
	log = log.With("ref", h.Ref)
	g := b.guildSettings(ctx, log, h.GuildID)
	dm := dmSurface{api: b.api, channelID: msg.ChannelID}
	res := b.intake.Triage(msg.Content)
	risky := res.Risk != triage.RiskNone
	if risky {
		for _, m := range renderMessages([]flows.Message{b.intake.CrisisMessage(g.Region, res)}, false) {
			if _, err := dm.send(ctx, m); err != nil {
				log.Error("crisis response in relay", "err", err)
				break
			}
		}
	}
	body := "**Member:**\n" + defang(msg.Content)
	if risky {
		body = "⚠ **fulcrum's screening flagged possible risk in this message**; the member was shown crisis resources.\n" + body
	}
	for _, a := range msg.Attachments {
		if a != nil {
			body += "\n_(the member attached a file; fulcrum does not pass files on)_"
			break
		}
	}
	sent, err := b.api.ChannelMessageSendComplex(h.Thread, &discordgo.MessageSend{
		Content: truncate(body, maxContent), AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		log.Error("relay from member", "err", err)
		_, _ = dm.send(ctx, rendered{content: "I couldn't pass that on to the moderator just now. Please try again in a minute. " +
			"If you are in danger right now, call your local emergency number."})
		return true
	}
	if err := b.st.AddRelayMessage(ctx, h.Ref, sent.ChannelID, sent.ID); err != nil {
		log.Warn("record relay message", "err", err)
	}
	return true
}

// endRelay closes a handoff's relay once it is resolved: the thread says so, and the member's DMs go back to
// the intake.
func (b *Bot) endRelay(ctx context.Context, log *slog.Logger, h store.Handoff) {
	if h.Thread == "" {
		return
	}
	if err := b.st.CloseMemberRelay(ctx, h.SessionID, h.Ref); err != nil {
		log.Warn("close relay", "err", err)
	}
	b.threadNote(ctx, log, h.Thread, "Relay closed: "+h.Ref+" was resolved. Messages are no longer passed on.")
	text := "The moderator has closed the conversation about your request **" + h.Ref + "**. Thank you for reaching out. " +
		"If you need support again, just send me a message."
	if err := b.dmMember(ctx, h.UserID, text); err != nil {
		log.Warn("tell the member the relay closed", "err", err)
	}
}
