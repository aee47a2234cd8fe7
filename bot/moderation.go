package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
	"github.com/fulcrum-intake/fulcrum/store"
)

// Moderator actions on a handoff card. Their custom ids are idHandoff + action + ":" + ref; the modals they open
// are idHandoffModal + action + ":" + ref.
const (
	actClaim   = "claim"
	actResolve = "resolve"
	actNote    = "note"
	actBlock   = "block"
	actWrite   = "write"

	idHandoffModal = "fc:hm:"

	inputOutcome = "outcome"
	inputNote    = "note"
	inputMessage = "message"
)

// Resolution outcomes, as stored and as shown.
var outcomes = []struct{ id, label string }{
	{"referred", "Referred"},
	{"unreachable", "Member unreachable"},
	{"no_action", "No action needed"},
	{"other", "Other"},
}

// Texts moderators and members see.
const (
	textNotModerator = "Only this server's moderators (the moderator role, or Manage Server) can act on handoffs."
	textNoHandoff    = "I can't find that handoff any more: it may have expired, or the member asked for their data to be deleted."
	textStoreDown    = "I can't reach my storage right now, so nothing changed. Please try again in a minute."
	textBlocked      = "You can't start an intake in this community right now. " +
		"If you are in danger right now, please call your local emergency number, or find a crisis line near you at <https://findahelpline.com>."
	textInRelay = "You're in touch with a moderator about your request {ref}: write to them in our DMs, and I'll pass it on. " +
		"Once they close the conversation you can start a new intake."
	// overdueAfter is how long an ordinary handoff may wait unclaimed before the queue calls it overdue.
	overdueAfter = 24 * time.Hour
)

// isModerator reports whether whoever used an interaction may act on handoffs: the server's moderator role, or
// Manage Server (or Administrator).
func isModerator(i *discordgo.Interaction, g store.GuildSettings) bool {
	if i.Member == nil || i.GuildID == "" {
		return false
	}
	return canManage(i) || (g.ModeratorRole != "" && slices.Contains(i.Member.Roles, g.ModeratorRole))
}

// displayName is the name a member shows in a server.
func displayName(m *discordgo.Member) string {
	switch {
	case m == nil || m.User == nil:
		return "A moderator"
	case m.Nick != "":
		return m.Nick
	case m.User.GlobalName != "":
		return m.User.GlobalName
	}
	return m.User.Username
}

// cardButtons are the moderator actions a card offers in a state.
func cardButtons(ref, state string) []discordgo.MessageComponent {
	btn := func(action, label string, style discordgo.ButtonStyle) discordgo.MessageComponent {
		return discordgo.Button{CustomID: idHandoff + action + ":" + ref, Label: label, Style: style}
	}
	var row []discordgo.MessageComponent
	switch state {
	case store.StateOpen:
		row = append(row, btn(actClaim, "Claim", discordgo.PrimaryButton), btn(actResolve, "Resolve", discordgo.SuccessButton))
	case store.StateClaimed:
		row = append(row, btn(actResolve, "Resolve", discordgo.SuccessButton))
	}
	row = append(row, btn(actNote, "Add note", discordgo.SecondaryButton))
	if state != store.StateResolved {
		row = append(row, btn(actBlock, "Block member", discordgo.DangerButton))
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

// outcomeLabel is how an outcome id shows.
func outcomeLabel(id string) string {
	for _, o := range outcomes {
		if o.id == id {
			return o.label
		}
	}
	return id
}

// parseOutcome reads the outcome a moderator typed: an id, a label, or words close to one; anything else is
// "other".
func parseOutcome(s string) string {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.NewReplacer("_", " ", "-", " ").Replace(n)
	switch {
	case strings.HasPrefix(n, "refer"):
		return "referred"
	case strings.Contains(n, "unreach"), strings.Contains(n, "no answer"), strings.Contains(n, "no reply"):
		return "unreachable"
	case strings.HasPrefix(n, "no action"), n == "none", strings.HasPrefix(n, "nothing"), strings.HasPrefix(n, "not needed"):
		return "no_action"
	}
	return "other"
}

// ago says how long ago t was, briefly.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

// cardView is a handoff's card as it now stands: the card as rendered at handoff time, with its status.
func (b *Bot) cardView(h store.Handoff, notes int) []*discordgo.MessageEmbed {
	var c card
	if err := json.Unmarshal(h.Card, &c); err != nil || c.Embed == nil {
		c.Embed = &discordgo.MessageEmbed{Title: "Intake " + h.Ref}
	}
	e := *c.Embed
	e.Fields = slices.Clone(e.Fields)
	now := b.opts.Now()
	status := "🟠 Unclaimed"
	switch h.State {
	case store.StateClaimed:
		status = fmt.Sprintf("🟡 Claimed by <@%s> <t:%d:R>", h.ClaimedBy, h.ClaimedAt.Unix())
	case store.StateResolved:
		status = fmt.Sprintf("✅ Resolved by <@%s> <t:%d:R>: %s", h.ResolvedBy, h.ResolvedAt.Unix(), outcomeLabel(h.Outcome))
		e.Color = 0x6B7280
		e.Title = truncate("✅ "+e.Title, maxEmbedTitle)
	default:
		if !h.Urgent && now.Sub(h.Created) > overdueAfter {
			status = "⏰ Unclaimed and overdue"
		}
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Status", Value: status})
	if h.Thread != "" {
		relay := "<#" + h.Thread + ">"
		if h.State == store.StateResolved {
			relay += " (closed)"
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Relay to the member", Value: relay, Inline: true})
	}
	if notes > 0 {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Notes",
			Value: fmt.Sprintf("%d (see `/handoffs show ref:%s`)", notes, h.Ref), Inline: true})
	}
	e.Fields = e.Fields[:min(len(e.Fields), maxEmbedFields)]
	// The status fields come out of the description's room.
	desc := e.Description
	e.Description = ""
	e.Description = truncate(desc, min(maxEmbedDesc, maxEmbedTotal-embedSize(&e)))
	return []*discordgo.MessageEmbed{&e}
}

// refreshCard redraws a handoff's card in the moderator channel, outside any interaction on it.
func (b *Bot) refreshCard(ctx context.Context, log *slog.Logger, h store.Handoff) {
	if !h.Posted() {
		return
	}
	notes, _ := b.st.Notes(ctx, h.Ref)
	embeds := b.cardView(h, len(notes))
	comps := cardButtons(h.Ref, h.State)
	_, err := b.api.ChannelMessageEditComplex(&discordgo.MessageEdit{
		ID: h.MessageID, Channel: h.ChannelID, Embeds: &embeds, Components: &comps, AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx))
	if err != nil {
		log.Warn("update handoff card", "err", err)
	}
}

// updateCard redraws the card an interaction came from: the interaction's own update when it has not been
// answered yet, else an edit of the message. An interaction from another message (a relay thread's button)
// redraws the card by its recorded place.
func (b *Bot) updateCard(ctx context.Context, r *responder, h store.Handoff) {
	notes, _ := b.st.Notes(ctx, h.Ref)
	embeds := b.cardView(h, len(notes))
	comps := cardButtons(h.Ref, h.State)
	var err error
	switch {
	// A click can come from the card before the outbox has recorded where it posted it (a moderator quick on
	// a fresh card): the interaction's own message is then the card, as its custom id names this handoff.
	case r.i.Message == nil || (h.MessageID != "" && r.i.Message.ID != h.MessageID):
		b.refreshCard(ctx, r.log, h)
		return
	case r.deferredUpdate:
		r.deferredUpdate = false
		_, err = b.api.InteractionResponseEdit(r.i, &discordgo.WebhookEdit{
			Embeds: &embeds, Components: &comps, AllowedMentions: noMentions(),
		}, r.opt(ctx))
	case !r.acked:
		err = r.respond(ctx, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: r.i.Message.Content, Embeds: embeds, Components: comps,
				AllowedMentions: noMentions()},
		})
	default:
		b.refreshCard(ctx, r.log, h)
		return
	}
	if err != nil {
		r.log.Error("update handoff card", "err", err)
	}
}

// moderatorHandoff loads a handoff a moderator acts on and checks the moderator may: it answers the interaction
// itself and returns false when not.
func (b *Bot) moderatorHandoff(ctx context.Context, r *responder, ref string) (store.Handoff, store.GuildSettings, bool) {
	g, _, err := b.st.Guild(ctx, r.i.GuildID)
	if err != nil {
		r.log.Error("load server settings", "err", err)
		b.replyText(ctx, r, textStoreDown)
		return store.Handoff{}, g, false
	}
	if !isModerator(r.i, g) {
		r.log.Info("moderator action refused: not a moderator")
		b.replyText(ctx, r, textNotModerator)
		return store.Handoff{}, g, false
	}
	h, ok, err := b.st.Handoff(ctx, ref)
	switch {
	case err != nil:
		r.log.Error("load handoff", "err", err)
		b.replyText(ctx, r, textStoreDown)
		return h, g, false
	case !ok || h.GuildID != r.i.GuildID:
		b.replyText(ctx, r, textNoHandoff)
		return h, g, false
	}
	return h, g, true
}

// onHandoffButton handles a moderator's click on a card (or relay thread) button.
func (b *Bot) onHandoffButton(ctx context.Context, r *responder, tail string) {
	action, h, g, ok := b.handoffAction(ctx, r, tail, "That button no longer does anything.")
	if !ok {
		return
	}
	ref := h.Ref
	switch action {
	case actClaim:
		b.claim(ctx, r, h, g)
	case actResolve:
		if h.State == store.StateResolved {
			b.replyText(ctx, r, "This handoff is already resolved.")
			return
		}
		b.openModal(ctx, r, idHandoffModal+actResolve+":"+ref, "Resolve "+ref,
			discordgo.TextInput{CustomID: inputOutcome, Label: "Outcome", Style: discordgo.TextInputShort,
				Placeholder: "referred, unreachable, no action, or other", Value: "referred", Required: true, MaxLength: 40},
			discordgo.TextInput{CustomID: inputNote, Label: "Note for moderators (optional)", Style: discordgo.TextInputParagraph,
				Required: false, MaxLength: 1000})
	case actNote:
		b.openModal(ctx, r, idHandoffModal+actNote+":"+ref, "Note on "+ref,
			discordgo.TextInput{CustomID: inputNote, Label: "Note (moderators only)", Style: discordgo.TextInputParagraph,
				Required: true, MaxLength: 1000})
	case actWrite:
		if _, ok, _ := b.st.RelayByThread(ctx, h.Thread); !ok || h.Thread == "" {
			b.replyText(ctx, r, "This conversation is closed: the handoff was resolved.")
			return
		}
		b.openModal(ctx, r, idHandoffModal+actWrite+":"+ref, "Write to the member",
			discordgo.TextInput{CustomID: inputMessage, Label: "Message", Style: discordgo.TextInputParagraph,
				Required: true, MaxLength: 1500})
	case actBlock:
		b.block(ctx, r, h, g)
	default:
		b.replyText(ctx, r, "That button no longer does anything.")
	}
}

// handoffAction reads "<action>:<ref>" from a card's button or form and checks that the person may act on that
// handoff, answering them itself when not.
func (b *Bot) handoffAction(ctx context.Context, r *responder, tail, stale string) (string, store.Handoff, store.GuildSettings, bool) {
	action, ref, ok := strings.Cut(tail, ":")
	if !ok || ref == "" {
		b.replyText(ctx, r, stale)
		return "", store.Handoff{}, store.GuildSettings{}, false
	}
	r.log = r.log.With("action", action, "ref", ref)
	h, g, ok := b.moderatorHandoff(ctx, r, ref)
	return action, h, g, ok
}

// openModal answers an interaction with a form.
func (b *Bot) openModal(ctx context.Context, r *responder, customID, title string, inputs ...discordgo.TextInput) {
	var rows []discordgo.MessageComponent
	for _, in := range inputs {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{in}})
	}
	err := r.respond(ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{CustomID: customID, Title: truncate(title, maxModalTitle), Components: rows},
	})
	if err != nil {
		r.log.Error("open form", "err", err)
	}
}

// onHandoffModal handles a submitted moderator form.
func (b *Bot) onHandoffModal(ctx context.Context, r *responder, tail string, rows []discordgo.MessageComponent) {
	action, h, g, ok := b.handoffAction(ctx, r, tail, "That form is no longer in use.")
	if !ok {
		return
	}
	switch action {
	case actResolve:
		b.resolve(ctx, r, h, g, parseOutcome(modalValue(rows, inputOutcome)), modalValue(rows, inputNote))
	case actNote:
		b.note(ctx, r, h, g, modalValue(rows, inputNote))
	case actWrite:
		b.relayToMember(ctx, r, h, g, modalValue(rows, inputMessage))
	default:
		b.replyText(ctx, r, "That form is no longer in use.")
	}
}

// claim records that a moderator took a handoff, updates the card, tells the member a moderator will reach out,
// and opens the relay thread.
func (b *Bot) claim(ctx context.Context, r *responder, h store.Handoff, g store.GuildSettings) {
	uid := r.userID()
	var (
		claimed store.Handoff
		err     error
	)
	r.beforeAck(ctx, r.deferUpdate, func(ctx context.Context) {
		claimed, err = b.st.ClaimHandoff(ctx, h.Ref, uid, b.opts.Now())
	})
	var se *store.StateError
	switch {
	case errors.As(err, &se) && se.Handoff.State == store.StateResolved:
		b.replyText(ctx, r, "This handoff is already resolved.")
		return
	case errors.As(err, &se):
		b.replyText(ctx, r, fmt.Sprintf("<@%s> already claimed this handoff.", se.Handoff.ClaimedBy))
		return
	case errors.Is(err, store.ErrNotFound):
		b.replyText(ctx, r, textNoHandoff)
		return
	case err != nil:
		r.log.Error("claim handoff", "err", err)
		b.replyText(ctx, r, textStoreDown)
		return
	}
	first := h.State == store.StateOpen
	if first {
		b.opts.Metrics.HandoffClaimed(urgencyOf(claimed), claimed.ClaimedAt.Sub(claimed.Created))
		b.audit(ctx, r.log, g, uid, "claimed", h.Ref, "")
	}
	// The card first: the click is answered at once, and the Discord calls of the relay come after.
	b.updateCard(ctx, r, claimed)
	var outcome []string
	if first || claimed.Thread == "" {
		outcome = b.startRelay(ctx, r, &claimed, g)
		if claimed.Thread != "" {
			b.refreshCard(ctx, r.log, claimed)
		}
	}
	text := "You claimed **" + h.Ref + "**."
	if !first {
		text = "You had already claimed **" + h.Ref + "**."
	}
	if claimed.Thread != "" {
		text += " Write to the member from <#" + claimed.Thread + ">."
	}
	if len(outcome) > 0 {
		text += "\n" + strings.Join(outcome, "\n")
	}
	b.replyText(ctx, r, text)
	r.log.Info("handoff claimed")
}

// moderatorName is how a moderator is named to members: by name when the server allows it, else "a moderator".
func moderatorName(g store.GuildSettings, m *discordgo.Member) string {
	if g.ShowModeratorNames {
		return defang(displayName(m))
	}
	return ""
}

// resolve closes a handoff with an outcome and a note, ends its relay and closes the member's session.
func (b *Bot) resolve(ctx context.Context, r *responder, h store.Handoff, g store.GuildSettings, outcome, note string) {
	uid := r.userID()
	var (
		res store.Handoff
		err error
	)
	r.beforeAck(ctx, r.deferAny, func(ctx context.Context) {
		res, err = b.st.ResolveHandoff(ctx, h, uid, b.opts.Now(), outcome, store.Note{By: uid, At: b.opts.Now(), Text: note})
	})
	var se *store.StateError
	switch {
	case errors.As(err, &se):
		b.replyText(ctx, r, "This handoff is already resolved.")
		return
	case errors.Is(err, store.ErrNotFound):
		b.replyText(ctx, r, textNoHandoff)
		return
	case err != nil:
		r.log.Error("resolve handoff", "err", err)
		b.replyText(ctx, r, textStoreDown)
		return
	}
	detail := "outcome: " + outcomeLabel(outcome)
	if strings.TrimSpace(note) != "" {
		detail += ", with a note"
	}
	b.audit(ctx, r.log, g, uid, "resolved", h.Ref, detail)
	b.updateCard(ctx, r, res)
	b.endRelay(ctx, r.log, res)
	b.closeSession(ctx, r.log, res)
	b.replyText(ctx, r, "Resolved **"+h.Ref+"** ("+outcomeLabel(outcome)+").")
	r.log.Info("handoff resolved", "outcome", outcome)
}

// closeSession deletes the member's intake session once its handoff is resolved, unless they have started
// another intake since.
func (b *Bot) closeSession(ctx context.Context, log *slog.Logger, h store.Handoff) {
	if h.Alert {
		return // an alert belongs to an intake that may still be running
	}
	err := b.st.Update(ctx, h.SessionID, "", func(s *flows.Session) (*flows.Session, error) {
		if s != nil && s.Done && s.Ref == h.Ref {
			return nil, nil
		}
		return s, nil
	})
	if err != nil {
		log.Warn("close the member's session", "err", err)
	}
}

// note keeps a moderator's note with a handoff.
func (b *Bot) note(ctx context.Context, r *responder, h store.Handoff, g store.GuildSettings, text string) {
	uid := r.userID()
	if strings.TrimSpace(text) == "" {
		b.replyText(ctx, r, "An empty note was not kept.")
		return
	}
	var err error
	r.beforeAck(ctx, r.deferAny, func(ctx context.Context) {
		err = b.st.AddNote(ctx, h.Ref, store.Note{By: uid, At: b.opts.Now(), Text: text})
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		b.replyText(ctx, r, textNoHandoff)
		return
	case err != nil:
		r.log.Error("add note", "err", err)
		b.replyText(ctx, r, textStoreDown)
		return
	}
	b.audit(ctx, r.log, g, uid, "noted", h.Ref, "")
	b.updateCard(ctx, r, h)
	b.replyText(ctx, r, "Note kept with **"+h.Ref+"** (moderators only).")
}

// block stops the member of a handoff from starting intakes in this server; crisis resources still reach them.
func (b *Bot) block(ctx context.Context, r *responder, h store.Handoff, g store.GuildSettings) {
	uid := r.userID()
	if err := b.st.BlockMember(ctx, g.GuildID, h.UserID, store.Block{By: uid, At: b.opts.Now(), Ref: h.Ref}, g.Retention()); err != nil {
		r.log.Error("block member", "err", err)
		b.replyText(ctx, r, textStoreDown)
		return
	}
	b.audit(ctx, r.log, g, uid, "blocked", h.Ref, "")
	b.replyText(ctx, r, fmt.Sprintf("The member of **%s** can no longer start an intake here (crisis resources still reach them). "+
		"The block lasts %d days; lift it with `/handoffs unblock ref:%s`.", h.Ref, int(g.Retention().Hours()/24), h.Ref))
	r.log.Info("member blocked")
}

// unblock lifts a block.
func (b *Bot) unblock(ctx context.Context, r *responder, h store.Handoff, g store.GuildSettings) {
	uid := r.userID()
	had, err := b.st.UnblockMember(ctx, g.GuildID, h.UserID)
	if err != nil {
		r.log.Error("unblock member", "err", err)
		b.replyText(ctx, r, textStoreDown)
		return
	}
	if !had {
		b.replyText(ctx, r, "The member of **"+h.Ref+"** is not blocked.")
		return
	}
	b.audit(ctx, r.log, g, uid, "unblocked", h.Ref, "")
	b.replyText(ctx, r, "The member of **"+h.Ref+"** can use the intake again.")
}

// blocked reports whether a member is blocked from a server's intake. When the store cannot say, they are not:
// a block keeps out spam, and must never keep someone in danger from being heard.
func (b *Bot) blocked(ctx context.Context, log *slog.Logger, guildID, userID string) bool {
	if guildID == "" {
		return false
	}
	v, err := b.st.Blocked(ctx, guildID, userID)
	if err != nil {
		log.Warn("check block", "err", err)
	}
	return v
}

// answerBlocked answers a blocked member: crisis resources when what they wrote shows risk, and a short note.
func (b *Bot) answerBlocked(ctx context.Context, log *slog.Logger, surf surface, sid, region, text string) {
	var out []rendered
	if text != "" {
		if res := b.intake.Triage(text); res.Risk != triage.RiskNone {
			out = append(out, renderMessages([]flows.Message{b.intake.CrisisMessage(region, res)}, false)...)
		}
	}
	out = append(out, rendered{content: textBlocked})
	if _, err := b.deliver(ctx, sid, surf, out); err != nil {
		log.Error("answer blocked member", "err", err)
	}
}
