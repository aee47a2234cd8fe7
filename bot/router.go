package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Discord error codes the bot acts on.
const (
	codeCannotDM           = 50007 // Cannot send messages to this user (DMs closed, or the bot is blocked)
	codeUnknownMember      = 10007
	codeUnknownUser        = 10013
	codeUnknownInteraction = 10062
)

// restCode returns the Discord error code of a REST error, or 0.
func restCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}

// restStatus returns the HTTP status of a REST error, or 0.
func restStatus(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// dmClosed reports whether sending a DM failed because the member does not accept DMs from the bot.
func dmClosed(err error) bool {
	return restCode(err) == codeCannotDM || restStatus(err) == http.StatusForbidden
}

// route dispatches one interaction by command name or custom id. Each handler acknowledges the interaction
// within Discord's 3 seconds, deferring when its work may take longer.
func (b *Bot) route(ctx context.Context, r *responder) {
	i := r.i
	if b.interactionOverLimit(ctx, r) {
		return
	}
	if needsMemberLock(i) {
		unlock, err := b.lockMember(ctx, r)
		if err != nil {
			r.log.Error("interaction dropped: the member's previous event did not finish in time")
			return
		}
		defer unlock()
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		name := i.ApplicationCommandData().Name
		r.log = r.log.With("command", name)
		switch name {
		case "intake":
			b.cmdIntake(ctx, r)
		case "privacy":
			b.cmdPrivacy(ctx, r)
		case "fulcrum-setup":
			b.cmdSetup(ctx, r)
		case "handoffs":
			b.cmdHandoffs(ctx, r)
		default:
			r.reply(ctx, "That command is not one of mine any more.", nil)
		}
	case discordgo.InteractionMessageComponent:
		data := i.MessageComponentData()
		b.routeComponent(ctx, r, data.CustomID, data.Values)
	case discordgo.InteractionModalSubmit:
		data := i.ModalSubmitData()
		r.log = r.log.With("component", "modal")
		if strings.HasPrefix(data.CustomID, idHandoffModal) {
			b.onHandoffModal(ctx, r, strings.TrimPrefix(data.CustomID, idHandoffModal), data.Components)
			return
		}
		if data.CustomID != idModal {
			r.reply(ctx, "That form is no longer in use.", nil)
			return
		}
		b.onModal(ctx, r, modalValue(data.Components, modalAnswerID))
	}
}

// moderationInteraction reports whether an interaction is a moderator's action (a card button or form, the
// moderators' commands), counted in its own rate limit bucket rather than as a member's traffic.
func moderationInteraction(i *discordgo.Interaction) bool {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		name := i.ApplicationCommandData().Name
		return name == "fulcrum-setup" || name == "handoffs"
	case discordgo.InteractionMessageComponent:
		return strings.HasPrefix(i.MessageComponentData().CustomID, idHandoff)
	case discordgo.InteractionModalSubmit:
		return strings.HasPrefix(i.ModalSubmitData().CustomID, idHandoffModal)
	}
	return false
}

// needsMemberLock reports whether an interaction touches a member's intake, and so waits for their earlier
// events to finish: everything but moderators' actions, and the button that opens the answer form (it changes
// nothing, and a modal cannot follow a deferral).
func needsMemberLock(i *discordgo.Interaction) bool {
	if moderationInteraction(i) {
		return false
	}
	return i.Type != discordgo.InteractionMessageComponent || i.MessageComponentData().CustomID != idType
}

// lockMember waits for the member's earlier events to finish. When that takes longer than the interaction may
// wait unanswered, it acknowledges the interaction with a deferral first.
func (b *Bot) lockMember(ctx context.Context, r *responder) (func(), error) {
	slot, done := b.locks.get(r.userID())
	unlock := func() {
		<-slot
		done()
	}
	t := time.NewTimer(max(0, b.opts.AckAfter-time.Since(r.received)))
	defer t.Stop()
	select {
	case slot <- struct{}{}:
		return unlock, nil
	case <-t.C:
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
	if err := r.deferAny(ctx); err != nil {
		r.log.Error("acknowledge interaction", "err", err)
	}
	select {
	case slot <- struct{}{}:
		return unlock, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}

func (b *Bot) routeComponent(ctx context.Context, r *responder, customID string, values []string) {
	// Custom ids carry answers (a choice id): logs name the kind of component only.
	switch {
	case strings.HasPrefix(customID, idChoice), strings.HasPrefix(customID, idSelect):
		kind := "choice"
		if strings.HasPrefix(customID, idSelect) {
			kind = "select"
		}
		r.log = r.log.With("component", kind)
		if state, choices, ok := componentChoice(customID, values); ok {
			b.onChoice(ctx, r, state, choices)
			return
		}
	case customID == idType:
		r.log = r.log.With("component", "type")
		b.onTypeButton(ctx, r)
		return
	case customID == idCommunity || strings.HasPrefix(customID, idCommunity+":"):
		r.log = r.log.With("component", "community")
		gid := strings.TrimPrefix(strings.TrimPrefix(customID, idCommunity), ":")
		if gid == "" && len(values) > 0 {
			gid = values[0]
		}
		if gid != "" {
			b.onCommunity(ctx, r, gid)
			return
		}
	case customID == idForgetYes || customID == idForgetNo:
		r.log = r.log.With("component", "forget")
		b.onForget(ctx, r, customID == idForgetYes)
		return
	case strings.HasPrefix(customID, idHandoff):
		r.log = r.log.With("component", "handoff")
		b.onHandoffButton(ctx, r, strings.TrimPrefix(customID, idHandoff))
		return
	}
	r.log.Warn("unknown component")
	r.reply(ctx, "That button no longer does anything. If you'd like to talk, use /intake.", nil)
}

// componentChoice reads the answer a choice button or a select menu carries: the state it answers and the
// choice ids chosen. ok is false for any other component, and for one whose id does not parse.
func componentChoice(customID string, values []string) (state string, choices []string, ok bool) {
	switch {
	case strings.HasPrefix(customID, idChoice):
		state, choice, ok := parseStateID(strings.TrimPrefix(customID, idChoice))
		return state, []string{choice}, ok
	case strings.HasPrefix(customID, idSelect):
		state, _, ok := parseStateID(strings.TrimPrefix(customID, idSelect))
		return state, values, ok && len(values) > 0
	}
	return "", nil, false
}

// modalValue returns the value of a modal's text input.
func modalValue(rows []discordgo.MessageComponent, customID string) string {
	for _, row := range rows {
		var inner []discordgo.MessageComponent
		switch r := row.(type) {
		case *discordgo.ActionsRow:
			inner = r.Components
		case discordgo.ActionsRow:
			inner = r.Components
		}
		for _, c := range inner {
			switch t := c.(type) {
			case *discordgo.TextInput:
				if t.CustomID == customID {
					return t.Value
				}
			case discordgo.TextInput:
				if t.CustomID == customID {
					return t.Value
				}
			}
		}
	}
	return ""
}

// responder answers one interaction, remembering how it was acknowledged so that later answers use the
// right route: the first answer is the interaction callback; after a deferral, the original response is
// edited; after that, followups.
type responder struct {
	b        *Bot
	i        *discordgo.Interaction
	received time.Time
	log      *slog.Logger

	acked bool
	// deferredMessage: a "thinking" placeholder (type 5) is waiting to be replaced by the first reply.
	deferredMessage bool
	// deferredUpdate: the component's message was acknowledged (type 6) and not yet updated.
	deferredUpdate bool
}

func newResponder(b *Bot, i *discordgo.Interaction, received time.Time) *responder {
	r := &responder{b: b, i: i, received: received}
	r.log = b.log.With("event", "interaction", "guild", i.GuildID)
	return r
}

// userID is the id of whoever used the interaction.
func (r *responder) userID() string {
	if r.i.Member != nil && r.i.Member.User != nil {
		return r.i.Member.User.ID
	}
	if r.i.User != nil {
		return r.i.User.ID
	}
	return ""
}

func (r *responder) opt(ctx context.Context) discordgo.RequestOption {
	return discordgo.WithContext(ctx)
}

// respond sends the interaction callback.
func (r *responder) respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	err := r.b.api.InteractionRespond(r.i, resp, r.opt(ctx))
	if err != nil {
		if restCode(err) == codeUnknownInteraction {
			r.log.Error("interaction expired before it was answered", "within", time.Since(r.received))
		}
		return err
	}
	r.acked = true
	return nil
}

// deferEphemeral acknowledges with a placeholder only the member sees, to be replaced by reply.
func (r *responder) deferEphemeral(ctx context.Context) error {
	if r.acked {
		return nil
	}
	err := r.respond(ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	})
	if err == nil {
		r.deferredMessage = true
	}
	return err
}

// deferUpdate acknowledges a component or modal without changing its message yet.
func (r *responder) deferUpdate(ctx context.Context) error {
	if r.acked {
		return nil
	}
	err := r.respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
	if err == nil {
		r.deferredUpdate = true
	}
	return err
}

// deferAny acknowledges in the way that fits the interaction: a component's message may be updated later, a
// command gets a placeholder.
func (r *responder) deferAny(ctx context.Context) error {
	if r.i.Message != nil {
		return r.deferUpdate(ctx)
	}
	return r.deferEphemeral(ctx)
}

// update changes the message the component was used on: type 7, or an edit after a deferral.
func (r *responder) update(ctx context.Context, content string, components []discordgo.MessageComponent) error {
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	if r.deferredUpdate {
		r.deferredUpdate = false
		_, err := r.b.api.InteractionResponseEdit(r.i, &discordgo.WebhookEdit{
			Content: &content, Components: &components, AllowedMentions: noMentions(),
		}, r.opt(ctx))
		return err
	}
	if r.acked {
		return nil // answered some other way already; the message stays as it is.
	}
	return r.respond(ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{
			Content: content, Components: components, AllowedMentions: noMentions(),
		},
	})
}

// reply sends a message only the member sees: the callback itself, the deferred placeholder's replacement, or
// a followup. It returns the message when Discord gives it back (not for a callback).
func (r *responder) reply(ctx context.Context, content string, components []discordgo.MessageComponent) (*discordgo.Message, error) {
	return r.replyFiles(ctx, content, components, nil)
}

func (r *responder) replyFiles(ctx context.Context, content string, components []discordgo.MessageComponent, files []*discordgo.File) (*discordgo.Message, error) {
	content = truncate(content, maxContent)
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	switch {
	case !r.acked && len(files) == 0:
		return nil, r.respond(ctx, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content: content, Components: components, AllowedMentions: noMentions(),
				Flags: discordgo.MessageFlagsEphemeral,
			},
		})
	case !r.acked:
		if err := r.deferEphemeral(ctx); err != nil {
			return nil, err
		}
		fallthrough
	case r.deferredMessage:
		r.deferredMessage = false
		return r.b.api.InteractionResponseEdit(r.i, &discordgo.WebhookEdit{
			Content: &content, Components: &components, AllowedMentions: noMentions(), Files: files,
		}, r.opt(ctx))
	}
	return r.b.api.FollowupMessageCreate(r.i, true, &discordgo.WebhookParams{
		Content: content, Components: components, AllowedMentions: noMentions(), Files: files,
		Flags: discordgo.MessageFlagsEphemeral,
	}, r.opt(ctx))
}

// beforeAck runs work and, if it is not done when the interaction must be acknowledged, acknowledges it with
// ack first. work must not answer the interaction itself.
func (r *responder) beforeAck(ctx context.Context, ack func(context.Context) error, work func(context.Context)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		work(ctx)
	}()
	t := time.NewTimer(r.b.opts.AckAfter - time.Since(r.received))
	defer t.Stop()
	select {
	case <-done:
		return
	case <-t.C:
		if err := ack(ctx); err != nil {
			r.log.Error("acknowledge interaction", "err", err)
		}
		<-done
	}
}
