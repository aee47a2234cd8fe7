package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
	"github.com/fulcrum-intake/fulcrum/ops"
	"github.com/fulcrum-intake/fulcrum/store"
)

// Card colours: urgent red, routine blue.
const (
	colourUrgent  = 0xD93025
	colourRoutine = 0x3B82F6
)

// Outbox tuning.
const (
	// outboxLease is how long a claimed handoff is left to one attempt before another may take it.
	outboxLease = 2 * time.Minute
	// postTimeout bounds one attempt to post a card.
	postTimeout = 20 * time.Second
	// enqueueAttempts is how often the bot tries to queue a handoff before it gives up and logs it loudly.
	enqueueAttempts = 5
)

// card is a handoff card as kept in the outbox: the embed, rendered once; the mention is added at posting time,
// from the server's settings then.
type card struct {
	Ref    string                  `json:"ref"`
	Urgent bool                    `json:"urgent"`
	Embed  *discordgo.MessageEmbed `json:"embed"`
	// anonymous is whether the card hides the member; it is kept on the handoff record, not in the card.
	anonymous bool
}

// message is the card as posted. allowed_mentions lets nothing ping except the server's urgent role, and that
// only on an urgent handoff; the member's words are in the embed, which never pings, and are defanged anyway.
func (c card) message(g store.GuildSettings) *discordgo.MessageSend {
	am := noMentions()
	content := "New intake **" + c.Ref + "**."
	if c.Urgent {
		content = "🚨 Urgent intake **" + c.Ref + "**: a member may be at risk. Please reach out soon."
		if g.UrgentRole != "" {
			content = "<@&" + g.UrgentRole + "> " + content
			am.Roles = []string{g.UrgentRole}
		}
	}
	return &discordgo.MessageSend{Content: content, Embeds: []*discordgo.MessageEmbed{c.Embed}, AllowedMentions: am,
		Components: cardButtons(c.Ref, store.StateOpen)}
}

// renderCard builds the moderators' card for a handoff.
func (b *Bot) renderCard(h *flows.Handoff, userID string, g store.GuildSettings) card {
	f := b.intake.Flow()
	e := &discordgo.MessageEmbed{Color: colourRoutine}
	e.Title = "Intake " + h.Ref
	if h.Urgent {
		e.Title, e.Color = "🚨 URGENT intake "+h.Ref, colourUrgent
	}
	var desc strings.Builder
	if h.Urgent {
		desc.WriteString("**This member may be at risk.** They were shown crisis resources. Please reach out as soon as you can.\n\n")
	}
	desc.WriteString("**Key answers**")
	for _, l := range h.Lines {
		desc.WriteString("\n• **" + defang(l.Label) + "**: " + defang(l.Value))
	}

	member := "Anonymous member"
	anonymous := h.Anonymous
	if !flowAsksAnonymity(f) {
		anonymous = anonymous || g.AnonymousByDefault
	}
	if !anonymous && userID != "" {
		member = "<@" + userID + "> (user id " + userID + ")"
	}
	urgency := "Routine"
	if h.Urgent {
		urgency = "🔴 Urgent"
	}
	risks := make([]string, 0, len(h.Risks))
	for _, k := range h.Risks {
		risks = append(risks, strings.ReplaceAll(string(k), "_", " "))
	}
	var concerns, referrals []string
	for _, c := range h.Concerns {
		concerns = append(concerns, choiceLabel(f, concernState(f), string(c)))
	}
	var wants []string
	for _, w := range h.Wants {
		wants = append(wants, choiceLabel(f, fieldState(f, "wants"), w))
	}
	for _, r := range h.Referrals {
		referrals = append(referrals, r.Title)
	}
	field := func(name, value, none string, inline bool) *discordgo.MessageEmbedField {
		if strings.TrimSpace(value) == "" {
			value = none
		}
		return &discordgo.MessageEmbedField{Name: truncate(name, maxFieldName), Value: truncate(value, maxFieldValue), Inline: inline}
	}
	e.Fields = []*discordgo.MessageEmbedField{
		field("Member", member, "Unknown", true),
		field("Urgency", urgency, "Routine", true),
		field("Risk flags", strings.Join(risks, ", "), "None flagged", true),
		field("Concerns", strings.Join(concerns, "\n"), "Not given", false),
		field("What would help", strings.Join(wants, "\n"), "Not given", false),
		field("Contact preference", defang(h.Contact), "Not given", false),
		field("Referrals offered", strings.Join(referrals, "\n"), "None", false),
	}
	e.Footer = &discordgo.MessageEmbedFooter{Text: "fulcrum · reference " + h.Ref}
	created := h.Created
	if created.IsZero() {
		created = b.opts.Now()
	}
	e.Timestamp = created.UTC().Format(time.RFC3339)
	e.Title = truncate(e.Title, maxEmbedTitle)
	// The description takes what the other parts leave of the 6,000 characters an embed may hold.
	room := min(maxEmbedDesc, maxEmbedTotal-embedSize(e))
	e.Description = truncate(desc.String(), room)
	return card{Ref: h.Ref, Urgent: h.Urgent, Embed: e, anonymous: anonymous}
}

// embedSize counts the characters Discord counts towards an embed's 6,000.
func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	return n
}

func concernState(f *flows.Flow) *flows.State {
	for _, s := range f.States {
		if s.Concerns {
			return s
		}
	}
	return nil
}

func fieldState(f *flows.Flow, field string) *flows.State {
	for _, s := range f.States {
		if s.Field == field {
			return s
		}
	}
	return nil
}

func flowAsksAnonymity(f *flows.Flow) bool { return fieldState(f, "anonymous") != nil }

// choiceLabel is a choice's label in a state, or its id.
func choiceLabel(f *flows.Flow, st *flows.State, id string) string {
	if st != nil {
		for _, c := range st.Choices {
			if c.ID == id {
				return c.Label
			}
		}
	}
	if name := f.Msg("concern." + id); name != "" {
		return name
	}
	return id
}

// enqueueHandoff puts a completed intake in the outbox. The member has their summary and referrals already; the
// card reaches the moderators as soon as Discord takes it.
func (b *Bot) enqueueHandoff(ctx context.Context, log *slog.Logger, userID, community string, h *flows.Handoff) {
	gid := h.Community
	if gid == "" {
		gid = community
	}
	log = log.With("event", "handoff", "ref", h.Ref, "guild", gid)
	g := b.guildSettings(ctx, log, gid)
	c := b.renderCard(h, userID, g)
	data, err := json.Marshal(c)
	if err != nil {
		log.Error("encode handoff card", "err", err)
		return
	}
	created := h.Created
	if created.IsZero() {
		created = b.opts.Now()
	}
	rec := store.Handoff{Ref: h.Ref, SessionID: sessionID(userID), GuildID: gid, UserID: userID, Urgent: h.Urgent,
		Card: data, Created: created, Anonymous: c.anonymous}
	if h.Urgent {
		rec.RemindAt = created.Add(g.Reping())
	}
	// Losing a handoff is the one failure here that nobody would notice: retry briefly before giving up.
	for attempt := 1; ; attempt++ {
		err = b.st.EnqueueHandoff(ctx, rec, g.Retention())
		if err == nil || attempt == enqueueAttempts || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		}
	}
	if err != nil {
		log.Error("HANDOFF NOT QUEUED: the moderators will not receive it", "urgent", h.Urgent, "err", err)
		return
	}
	log.Info("handoff queued", "urgent", h.Urgent)
	b.nudgeOutbox()
}

// pendingAlert is a crisis alert kept until the member chooses their community: kinds and region, nothing
// they wrote.
type pendingAlert struct {
	Ref        string        `json:"ref"`
	Region     string        `json:"region,omitempty"`
	Kinds      []triage.Kind `json:"kinds"`
	ThirdParty bool          `json:"third_party,omitempty"`
	Anonymous  bool          `json:"anonymous,omitempty"`
	Created    int64         `json:"t"`
	// Shown lists the kinds of crisis resources the member was shown.
	Shown []string `json:"shown,omitempty"`
}

// raiseAlert tells a server's moderators at once that a member whose intake is not finished may be in danger,
// as the welcome promises ("if you tell me you are in danger, I alert the moderators straight away so a human
// can check in"). The engine raises one alert per new kind of signal; each becomes an urgent card through the
// outbox, pinging the urgent role. Without a community yet, the alert waits in the member's state.
func (b *Bot) raiseAlert(ctx context.Context, log *slog.Logger, userID, community string, a *flows.Alert, msgs []flows.Message) {
	p := pendingAlert{Ref: a.Ref, Region: a.Region, Kinds: a.Kinds, ThirdParty: a.ThirdParty, Anonymous: a.Anonymous,
		Created: a.Created.UnixMilli()}
	if a.Created.IsZero() {
		p.Created = b.opts.Now().UnixMilli()
	}
	for _, m := range msgs {
		for _, r := range m.Resources {
			c := strings.ReplaceAll(string(r.Category), "_", " ")
			if !slices.Contains(p.Shown, c) {
				p.Shown = append(p.Shown, c)
			}
		}
	}
	if a.Community != "" {
		community = a.Community
	}
	if community == "" {
		data, _ := json.Marshal(p)
		if err := b.st.SetPendingAlert(ctx, sessionID(userID), data); err != nil {
			log.Error("CRISIS ALERT NOT KEPT for after the community is chosen", "err", err)
		}
		return
	}
	b.sendAlert(ctx, userID, community, p)
}

// sendPendingAlert sends the alert a member raised before choosing their community, once they have.
func (b *Bot) sendPendingAlert(ctx context.Context, log *slog.Logger, userID, community string, meta store.Member) {
	if len(meta.PendingAlert) == 0 || community == "" {
		return
	}
	var p pendingAlert
	if err := json.Unmarshal(meta.PendingAlert, &p); err == nil && p.Ref != "" {
		b.sendAlert(ctx, userID, community, p)
	}
	if err := b.st.SetPendingAlert(ctx, sessionID(userID), nil); err != nil {
		log.Warn("clear pending alert", "err", err)
	}
}

// sendAlert queues an urgent alert card in the outbox.
func (b *Bot) sendAlert(ctx context.Context, userID, community string, p pendingAlert) {
	log := b.log.With("event", "crisis_alert", "guild", community, "ref", p.Ref)
	g := b.guildSettings(ctx, log, community)
	if !g.SetUp() {
		return
	}
	anonymous := p.Anonymous || g.AnonymousByDefault
	member := "<@" + userID + "> (user id " + userID + ")"
	if anonymous {
		member = "Anonymous member: reach them through the bot (claim this alert)"
	}
	var kinds []string
	for _, k := range p.Kinds {
		kinds = append(kinds, strings.ReplaceAll(string(k), "_", " "))
	}
	shown := "crisis resources"
	if len(p.Shown) > 0 {
		shown += " (" + strings.Join(p.Shown, ", ") + ")"
	}
	region := p.Region
	if region == "" {
		region = "international"
	}
	about := "the member themselves"
	if p.ThirdParty {
		about = "possibly someone else the member told us about"
	}
	created := time.UnixMilli(p.Created)
	e := &discordgo.MessageEmbed{
		Title: "🚨 URGENT: a member may be in danger",
		Color: colourUrgent,
		Description: "Something a member told fulcrum during their intake suggests they may be at risk right now. " +
			"fulcrum showed them " + shown + ". Their intake is not finished: if they send it, the full card follows. " +
			"Please check in with them as soon as you can.",
		Fields: []*discordgo.MessageEmbedField{
			{Name: "Member", Value: truncate(member, maxFieldValue)},
			{Name: "Signal", Value: truncate(strings.Join(kinds, ", "), maxFieldValue), Inline: true},
			{Name: "About", Value: about, Inline: true},
			{Name: "Region", Value: region, Inline: true},
		},
		Footer:    &discordgo.MessageEmbedFooter{Text: "fulcrum · alert " + p.Ref},
		Timestamp: created.UTC().Format(time.RFC3339),
	}
	data, _ := json.Marshal(card{Ref: p.Ref, Urgent: true, Embed: e})
	rec := store.Handoff{Ref: p.Ref, SessionID: sessionID(userID), GuildID: community, UserID: userID, Urgent: true,
		Card: data, Created: created, Alert: true, Anonymous: anonymous, RemindAt: created.Add(g.Reping())}
	if err := b.st.EnqueueHandoff(ctx, rec, g.Retention()); err != nil {
		log.Error("CRISIS ALERT NOT QUEUED", "err", err)
		return
	}
	log.Info("crisis alert queued")
	b.nudgeOutbox()
}

// runOutbox posts queued handoffs until ctx ends: at once when nudged, and every OutboxPoll for retries.
func (b *Bot) runOutbox(ctx context.Context) {
	t := time.NewTicker(b.opts.OutboxPoll)
	defer t.Stop()
	for {
		b.drainOutbox(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-b.wake:
		}
	}
}

// drainOutbox posts every handoff that is due.
func (b *Bot) drainOutbox(ctx context.Context) {
	b.drain(ctx, "read outbox", func() ([]store.Handoff, error) {
		return b.st.ClaimHandoffs(ctx, b.opts.Now(), outboxLease, 10)
	}, b.postHandoff)
}

// drain takes due handoffs in batches, each under a lease so that two processes never take the same one, and
// does its work on each until none is due.
func (b *Bot) drain(ctx context.Context, what string, due func() ([]store.Handoff, error), each func(context.Context, store.Handoff)) {
	for ctx.Err() == nil {
		hs, err := due()
		if err != nil {
			b.log.Warn(what, "err", err)
			return
		}
		if len(hs) == 0 {
			return
		}
		for _, h := range hs {
			each(ctx, h)
		}
	}
}

// postHandoff makes one attempt to post a card; a failure schedules the next attempt, later each time.
func (b *Bot) postHandoff(ctx context.Context, h store.Handoff) {
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
	log := b.log.With("event", "handoff", "ref", h.Ref, "guild", h.GuildID)
	if h.Attempts > 0 {
		b.opts.Metrics.HandoffRetried(urgencyOf(h))
	}
	fail := func(kind ops.FailReason, reason string, err error) {
		b.opts.Metrics.HandoffFailed(kind)
		next := b.opts.Now().Add(b.retryDelay(h.Attempts))
		log.Warn("handoff not posted; will retry", "attempt", h.Attempts+1, "reason", reason, "err", err,
			"retry_in", next.Sub(b.opts.Now()).Round(time.Millisecond))
		if err := b.st.HandoffFailed(ctx, h.Ref, next, reason); err != nil {
			log.Error("reschedule handoff", "err", err) // the lease runs out and it is tried again
		}
	}
	g, ok, err := b.st.Guild(ctx, h.GuildID)
	switch {
	case err != nil:
		fail(ops.FailOther, "settings unavailable", err)
		return
	case !ok || !g.SetUp():
		fail(ops.FailNotConfigured, "server not set up", nil)
		return
	}
	var c card
	if err := json.Unmarshal(h.Card, &c); err != nil || c.Embed == nil {
		// Cannot happen with cards this bot wrote; keep it for a person to look at rather than drop it.
		fail(ops.FailOther, "unreadable card", err)
		return
	}
	m, err := b.sendCard(ctx, g.ModeratorChannel, c.message(g), h.Ref)
	if err != nil {
		reason := "discord error"
		if code := restCode(err); code != 0 {
			reason = "discord code " + strconv.Itoa(code)
		} else if st := restStatus(err); st != 0 {
			reason = "discord status " + strconv.Itoa(st)
		}
		fail(failReason(err), reason, err)
		return
	}
	b.opts.Metrics.HandoffPosted(urgencyOf(h))
	if err := b.st.HandoffPosted(ctx, h.Ref, m.ChannelID, m.ID); err != nil {
		// The card is out; a retry within Discord's nonce window gets this card back, a later one posts it
		// twice, which beats losing it.
		log.Error("record posted handoff", "err", err)
		return
	}
	log.Info("handoff posted", "attempts", h.Attempts+1)
}

// sendCard posts a card with an enforced nonce made from its reference, so that an attempt made after one whose
// answer was lost (a timeout, a process killed mid-post) gets back the card Discord already created instead of
// making a second: Discord returns the earlier message for a repeated enforced nonce from the same author in
// "the past few minutes", and the outbox lease that separates two attempts is two. discordgo's MessageSend has
// no nonce fields, so the body is sent through its generic request with the same route and rate-limit bucket.
func (b *Bot) sendCard(ctx context.Context, channelID string, m *discordgo.MessageSend, ref string) (*discordgo.Message, error) {
	for _, e := range m.Embeds {
		if e.Type == "" {
			e.Type = discordgo.EmbedTypeRich
		}
	}
	body := struct {
		*discordgo.MessageSend
		Nonce        string `json:"nonce"`
		EnforceNonce bool   `json:"enforce_nonce"`
	}{m, cardNonce(ref), true}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	raw, err := b.api.RequestWithBucketID("POST", endpoint, body, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	var out discordgo.Message
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("decode posted card: %w", err)
	}
	return &out, nil
}

// cardNonce is the nonce of a handoff's card: the same for every attempt, and within Discord's 25 characters.
func cardNonce(ref string) string {
	n := "fulcrum-" + ref
	if len(n) > 25 {
		sum := sha256.Sum256([]byte(ref))
		n = "fulcrum-" + hex.EncodeToString(sum[:8])
	}
	return n
}

// retryDelay doubles from RetryBase with each failed attempt, up to RetryMax.
func (b *Bot) retryDelay(attempts int) time.Duration {
	d := b.opts.RetryBase
	for i := 0; i < attempts && d < b.opts.RetryMax; i++ {
		d *= 2
	}
	return min(d, b.opts.RetryMax)
}
