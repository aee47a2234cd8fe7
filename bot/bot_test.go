package bot

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/bot/discordtest"
	"github.com/fulcrum-intake/fulcrum/flows"
)

// workIntake is an intake about a manager, answered by clicks except where text is given.
func workIntake(anythingElse string) []step {
	return []step{
		{state: "welcome", choices: []string{"start"}},
		{state: "risk_wish", choices: []string{"no"}},
		{state: "risk_behaviour", choices: []string{"no"}},
		{state: "safe_now", text: "I'm safe"},
		{state: "age", choices: []string{"no"}},
		{state: "concern", choices: []string{"workplace"}},
		{state: "work_who", choices: []string{"manager"}},
		{state: "work_power", choices: []string{"fire", "position"}},
		{state: "work_harm", choices: []string{"bullying"}},
		{state: "work_retaliation", choices: []string{"yes"}},
		{state: "work_tried", choices: []string{"hr"}},
		{state: "impact_level", choices: []string{"lot"}},
		{state: "impact_duration", choices: []string{"months"}},
		{state: "wants", choices: []string{"moderator", "therapist"}},
		{state: "contact", choices: []string{"dm"}},
		{state: "anonymity", choices: []string{"named"}},
		{state: "anything_else", text: anythingElse},
		{state: "review", choices: []string{"send"}},
	}
}

func channelOption(name, id string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionChannel, Value: id}
}

func roleOption(name, id string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionRole, Value: id}
}

// waitOriginal waits until an interaction's original response contains text.
func (h *harness) waitOriginal(ia *discordtest.Interaction, text string) discordtest.Message {
	h.t.Helper()
	var m discordtest.Message
	err := h.fake.WaitFor(h.ctx(), func() bool {
		var ok bool
		m, ok = h.fake.OriginalResponse(ia.ID)
		return ok && strings.Contains(m.Content, text)
	})
	if err != nil {
		h.t.Fatalf("original response of %s never contained %q (now %q): %v", ia.Name, text, m.Content, err)
	}
	return m
}

func TestDMIntakeEndsInCard(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", false)

	// The owner sets the server up with the slash command.
	ia := h.fake.SlashCommand(s.id, s.owner, "fulcrum-setup", discordtest.SubcommandOption("set",
		channelOption("moderator_channel", s.mods), roleOption("urgent_role", s.urgentRole),
		discordtest.StringOption("region", "uk"), discordtest.IntegerOption("retention_days", 14)))
	if m := h.waitOriginal(ia, "Saved"); !m.Ephemeral() {
		t.Error("setup answer is not ephemeral")
	}
	g, ok, err := h.st.Guild(context.Background(), s.id)
	if err != nil || !ok || g.ModeratorChannel != s.mods || g.Region != "GB" || g.RetentionDays != 14 || g.UrgentRole != s.urgentRole {
		t.Fatalf("settings after setup = %+v, %v, %v", g, ok, err)
	}

	member := h.addMember(s, "sofia")
	dm := h.fake.DMChannelID(member)
	h.fake.SendDM(member, "hi")
	const secret = "zebra-7 he reads my DMs"
	h.walk(member, workIntake(secret))

	done := h.waitContent(dm, "Thank you for trusting us")
	if !strings.Contains(done.Content, "F-") {
		t.Errorf("the member's last message has no reference: %q", done.Content)
	}
	all := strings.Join(contents(h.botMessages(dm)), "\n")
	if !strings.Contains(all, "Support you can reach right now") || !strings.Contains(all, "Workplace rights") {
		t.Errorf("the member did not get their referrals at once:\n%s", truncate(all, 3000))
	}

	card := h.waitCard(s.mods)
	if len(card.Embeds) != 1 {
		t.Fatalf("card has %d embeds", len(card.Embeds))
	}
	e := card.Embeds[0]
	ref := refOf(done.Content)
	if !strings.Contains(e.Title, ref) || !strings.Contains(card.Content, ref) {
		t.Errorf("card title %q / content %q do not carry the reference %s", e.Title, card.Content, ref)
	}
	fields := map[string]string{}
	for _, f := range e.Fields {
		fields[f.Name] = f.Value
	}
	for name, want := range map[string]string{
		"Member":             "<@" + member + ">",
		"Concerns":           "Work",
		"What would help":    "therapist",
		"Contact preference": "A moderator can message me",
		"Risk flags":         "None flagged",
		"Referrals offered":  "Workplace rights",
		"Urgency":            "Routine",
	} {
		if !strings.Contains(fields[name], want) {
			t.Errorf("card field %q = %q, want it to contain %q", name, fields[name], want)
		}
	}
	if !strings.Contains(e.Description, "zebra-7") || !strings.Contains(e.Description, "Who holds power") {
		t.Errorf("card description lacks the key answers: %q", e.Description)
	}
	h.noPings(card, "the card")

	// The question answered by typing had its buttons disabled.
	for _, m := range h.botMessages(dm) {
		if !strings.HasPrefix(m.Content, h.question("safe_now")) {
			continue
		}
		for _, c := range componentsOf(m) {
			if !c.Disabled {
				t.Errorf("safe_now button %s still enabled after a typed answer", c.CustomID)
			}
		}
	}
	for _, m := range h.botMessages(dm) {
		h.noPings(m, "a DM")
	}
	if strings.Contains(h.logs.String(), "zebra-7") {
		t.Error("a log line holds what the member typed")
	}
	// The bot records the post once Discord has answered, which may be just after the card is visible.
	h.eventually("the handoff is recorded as posted", func() bool {
		rec, ok, err := h.st.Handoff(context.Background(), ref)
		return err == nil && ok && rec.Posted()
	})
	rec, ok, err := h.st.Handoff(context.Background(), ref)
	if err != nil || !ok || !rec.Posted() || rec.GuildID != s.id || rec.UserID != member {
		t.Errorf("stored handoff = %+v, %v, %v", rec, ok, err)
	}
}

func contents(msgs []discordtest.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Content)
	}
	return out
}

// refOf finds a handoff reference ("F-" and five characters) in text.
func refOf(text string) string {
	i := strings.Index(text, "F-")
	if i < 0 || len(text) < i+7 {
		return ""
	}
	return text[i : i+7]
}

func TestIntakeCommandInServerContinuesInDM(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "matthias")

	ia := h.fake.SlashCommand(s.id, member, "intake")
	resp, err := h.fake.WaitAck(h.ctx(), ia.ID)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Within > discordgo.InteractionDeadline {
		t.Errorf("acknowledged after %v", resp.Within)
	}
	orig := h.waitOriginal(ia, textSentDM)
	if !orig.Ephemeral() {
		t.Error("the answer in the server is not ephemeral")
	}
	h.waitQuestion(h.fake.DMChannelID(member), "welcome", "start")
	for _, m := range h.botMessages(s.general) {
		if strings.Contains(m.Content, h.question("welcome")) {
			t.Error("the intake itself was posted in the server")
		}
	}
}

func TestIntakeCommandInServerWithClosedDMs(t *testing.T) {
	h := newHarness(t)
	h.expectErrors = []int{codeCannotDM}
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "ana")
	h.fake.SetDMsClosed(member, true)

	ia := h.fake.SlashCommand(s.id, member, "intake")
	h.waitOriginal(ia, "closed")
	msg, _ := h.waitQuestion(s.general, "welcome", "start")
	if !msg.Ephemeral() {
		t.Fatal("the intake continued in a message others can see")
	}
	resp := h.pick(member, s.general, "welcome", "start")
	if resp.Type != discordgo.InteractionResponseUpdateMessage {
		t.Errorf("click answered with type %d, want 7", resp.Type)
	}
	q, _ := h.waitQuestion(s.general, "risk_wish", "no")
	if !q.Ephemeral() {
		t.Fatal("next question not ephemeral")
	}

	// Typed answers go through a modal.
	var typeButton component
	for _, c := range componentsOf(q) {
		if c.CustomID == idType {
			typeButton = c
		}
	}
	if typeButton.CustomID == "" {
		t.Fatal("no button to type an answer")
	}
	open := h.fake.Click(member, s.general, q.ID, idType)
	if r, err := h.fake.WaitAck(h.ctx(), open.ID); err != nil || r.Type != discordgo.InteractionResponseModal {
		t.Fatalf("type button answered with %+v, %v; want a modal", r.Type, err)
	}
	sub := h.fake.SubmitModal(open, map[string]string{modalAnswerID: "no"})
	if _, err := h.fake.WaitAck(h.ctx(), sub.ID); err != nil {
		t.Fatal(err)
	}
	h.waitQuestion(s.general, "risk_behaviour", "no")
	for _, m := range h.fake.DMs(member) {
		if m.Author != nil && m.Author.ID == h.fake.BotUser().ID {
			t.Errorf("the bot wrote in the closed DM: %q", m.Content)
		}
	}
}

func TestCrisisComesFirst(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "kai")
	dm := h.fake.DMChannelID(member)

	h.fake.SendDM(member, "I want to kill myself tonight")
	h.waitContent(dm, "marked your intake as urgent")
	msgs := h.botMessages(dm)
	if len(msgs) == 0 || !strings.Contains(msgs[0].Content, "999") {
		t.Fatalf("the first reply is not the crisis response with the region's numbers: %q", contents(msgs))
	}
	for _, m := range msgs[:1] {
		if strings.Contains(m.Content, h.question("welcome")) {
			t.Error("the welcome came before the crisis response")
		}
	}
	d, err := h.rdb.HGet(context.Background(), h.prefix+":s:{discord:"+member+"}", "d").Result()
	if err != nil {
		t.Fatal(err)
	}
	var sess struct {
		Urgent bool `json:"u"`
	}
	_ = json.Unmarshal([]byte(d), &sess)
	if !sess.Urgent {
		t.Error("the session is not marked urgent")
	}

	// The moderators are alerted at once, pinging the urgent role only, and once per intake.
	alert := h.waitCard(s.mods)
	if !strings.Contains(alert.Embeds[0].Title, "URGENT") || !strings.Contains(alert.Embeds[0].Fields[0].Value, member) {
		t.Errorf("alert = %q %+v", alert.Embeds[0].Title, alert.Embeds[0].Fields)
	}
	if _, roles, everyone := h.fake.MayPing(alert); everyone || !slices.Equal(roles, []string{s.urgentRole}) {
		t.Errorf("alert pings roles %v everyone %v", roles, everyone)
	}
	h.pick(member, dm, "welcome#crisis", "continue")
	h.fake.SendDM(member, "honestly I want to die")
	h.waitQuestion(dm, "welcome#crisis", "continue")
	h.eventually("the second crisis is handled", func() bool {
		n, _ := h.rdb.ZCard(context.Background(), h.prefix+":{handoffs}:queue").Result()
		return n == 0
	})
	if n := len(h.botMessages(s.mods)); n != 1 {
		t.Errorf("%d alerts for one intake, want 1", n)
	}
}

func TestServerNotSetUp(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Unready", false)
	member := h.addMember(s, "lee")

	ia := h.fake.SlashCommand(s.id, member, "intake")
	h.waitOriginal(ia, "isn't available in this server yet")

	dm := h.fake.DMChannelID(member)
	h.fake.SendDM(member, "I'm going to end my life tonight")
	h.waitContent(dm, "none of the communities we share")
	msgs := h.botMessages(dm)
	if len(msgs) < 2 || !strings.Contains(msgs[0].Content, "Emergency") {
		t.Fatalf("no crisis resources before the notice: %q", contents(msgs))
	}
}

func TestStaleClickChangesNothing(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "jo")
	dm := h.fake.DMChannelID(member)
	h.fake.SendDM(member, "hello")
	welcome, start := h.waitQuestion(dm, "welcome", "start")

	// Disabling the welcome's buttons fails every attempt, so they stay clickable after a typed answer.
	h.fake.FailNext("PATCH", "/channels/"+dm+"/messages/"+welcome.ID, 500, 1+len(retryWaits))
	h.fake.SendDM(member, "yes")
	h.waitQuestion(dm, "risk_wish", "no")
	before := len(h.botMessages(dm))

	ia := h.fake.Click(member, dm, welcome.ID, start.CustomID)
	resp, err := h.fake.WaitAck(h.ctx(), ia.ID)
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Content string `json:"content"`
		Flags   int    `json:"flags"`
	}
	_ = resp.Decode(&data)
	if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 ||
		!strings.Contains(data.Content, "already been answered") {
		t.Fatalf("stale click answered with type %d %+v, want an ephemeral note", resp.Type, data)
	}
	after, _ := h.fake.Message(welcome.ID)
	if after.Content != welcome.Content || len(h.botMessages(dm)) != before+1 || !h.botMessages(dm)[before].Ephemeral() {
		t.Error("a stale click changed the conversation")
	}
	h.pick(member, dm, "risk_wish", "no")
	h.waitQuestion(dm, "risk_behaviour", "no")
}

func TestMentionsInFreeTextNeverPing(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "rae")
	dm := h.fake.DMChannelID(member)
	h.fake.SendDM(member, "hi")
	words := "@everyone @here <@&" + s.modRole + "> <@&" + s.urgentRole + "> <@" + s.owner + "> he controls everything"
	h.walk(member, []step{
		{state: "welcome", choices: []string{"start"}},
		{state: "risk_wish", choices: []string{"yes"}},
		{state: "risk_thoughts", choices: []string{"yes"}},
		{state: "risk_thoughts#crisis", choices: []string{"continue"}},
		{state: "safe_now", choices: []string{"safe"}},
		{state: "age", choices: []string{"no"}},
		{state: "concern", choices: []string{"other"}},
		{state: "other_describe", text: words},
		{state: "impact_level", choices: []string{"lot"}},
		{state: "impact_duration", choices: []string{"weeks"}},
		{state: "wants", choices: []string{"moderator"}},
		{state: "contact", choices: []string{"bot"}},
		{state: "anonymity", choices: []string{"anonymous"}},
		{state: "anything_else", text: "<@" + s.owner + "> @everyone"},
		{state: "review", choices: []string{"send"}},
	})
	card := h.waitCardTitled(s.mods, "intake F-")
	users, roles, everyone := h.fake.WouldPing(card)
	if len(users) > 0 || everyone || !slices.Equal(roles, []string{s.urgentRole}) {
		t.Errorf("urgent card pings users %v roles %v everyone %v; want only the urgent role %s", users, roles, everyone, s.urgentRole)
	}
	users, roles, everyone = h.fake.MayPing(card)
	if len(users) > 0 || everyone || !slices.Equal(roles, []string{s.urgentRole}) {
		t.Errorf("urgent card may ping users %v roles %v everyone %v", users, roles, everyone)
	}
	e := card.Embeds[0]
	if !strings.Contains(e.Description, "he controls everything") || !strings.Contains(e.Description, "everyone") {
		t.Errorf("the member's words did not reach the card: %q", e.Description)
	}
	if !strings.Contains(e.Title, "URGENT") || e.Color != colourUrgent {
		t.Errorf("urgent card title %q colour %x", e.Title, e.Color)
	}
	for _, f := range e.Fields {
		if f.Name == "Member" && (strings.Contains(f.Value, member) || !strings.Contains(f.Value, "Anonymous")) {
			t.Errorf("an anonymous member is shown as %q", f.Value)
		}
	}
	for _, m := range h.botMessages(dm) {
		h.noPings(m, "a DM")
	}
}

func TestHandoffPostedAfterFailures(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "ines")
	dm := h.fake.DMChannelID(member)
	// The bot cannot post in the moderator channel three times (a missing permission twice, then an outage that
	// outlasts the transport's own retries).
	h.fake.FailNext("POST", "/channels/"+s.mods+"/messages", 403, 2)
	h.fake.FailNext("POST", "/channels/"+s.mods+"/messages", 503, 1+len(retryWaits))
	h.fake.SendDM(member, "hi")
	h.walk(member, workIntake("skip"))
	done := h.waitContent(dm, "Thank you for trusting us")
	ref := refOf(done.Content)

	card := h.waitCard(s.mods)
	if !strings.Contains(card.Content, ref) {
		t.Errorf("card %q is not for %s", card.Content, ref)
	}
	h.eventually("the handoff is recorded as posted", func() bool {
		rec, ok, err := h.st.Handoff(context.Background(), ref)
		return err == nil && ok && rec.Posted()
	})
	rec, _, _ := h.st.Handoff(context.Background(), ref)
	if rec.Attempts < 3 {
		t.Errorf("attempts = %d, want at least 3 failures recorded", rec.Attempts)
	}
	if n := len(h.botMessages(s.mods)); n != 1 {
		t.Errorf("%d cards posted, want exactly 1", n)
	}
	if n, _ := h.rdb.ZCard(context.Background(), h.prefix+":{handoffs}:queue").Result(); n != 0 {
		t.Errorf("outbox still holds %d entries", n)
	}
}

func TestSetupRefusedWithoutManageServer(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", false)
	member := h.addMember(s, "eve")
	for _, sub := range []string{"set", "show"} {
		var opts []*discordgo.ApplicationCommandInteractionDataOption
		if sub == "set" {
			opts = append(opts, channelOption("moderator_channel", s.general))
		}
		ia := h.fake.SlashCommand(s.id, member, "fulcrum-setup", discordtest.SubcommandOption(sub, opts...))
		resp, err := h.fake.WaitAck(h.ctx(), ia.ID)
		if err != nil {
			t.Fatal(err)
		}
		var data struct {
			Content string `json:"content"`
			Flags   int    `json:"flags"`
		}
		_ = resp.Decode(&data)
		if !strings.Contains(data.Content, "Manage Server") || data.Flags&int(discordgo.MessageFlagsEphemeral) == 0 {
			t.Errorf("/fulcrum-setup %s by a member answered %q (flags %d)", sub, data.Content, data.Flags)
		}
	}
	if _, ok, _ := h.st.Guild(context.Background(), s.id); ok {
		t.Error("a member without Manage Server changed the settings")
	}
}

func TestPrivacyForgetLeavesNoKey(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "noor")
	dm := h.fake.DMChannelID(member)
	h.fake.SendDM(member, "hi")
	h.walk(member, workIntake("skip"))
	done := h.waitContent(dm, "Thank you for trusting us")
	ref := refOf(done.Content)
	h.waitCard(s.mods)

	ia := h.fake.SlashCommand("", member, "privacy", discordtest.SubcommandOption("forget"))
	if _, err := h.fake.WaitAck(h.ctx(), ia.ID); err != nil {
		t.Fatal(err)
	}
	confirm, ok := h.fake.OriginalResponse(ia.ID)
	if !ok {
		t.Fatal("no confirmation")
	}
	yes := h.fake.Click(member, dm, confirm.ID, idForgetYes)
	if r, err := h.fake.WaitAck(h.ctx(), yes.ID); err != nil || r.Type != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("confirmation answered with %v, %v", r.Type, err)
	}
	h.waitOriginal(yes, "deleted")

	for _, key := range h.keys() {
		if !strings.HasPrefix(key, h.prefix+":g:") && key != h.prefix+":guilds" {
			t.Errorf("key %s is left after forget", key)
			continue
		}
		vals, _ := h.rdb.HGetAll(context.Background(), key).Result()
		for k, v := range vals {
			if strings.Contains(v, member) || strings.Contains(v, ref) {
				t.Errorf("key %s field %s still mentions the member", key, k)
			}
		}
	}
}

func TestPrivacyExport(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "sam")
	h.fake.SendDM(member, "hi")
	h.walk(member, workIntake("")[:3])

	ia := h.fake.SlashCommand(s.id, member, "privacy", discordtest.SubcommandOption("export"))
	m := h.waitOriginal(ia, "everything fulcrum keeps")
	if !m.Ephemeral() || len(m.Files) != 1 {
		t.Fatalf("export: ephemeral %v, %d files", m.Ephemeral(), len(m.Files))
	}
	var exp struct {
		Session struct {
			State string `json:"st"`
		} `json:"session"`
		Discord struct {
			Community string `json:"community"`
		} `json:"discord"`
	}
	if err := json.Unmarshal(m.Files[0].Data, &exp); err != nil {
		t.Fatal(err)
	}
	if exp.Session.State != "safe_now" || exp.Discord.Community != s.id {
		t.Errorf("export = %+v", exp)
	}
}

func TestWhichCommunity(t *testing.T) {
	h := newHarness(t)
	a := h.addServer("Alpha Clinic", true)
	b := h.addServer("Beta Circle", true)
	member := h.addMember(a, "tam")
	h.fake.AddMember(b.id, &discordgo.User{ID: member})
	dm := h.fake.DMChannelID(member)

	h.fake.SendDM(member, "hello")
	q := h.waitContent(dm, "Which community")
	var pick component
	for _, c := range componentsOf(q) {
		if c.Label == "Beta Circle" {
			pick = c
		}
	}
	if pick.CustomID == "" {
		t.Fatalf("no button for Beta Circle in %+v", componentsOf(q))
	}
	ia := h.fake.Click(member, dm, q.ID, pick.CustomID)
	if r, err := h.fake.WaitAck(h.ctx(), ia.ID); err != nil || r.Type != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("community click answered with %v, %v", r.Type, err)
	}
	h.waitQuestion(dm, "welcome", "start")
	m, err := h.st.Member(context.Background(), sessionID(member))
	if err != nil || m.Community != b.id {
		t.Errorf("community = %q, %v; want %s", m.Community, err, b.id)
	}
}

// gatedIntake holds clicks on one question until the test releases them: an engine slower than Discord's
// 3-second window, without a clock in the test.
type gatedIntake struct {
	Intake
	state   string
	release chan struct{}
}

func (g gatedIntake) Handle(ctx context.Context, in flows.Input) (flows.Reply, error) {
	if in.State == g.state && len(in.Choices) > 0 {
		select {
		case <-g.release:
		case <-ctx.Done():
			return flows.Reply{}, ctx.Err()
		}
	}
	return g.Intake.Handle(ctx, in)
}

func TestSlowStepIsDeferred(t *testing.T) {
	release := make(chan struct{})
	h := newHarnessWith(t, harnessConfig{
		ackAfter: 50 * time.Millisecond,
		wrap:     func(i Intake) Intake { return gatedIntake{Intake: i, state: "welcome", release: release} },
	})
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "val")
	dm := h.fake.DMChannelID(member)
	h.fake.SendDM(member, "hi")
	welcome, start := h.waitQuestion(dm, "welcome", "start")

	ia := h.fake.Click(member, dm, welcome.ID, start.CustomID)
	resp, err := h.fake.WaitAck(h.ctx(), ia.ID)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		t.Fatalf("slow click acknowledged with type %d, want 6 (deferred update)", resp.Type)
	}
	close(release)
	h.waitQuestion(dm, "risk_wish", "no")
	err = h.fake.WaitFor(h.ctx(), func() bool {
		m, _ := h.fake.Message(welcome.ID)
		for _, c := range componentsOf(m) {
			if !c.Disabled {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Error("the answered question was not disabled after a deferred acknowledgement")
	}
}

func TestCommandsRegisteredWithFewIntents(t *testing.T) {
	h := newHarness(t)
	var names []string
	err := h.fake.WaitFor(h.ctx(), func() bool {
		names = names[:0]
		for _, c := range h.fake.Commands("") {
			names = append(names, c.Name)
		}
		return len(names) == 4
	})
	if err != nil {
		t.Fatalf("commands = %v: %v", names, err)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"fulcrum-setup", "handoffs", "intake", "privacy"}) {
		t.Errorf("commands = %v", names)
	}
	for _, id := range h.fake.Identifies() {
		if id.Intents != discordgo.IntentsGuilds|discordgo.IntentsDirectMessages {
			t.Errorf("intents = %d, want Guilds and DirectMessages only", id.Intents)
		}
	}
}

func TestCrisisBeforeChoosingCommunity(t *testing.T) {
	h := newHarness(t)
	a := h.addServer("Alpha Clinic", true)
	b := h.addServer("Beta Circle", true)
	member := h.addMember(a, "ola")
	h.fake.AddMember(b.id, &discordgo.User{ID: member})
	dm := h.fake.DMChannelID(member)

	h.fake.SendDM(member, "I want to kill myself")
	q := h.waitContent(dm, "Which community")
	msgs := h.botMessages(dm)
	if !strings.Contains(msgs[0].Content, "Emergency") {
		t.Fatalf("the crisis response is not first: %q", contents(msgs))
	}
	for _, m := range msgs {
		if m.ID != q.ID && len(componentsOf(m)) > 0 {
			t.Errorf("a message before the community is chosen has buttons: %q", truncate(m.Content, 80))
		}
	}
	var pick component
	for _, c := range componentsOf(q) {
		if c.Label == "Alpha Clinic" {
			pick = c
		}
	}
	ia := h.fake.Click(member, dm, q.ID, pick.CustomID)
	if _, err := h.fake.WaitAck(h.ctx(), ia.ID); err != nil {
		t.Fatal(err)
	}
	// The crisis follow-up is asked again, now with its buttons, and the moderators are alerted.
	h.waitQuestion(dm, "welcome#crisis", "continue")
	alert := h.waitCardTitled(a.mods, "URGENT")
	if !strings.Contains(alert.Embeds[0].Fields[0].Value, member) {
		t.Errorf("alert does not name the member: %+v", alert.Embeds[0].Fields)
	}
	if len(h.botMessages(b.mods)) != 0 {
		t.Error("the other community was alerted")
	}
}

func TestIntakeCommandInDM(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "bo")
	ia := h.fake.SlashCommand("", member, "intake")
	h.waitOriginal(ia, textUseBelow)
	h.waitQuestion(h.fake.DMChannelID(member), "welcome", "start")
}
