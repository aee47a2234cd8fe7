package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
	"github.com/fulcrum-intake/fulcrum/store"
)

// Where a member's intake runs.
const (
	modeDM        = "dm"
	modeEphemeral = "ephemeral"
)

// What the bot says outside the flow. Each points a person in danger to help: safety never depends on setup.
const (
	textNotSetUp = "Intake isn't available in this server yet: its moderators haven't set me up. " +
		"If you are in danger right now, please call your local emergency number, or find a crisis line near you at <https://findahelpline.com>."
	textNoCommunity = "I can't start an intake yet: none of the communities we share has set me up. " +
		"Please ask your community's moderators about it. " +
		"If you are in danger right now, please call your local emergency number, or find a crisis line near you at <https://findahelpline.com>."
	textWhichCommunity = "You're in more than one community I support. Which community's support team is this for? " +
		"Only that community's moderators will see what you choose to send."
	textSentDM     = "I've sent you a direct message so we can talk privately."
	textDMsClosed  = "Your direct messages are closed to me, so we'll continue here. Only you can see these messages."
	textUseBelow   = "Your intake continues below."
	textTrouble    = "I'm having trouble reaching my memory for a moment. Your answers so far are safe. Please try again in a minute. If you are in danger right now, call your local emergency number."
	maxCommunities = 25
)

// community is a set-up server a member shares with the bot.
type community struct{ id, name string }

// surface is where a member's intake is shown: their DMs, or messages only they can see in a server.
type surface interface {
	send(ctx context.Context, r rendered) (*discordgo.Message, error)
	ephemeral() bool
}

type dmSurface struct {
	api       discordAPI
	channelID string
}

func (s dmSurface) send(ctx context.Context, r rendered) (*discordgo.Message, error) {
	return s.api.ChannelMessageSendComplex(s.channelID, &discordgo.MessageSend{
		Content: r.content, Components: r.components, AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
}

func (dmSurface) ephemeral() bool { return false }

type ephemeralSurface struct{ r *responder }

func (s ephemeralSurface) send(ctx context.Context, r rendered) (*discordgo.Message, error) {
	return s.r.reply(ctx, r.content, r.components)
}

func (ephemeralSurface) ephemeral() bool { return true }

// surfaceFor is where the answer to an interaction goes: the DM it came from, or ephemeral messages in a server.
func (b *Bot) surfaceFor(r *responder) surface {
	if r.i.GuildID == "" {
		return dmSurface{api: b.api, channelID: r.i.ChannelID}
	}
	return ephemeralSurface{r: r}
}

// deliver sends rendered messages in order and remembers the last question with buttons, so that a typed answer
// can disable them. It returns how many were sent.
func (b *Bot) deliver(ctx context.Context, sid string, surf surface, msgs []rendered) (int, error) {
	var last *discordgo.Message
	var lastPrompt *prompt
	for i, m := range msgs {
		sent, err := surf.send(ctx, m)
		if err != nil {
			return i, fmt.Errorf("send message %d of %d: %w", i+1, len(msgs), err)
		}
		if m.prompt != nil {
			last, lastPrompt = sent, m.prompt
		}
	}
	if surf.ephemeral() {
		// Ephemeral questions are updated through the interactions that answer them.
		return len(msgs), nil
	}
	var err error
	if last != nil && lastPrompt != nil {
		data, _ := json.Marshal(lastPrompt)
		err = b.st.SetPrompt(ctx, sid, last.ChannelID, last.ID, data)
	} else {
		err = b.st.SetPrompt(ctx, sid, "", "", nil)
	}
	if err != nil {
		b.log.Warn("remember question", "err", err)
	}
	return len(msgs), nil
}

// disablePrompt disables the buttons of the member's last DM question, once they answered by typing.
func (b *Bot) disablePrompt(ctx context.Context, m store.Member) {
	if m.PromptMessage == "" || m.Mode == modeEphemeral || len(m.Prompt) == 0 {
		return
	}
	var p prompt
	if err := json.Unmarshal(m.Prompt, &p); err != nil {
		return
	}
	comps := p.components(true, nil)
	_, err := b.api.ChannelMessageEditComplex(&discordgo.MessageEdit{
		ID: m.PromptMessage, Channel: m.PromptChannel, Components: &comps, AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		b.log.Warn("disable answered question", "err", err)
	}
}

// handleDM answers a direct message: the engine reads it as the next answer.
func (b *Bot) handleDM(ctx context.Context, msg *discordgo.Message) {
	uid, sid := msg.Author.ID, sessionID(msg.Author.ID)
	log := b.log.With("event", "dm")
	meta, err := b.st.Member(ctx, sid)
	if err != nil {
		// The store is unreachable: the engine still answers kindly, with crisis resources when needed.
		log.Error("load member", "err", err)
	}
	if b.overLimit(ctx, log, msg, sid, meta.Community) {
		return
	}
	if err == nil && b.relayFromMember(ctx, log, msg, sid) {
		return
	}
	if err == nil && meta.Community == "" {
		b.dmWithoutCommunity(ctx, log, msg, meta)
		return
	}
	b.dmStep(ctx, log, msg, uid, sid, meta)
}

func (b *Bot) dmStep(ctx context.Context, log *slog.Logger, msg *discordgo.Message, uid, sid string, meta store.Member) {
	g := b.guildSettings(ctx, log, meta.Community)
	if b.blocked(ctx, log, meta.Community, uid) {
		b.answerBlocked(ctx, log, dmSurface{api: b.api, channelID: msg.ChannelID}, sid, g.Region, msg.Content)
		return
	}
	b.sendPendingAlert(ctx, log, uid, meta.Community, meta)
	in := flows.Input{SessionID: sid, EventID: "msg:" + msg.ID, Text: msg.Content, Community: meta.Community, Region: g.Region}
	reply, err := b.intake.Handle(ctx, in)
	if errors.Is(err, flows.ErrDuplicate) {
		return
	}
	if err != nil {
		log.Error("intake step failed", "err", err)
	} else {
		b.disablePrompt(ctx, meta)
		if meta.Mode != modeDM {
			if err := b.st.SetMode(ctx, sid, modeDM); err != nil {
				log.Warn("remember mode", "err", err)
			}
		}
	}
	b.queueTurn(ctx, log, uid, meta.Community, reply)
	if _, err := b.deliver(ctx, sid, dmSurface{api: b.api, channelID: msg.ChannelID}, renderMessages(reply.Messages, false)); err != nil {
		log.Error("reply in DM", "err", err)
	}
	b.endTurn(ctx, log, uid, reply)
}

// dmWithoutCommunity answers a DM from a member whose community is not known yet. Crisis screening comes
// first whatever else happens; then the member's only set-up community is picked, or they are asked which.
func (b *Bot) dmWithoutCommunity(ctx context.Context, log *slog.Logger, msg *discordgo.Message, meta store.Member) {
	uid, sid := msg.Author.ID, sessionID(msg.Author.ID)
	dm := dmSurface{api: b.api, channelID: msg.ChannelID}
	cands, err := b.communities(ctx, uid)
	if err != nil {
		log.Error("list communities", "err", err)
		b.dmStep(ctx, log, msg, uid, sid, meta) // the engine answers as best it can
		return
	}
	if len(cands) == 1 {
		if err := b.st.SetCommunity(ctx, sid, cands[0].id, modeDM); err != nil {
			log.Warn("remember community", "err", err)
		}
		meta.Community, meta.Mode = cands[0].id, modeDM
		b.dmStep(ctx, log, msg, uid, sid, meta)
		return
	}
	res := b.intake.Triage(msg.Content)
	risky := res.Risk != triage.RiskNone
	var out []rendered
	if len(cands) == 0 {
		if risky {
			out = append(out, renderMessages([]flows.Message{b.intake.CrisisMessage("", res)}, false)...)
		}
		out = append(out, rendered{content: textNoCommunity})
		if _, err := b.deliver(ctx, sid, dm, out); err != nil {
			log.Error("reply in DM", "err", err)
		}
		return
	}
	if risky {
		// The engine answers the crisis now and marks the intake urgent; its follow-up question is asked again
		// once the member has chosen their community.
		reply, err := b.intake.Handle(ctx, flows.Input{SessionID: sid, EventID: "msg:" + msg.ID, Text: msg.Content})
		if errors.Is(err, flows.ErrDuplicate) {
			return
		}
		if err != nil {
			log.Error("intake step failed", "err", err)
		}
		if reply.Alert != nil {
			b.raiseAlert(ctx, log, uid, "", reply.Alert, reply.Messages)
		}
		msgs := slices.Clone(reply.Messages)
		for i := range msgs {
			msgs[i].Choices = nil
		}
		out = append(out, renderMessages(msgs, false)...)
	}
	out = append(out, communityQuestion(cands))
	b.disablePrompt(ctx, meta)
	if _, err := b.deliver(ctx, sid, dm, out); err != nil {
		log.Error("reply in DM", "err", err)
	}
}

func communityQuestion(cands []community) rendered {
	p := &prompt{Kind: promptCommunity}
	for _, c := range cands {
		p.Choices = append(p.Choices, flows.Choice{ID: c.id, Label: c.name})
	}
	return rendered{content: textWhichCommunity, components: p.components(false, nil), prompt: p}
}

// communities lists the set-up servers a member belongs to. Membership is asked of Discord, one server at a
// time: the bot has no member list (that would need the privileged GUILD_MEMBERS intent). When Discord cannot
// say (an outage, a proxy without that route), servers whose membership is unknown are offered only if none is
// confirmed: a member can only DM the bot from a server they share with it.
//
// A complete answer that names at least one server is remembered for MembershipTTL, so that a member who has
// not chosen yet, or starts again, is not looked up on every DM; it no longer holds once the servers set up
// change. An answer naming none is not kept: a member who has just joined a server must not be told for
// minutes that they share none with the bot.
func (b *Bot) communities(ctx context.Context, userID string) ([]community, error) {
	ids, err := b.st.SetUpGuilds(ctx)
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	log := b.log.With("event", "membership")
	sid := sessionID(userID)
	var confirmed, unknown []community
	if member, ok := b.rememberedMemberships(ctx, log, sid, ids); ok {
		for _, id := range member {
			confirmed = append(confirmed, community{id: id})
		}
	} else {
		for _, id := range ids {
			if len(confirmed) == maxCommunities {
				break
			}
			err := b.checkMember(ctx, id, userID)
			switch {
			case err == nil:
				confirmed = append(confirmed, community{id: id})
			case restCode(err) == codeUnknownMember || restCode(err) == codeUnknownUser || restStatus(err) == http.StatusForbidden:
				// Not a member, or the bot is no longer in that server.
			default:
				log.Warn("check membership", "guild", id, "err", err)
				if len(unknown) < maxCommunities {
					unknown = append(unknown, community{id: id})
				}
			}
		}
		if len(unknown) == 0 && len(confirmed) > 0 {
			b.rememberMemberships(ctx, log, sid, ids, confirmed)
		}
	}
	out := confirmed
	if len(out) == 0 {
		out = unknown
	}
	if len(out) > 1 {
		for i := range out {
			out[i].name = "Server " + out[i].id
			if g, err := b.api.Guild(out[i].id, discordgo.WithContext(ctx)); err == nil && g.Name != "" {
				out[i].name = g.Name
			}
		}
	}
	return out, nil
}

// guildSettings loads a server's settings, or none when it cannot.
func (b *Bot) guildSettings(ctx context.Context, log *slog.Logger, guildID string) store.GuildSettings {
	if guildID == "" {
		return store.GuildSettings{}
	}
	g, _, err := b.st.Guild(ctx, guildID)
	if err != nil {
		log.Warn("load server settings", "err", err)
	}
	return g
}

// queueTurn queues what a turn hands to the moderators: a crisis alert (one per new kind of signal, as the
// engine raises them) and a handoff. It runs before the member's messages are sent, so that nothing a failure
// while sending could interrupt is lost.
func (b *Bot) queueTurn(ctx context.Context, log *slog.Logger, userID, community string, reply flows.Reply) {
	if a := reply.Alert; a != nil {
		b.raiseAlert(ctx, log, userID, community, a, reply.Messages)
	}
	if h := reply.Handoff; h != nil {
		b.enqueueHandoff(ctx, log, userID, community, h)
	}
	if community != "" && !reply.Deleted {
		// A server keeping data for less than the session TTL: the step just renewed the session's TTL.
		g := b.guildSettings(ctx, log, community)
		if err := b.st.CapMemberTTL(ctx, sessionID(userID), g.Retention()); err != nil {
			log.Warn("cap member TTL", "err", err)
		}
	}
}

// endTurn forgets the adapter's state once a conversation ended without a handoff, and everything about the
// member when they asked to be forgotten; it runs after the last message is sent, which would otherwise record
// the last question again.
func (b *Bot) endTurn(ctx context.Context, log *slog.Logger, userID string, reply flows.Reply) {
	switch {
	case reply.Forgotten:
		if err := b.forgetMember(ctx, log, userID); err != nil {
			log.Error("forget member", "err", err)
		}
	case reply.Deleted:
		if err := b.st.DeleteMember(ctx, sessionID(userID)); err != nil {
			log.Warn("delete member state", "err", err)
		}
	}
}

// cmdIntake starts or resumes an intake: in a server, it continues in DMs (or, when they are closed, in
// messages only the member sees); in a DM, right there.
func (b *Bot) cmdIntake(ctx context.Context, r *responder) {
	if err := r.deferEphemeral(ctx); err != nil {
		r.log.Error("acknowledge /intake", "err", err)
		return
	}
	uid, sid := r.userID(), sessionID(r.userID())
	gid := r.i.GuildID
	meta, merr := b.st.Member(ctx, sid)
	if merr != nil {
		r.log.Error("load member", "err", merr)
		b.replyText(ctx, r, textTrouble)
		return
	}
	if gid == "" {
		gid = meta.Community
		if gid == "" {
			b.intakeChooseCommunity(ctx, r, uid, sid, meta)
			return
		}
	}
	g, ok, err := b.st.Guild(ctx, gid)
	if err != nil {
		r.log.Error("load server settings", "err", err)
		b.replyText(ctx, r, textTrouble)
		return
	}
	if !ok || !g.SetUp() {
		b.replyText(ctx, r, textNotSetUp)
		return
	}
	if b.blocked(ctx, r.log, gid, uid) {
		b.replyText(ctx, r, textBlocked)
		return
	}
	if h, ok, err := b.st.MemberRelay(ctx, sid); err == nil && ok {
		b.replyText(ctx, r, strings.ReplaceAll(textInRelay, "{ref}", h.Ref))
		return
	}
	b.sendPendingAlert(ctx, r.log, uid, gid, meta)
	if gid != meta.Community {
		if err := b.st.SetCommunity(ctx, sid, gid, ""); err != nil {
			r.log.Warn("remember community", "err", err)
		}
	}
	reply, err := b.intake.Handle(ctx, flows.Input{
		SessionID: sid, EventID: "ia:" + r.i.ID, Command: flows.CommandOpen, Community: gid, Region: g.Region,
	})
	if errors.Is(err, flows.ErrDuplicate) {
		return
	}
	if err != nil {
		r.log.Error("intake step failed", "err", err)
	}
	b.open(ctx, r, uid, sid, gid, meta, reply)
}

// open shows the start of an intake: in the member's DMs when they are open, else in ephemeral messages.
func (b *Bot) open(ctx context.Context, r *responder, uid, sid, gid string, meta store.Member, reply flows.Reply) {
	log := r.log
	b.queueTurn(ctx, log, uid, gid, reply)
	defer b.endTurn(ctx, log, uid, reply)
	msgs := renderMessages(reply.Messages, false)
	channelID := r.i.ChannelID
	if r.i.GuildID != "" {
		ch, err := b.api.UserChannelCreate(uid, discordgo.WithContext(ctx))
		if err != nil {
			log.Warn("open DM channel", "err", err)
			channelID = ""
		} else {
			channelID = ch.ID
		}
	}
	if channelID != "" {
		b.disablePrompt(ctx, meta)
		sent, err := b.deliver(ctx, sid, dmSurface{api: b.api, channelID: channelID}, msgs)
		if err == nil || sent > 0 {
			if err != nil {
				log.Error("send intake in DM", "err", err)
			}
			if meta.Mode != modeDM {
				if err := b.st.SetMode(ctx, sid, modeDM); err != nil {
					log.Warn("remember mode", "err", err)
				}
			}
			if r.i.GuildID == "" {
				b.replyText(ctx, r, textUseBelow)
			} else {
				link := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "Open our DM", Style: discordgo.LinkButton, URL: dmLink(channelID)},
				}}}
				if _, err := r.reply(ctx, textSentDM, link); err != nil {
					log.Error("answer /intake", "err", err)
				}
			}
			return
		}
		if !dmClosed(err) {
			log.Warn("send intake in DM", "err", err)
		}
	}
	// The member's DMs are closed: the intake continues in messages only they can see.
	if err := b.st.SetMode(ctx, sid, modeEphemeral); err != nil {
		log.Warn("remember mode", "err", err)
	}
	out := append([]rendered{{content: textDMsClosed}}, renderMessages(reply.Messages, true)...)
	if _, err := b.deliver(ctx, sid, ephemeralSurface{r: r}, out); err != nil {
		log.Error("send intake in ephemeral messages", "err", err)
	}
}

// intakeChooseCommunity answers /intake in a DM from a member whose community is not known yet.
func (b *Bot) intakeChooseCommunity(ctx context.Context, r *responder, uid, sid string, meta store.Member) {
	cands, err := b.communities(ctx, uid)
	if err != nil {
		r.log.Error("list communities", "err", err)
		b.replyText(ctx, r, textTrouble)
		return
	}
	switch len(cands) {
	case 0:
		b.replyText(ctx, r, textNoCommunity)
		return
	case 1:
		g := b.guildSettings(ctx, r.log, cands[0].id)
		if err := b.st.SetCommunity(ctx, sid, cands[0].id, modeDM); err != nil {
			r.log.Warn("remember community", "err", err)
		}
		reply, err := b.intake.Handle(ctx, flows.Input{
			SessionID: sid, EventID: "ia:" + r.i.ID, Command: flows.CommandOpen, Community: cands[0].id, Region: g.Region,
		})
		if errors.Is(err, flows.ErrDuplicate) {
			return
		}
		if err != nil {
			r.log.Error("intake step failed", "err", err)
		}
		b.open(ctx, r, uid, sid, cands[0].id, meta, reply)
		return
	}
	b.disablePrompt(ctx, meta)
	if _, err := b.deliver(ctx, sid, dmSurface{api: b.api, channelID: r.i.ChannelID}, []rendered{communityQuestion(cands)}); err != nil {
		r.log.Error("ask which community", "err", err)
	}
	b.replyText(ctx, r, textUseBelow)
}

// replyText answers an interaction with one line only the member sees.
func (b *Bot) replyText(ctx context.Context, r *responder, text string) {
	if _, err := r.reply(ctx, text, nil); err != nil {
		r.log.Error("answer interaction", "err", err)
	}
}

// onChoice answers a click on a question's button or select menu.
func (b *Bot) onChoice(ctx context.Context, r *responder, state string, choices []string) {
	b.interactionStep(ctx, r, r.deferUpdate, flows.Input{State: state, Choices: choices}, choices)
}

// interactionStep reads an answer given through an interaction (a click or the answer modal) as the member's
// next step, acknowledging the interaction with ack if the work runs long, and shows the outcome.
func (b *Bot) interactionStep(ctx context.Context, r *responder, ack func(context.Context) error, in flows.Input, picked []string) {
	uid, sid := r.userID(), sessionID(r.userID())
	var (
		meta  store.Member
		reply flows.Reply
		err   error
	)
	r.beforeAck(ctx, ack, func(ctx context.Context) {
		var merr error
		meta, merr = b.st.Member(ctx, sid)
		if merr != nil {
			r.log.Warn("load member", "err", merr)
		}
		g := b.guildSettings(ctx, r.log, meta.Community)
		in.SessionID, in.EventID, in.Community, in.Region = sid, "ia:"+r.i.ID, meta.Community, g.Region
		reply, err = b.intake.Handle(ctx, in)
	})
	b.answered(ctx, r, uid, sid, meta, picked, reply, err)
}

// answered shows the outcome of an answer given through an interaction: the question disabled with the pick
// highlighted, then what the engine says next.
func (b *Bot) answered(ctx context.Context, r *responder, uid, sid string, meta store.Member, picked []string, reply flows.Reply, err error) {
	switch {
	case errors.Is(err, flows.ErrDuplicate):
		return
	case err != nil:
		// Nothing was applied: the question stays as it is and the member hears why.
		r.log.Error("intake step failed", "err", err)
		b.sendEphemeral(ctx, r, renderMessages(reply.Messages, false))
		return
	case reply.Stale:
		b.replyStale(ctx, r, meta, reply)
		return
	}
	if r.i.Message != nil {
		comps := disableComponents(r.i.Message.Components, picked)
		if err := r.update(ctx, r.i.Message.Content, comps); err != nil {
			r.log.Error("disable answered question", "err", err)
		}
	}
	b.queueTurn(ctx, r.log, uid, meta.Community, reply)
	surf := b.surfaceFor(r)
	if _, err := b.deliver(ctx, sid, surf, renderMessages(reply.Messages, surf.ephemeral())); err != nil {
		r.log.Error("send next question", "err", err)
	}
	b.endTurn(ctx, r.log, uid, reply)
}

// sendEphemeral sends messages only the member sees, without buttons.
func (b *Bot) sendEphemeral(ctx context.Context, r *responder, msgs []rendered) {
	for _, m := range msgs {
		if _, err := r.reply(ctx, m.content, nil); err != nil {
			r.log.Error("answer interaction", "err", err)
			return
		}
	}
}

// replyStale answers a click on a question that was already answered: a gentle note, and nothing changes.
func (b *Bot) replyStale(ctx context.Context, r *responder, meta store.Member, reply flows.Reply) {
	text := "That question has already been answered, so that button doesn't change anything now."
	if len(reply.Messages) > 0 && reply.Messages[0].Text != "" {
		text = reply.Messages[0].Text
	}
	if meta.PromptMessage != "" && meta.Mode != modeEphemeral && r.i.GuildID == "" {
		text += " [the current question](" + messageLink("", meta.PromptChannel, meta.PromptMessage) + ")"
	} else {
		text = strings.TrimSuffix(text, ":") // the current question is the last one with buttons
	}
	b.replyText(ctx, r, text)
}

// onTypeButton opens the modal for a typed answer.
func (b *Bot) onTypeButton(ctx context.Context, r *responder) {
	placeholder := ""
	if r.i.Message != nil {
		placeholder = truncate(lastLine(r.i.Message.Content), maxPlaceholder)
	}
	err := r.respond(ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{
			CustomID: idModal,
			Title:    "Your answer",
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{
					CustomID: modalAnswerID, Label: "Type your answer", Style: discordgo.TextInputParagraph,
					Placeholder: placeholder, Required: true, MaxLength: 1000,
				},
			}}},
		},
	})
	if err != nil {
		r.log.Error("open answer form", "err", err)
	}
}

func lastLine(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '\n' && i < len(s)-1 {
			return s[i+1:]
		}
	}
	return s
}

// onModal reads a typed answer from the answer modal, exactly as a typed DM.
func (b *Bot) onModal(ctx context.Context, r *responder, text string) {
	b.interactionStep(ctx, r, r.deferAny, flows.Input{Text: text}, nil)
}

// onCommunity records the community a member chose and starts (or resumes) their intake for it.
func (b *Bot) onCommunity(ctx context.Context, r *responder, guildID string) {
	uid, sid := r.userID(), sessionID(r.userID())
	var (
		meta    store.Member
		reply   flows.Reply
		err     error
		notUsed bool
		blocked bool
	)
	r.beforeAck(ctx, r.deferUpdate, func(ctx context.Context) {
		g, ok, gerr := b.st.Guild(ctx, guildID)
		if gerr == nil && (!ok || !g.SetUp()) {
			notUsed = true
			return
		}
		if b.blocked(ctx, r.log, guildID, uid) {
			blocked = true
			return
		}
		var merr error
		if meta, merr = b.st.Member(ctx, sid); merr != nil {
			r.log.Warn("load member", "err", merr)
		}
		b.sendPendingAlert(ctx, r.log, uid, guildID, meta)
		mode := meta.Mode
		if r.i.GuildID == "" {
			mode = modeDM
		}
		if serr := b.st.SetCommunity(ctx, sid, guildID, mode); serr != nil {
			r.log.Warn("remember community", "err", serr)
		}
		meta.Community = guildID
		// A store failure above shows here too: the engine answers kindly and the choice can be made again.
		reply, err = b.intake.Handle(ctx, flows.Input{
			SessionID: sid, EventID: "ia:" + r.i.ID, Command: flows.CommandOpen, Community: guildID, Region: g.Region,
		})
	})
	if notUsed {
		b.replyText(ctx, r, textNotSetUp)
		return
	}
	if blocked {
		b.replyText(ctx, r, textBlocked)
		return
	}
	b.answered(ctx, r, uid, sid, meta, []string{guildID}, reply, err)
}

// disableComponents returns a message's components disabled, with the picked buttons and options highlighted.
func disableComponents(comps []discordgo.MessageComponent, picked []string) []discordgo.MessageComponent {
	var out []discordgo.MessageComponent
	for _, c := range comps {
		var row *discordgo.ActionsRow
		switch v := c.(type) {
		case *discordgo.ActionsRow:
			row = v
		case discordgo.ActionsRow:
			row = &v
		default:
			continue
		}
		var inner []discordgo.MessageComponent
		for _, ic := range row.Components {
			switch v := ic.(type) {
			case *discordgo.Button:
				inner = append(inner, disableButton(*v, picked))
			case discordgo.Button:
				inner = append(inner, disableButton(v, picked))
			case *discordgo.SelectMenu:
				inner = append(inner, disableSelect(*v, picked))
			case discordgo.SelectMenu:
				inner = append(inner, disableSelect(v, picked))
			default:
				inner = append(inner, ic)
			}
		}
		out = append(out, discordgo.ActionsRow{Components: inner})
	}
	return out
}

func disableButton(b discordgo.Button, picked []string) discordgo.Button {
	if b.Style == discordgo.LinkButton {
		return b
	}
	b.Disabled = true
	b.Style = discordgo.SecondaryButton
	for _, p := range picked {
		if strings.HasSuffix(b.CustomID, "|"+p) || b.CustomID == idCommunity+":"+p {
			b.Style = discordgo.SuccessButton
		}
	}
	return b
}

func disableSelect(s discordgo.SelectMenu, picked []string) discordgo.SelectMenu {
	s.Disabled = true
	opts := make([]discordgo.SelectMenuOption, len(s.Options))
	for i, o := range s.Options {
		o.Default = slices.Contains(picked, o.Value)
		opts[i] = o
	}
	s.Options = opts
	return s
}

// textSlowDown is the one notice a member gets when they send messages faster than the limit.
const textSlowDown = "You're sending messages faster than I can take them in. Please wait a minute and send your " +
	"message again. If you are in danger right now, call your local emergency number."

// overLimit applies the rate limit to a direct message. Crisis detection still runs for a member over the
// limit: a flood never silences a person in danger.
func (b *Bot) overLimit(ctx context.Context, log *slog.Logger, msg *discordgo.Message, sid, guildID string) bool {
	if b.opts.Limiter == nil {
		return false
	}
	allowed, notice, err := b.opts.Limiter.Allow(ctx, msg.Author.ID, guildID)
	if err != nil {
		log.Warn("rate limit", "err", err)
	}
	if allowed {
		return false
	}
	var out []rendered
	if res := b.intake.Triage(msg.Content); res.Risk != triage.RiskNone {
		g := b.guildSettings(ctx, log, guildID)
		out = append(out, renderMessages([]flows.Message{b.intake.CrisisMessage(g.Region, res)}, false)...)
	}
	if notice {
		out = append(out, rendered{content: textSlowDown})
	}
	if len(out) > 0 {
		if _, err := b.deliver(ctx, sid, dmSurface{api: b.api, channelID: msg.ChannelID}, out); err != nil {
			log.Error("answer over the limit", "err", err)
		}
	}
	return true
}
