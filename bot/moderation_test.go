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
	"github.com/fulcrum-intake/fulcrum/store"
)

// answers is everything the bot said in answer to an interaction: the callback's message, the original response
// and the followups.
func (h *harness) answers(ia *discordtest.Interaction) string {
	var parts []string
	if resp, ok := h.fake.Response(ia.ID); ok && resp.Type == discordgo.InteractionResponseChannelMessageWithSource {
		var d struct {
			Content string `json:"content"`
		}
		_ = resp.Decode(&d)
		parts = append(parts, d.Content)
	}
	if m, ok := h.fake.OriginalResponse(ia.ID); ok {
		parts = append(parts, m.Content)
	}
	for _, m := range h.fake.Followups(ia.ID) {
		parts = append(parts, m.Content)
	}
	return strings.Join(parts, "\n")
}

// waitAnswer waits until the bot's answer to an interaction contains text, and returns all of it.
func (h *harness) waitAnswer(ia *discordtest.Interaction, text string) string {
	h.t.Helper()
	var got string
	err := h.fake.WaitFor(h.ctx(), func() bool {
		got = h.answers(ia)
		return strings.Contains(got, text)
	})
	if err != nil {
		h.t.Fatalf("the answer to %s never contained %q; it is %q", ia.Name, text, got)
	}
	return got
}

// addModerator adds a member with the server's moderator role.
func (h *harness) addModerator(s server, name string) string {
	h.t.Helper()
	return h.fake.AddMember(s.id, &discordgo.User{Username: name, GlobalName: name + " Global"}, s.modRole).ID
}

// handoffIntake runs a full intake for a new member and returns the member, the handoff reference and its card.
func (h *harness) handoffIntake(s server, name string, anonymous bool) (string, string, discordtest.Message) {
	h.t.Helper()
	member := h.addMember(s, name)
	steps := workIntake("skip")
	if anonymous {
		for i := range steps {
			if steps[i].state == "anonymity" {
				steps[i].choices = []string{"anonymous"}
			}
		}
	}
	h.fake.SendDM(member, "hi")
	h.walk(member, steps)
	done := h.waitContent(h.fake.DMChannelID(member), "Thank you for trusting us")
	ref := refOf(done.Content)
	return member, ref, h.waitCardTitled(s.mods, ref)
}

// clickCard clicks a moderator action on a card and waits for the acknowledgement.
func (h *harness) clickCard(userID string, card discordtest.Message, action, ref string) (*discordtest.Interaction, discordtest.Response) {
	h.t.Helper()
	ia := h.fake.Click(userID, card.ChannelID, card.ID, idHandoff+action+":"+ref)
	resp, err := h.fake.WaitAck(h.ctx(), ia.ID)
	if err != nil {
		h.t.Fatalf("%s on %s not acknowledged: %v", action, ref, err)
	}
	return ia, resp
}

// submit fills in the form an interaction opened and waits for the acknowledgement.
func (h *harness) submit(opened *discordtest.Interaction, values map[string]string) (*discordtest.Interaction, discordtest.Response) {
	h.t.Helper()
	ia := h.fake.SubmitModal(opened, values)
	resp, err := h.fake.WaitAck(h.ctx(), ia.ID)
	if err != nil {
		h.t.Fatalf("form %s not acknowledged: %v", ia.Name, err)
	}
	return ia, resp
}

// record is the handoff as stored.
func (h *harness) record(ref string) store.Handoff {
	h.t.Helper()
	rec, ok, err := h.st.Handoff(context.Background(), ref)
	if err != nil || !ok {
		h.t.Fatalf("handoff %s: ok %v, %v", ref, ok, err)
	}
	return rec
}

// cardNow is a card as it now stands.
func (h *harness) cardNow(card discordtest.Message) discordtest.Message {
	m, _ := h.fake.Message(card.ID)
	return m
}

// field returns an embed field's value, or "".
func field(m discordtest.Message, name string) string {
	if len(m.Embeds) == 0 {
		return ""
	}
	for _, f := range m.Embeds[0].Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// waitField waits until a card's field contains text.
func (h *harness) waitField(card discordtest.Message, name, text string) discordtest.Message {
	h.t.Helper()
	var m discordtest.Message
	err := h.fake.WaitFor(h.ctx(), func() bool {
		m = h.cardNow(card)
		return strings.Contains(field(m, name), text)
	})
	if err != nil {
		h.t.Fatalf("card field %q never contained %q (now %q)", name, text, field(m, name))
	}
	return m
}

func TestClaimNoteResolveByModerator(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	mod := h.addModerator(s, "mara")
	member, ref, card := h.handoffIntake(s, "noor", false)
	dm := h.fake.DMChannelID(member)
	modUser, _ := h.fake.User(mod)

	// Claim: the card says who, the member hears that a moderator (unnamed: the default) will reach out.
	if ia, resp := h.clickCard(mod, card, actClaim, ref); resp.Type != discordgo.InteractionResponseUpdateMessage &&
		resp.Type != discordgo.InteractionResponseDeferredMessageUpdate {
		t.Fatalf("claim answered with type %d (%q), want the card updated", resp.Type, h.answers(ia))
	}
	if m := h.waitField(card, "Status", "Claimed by <@"+mod+">"); m.Content != card.Content || len(m.Embeds[0].Fields) <= len(card.Embeds[0].Fields) {
		t.Errorf("claim lost the card's content or fields: %q", m.Content)
	}
	told := h.waitContent(dm, "will reach out")
	if !strings.Contains(told.Content, "A moderator") || strings.Contains(told.Content, mod) || strings.Contains(told.Content, modUser.Username) {
		t.Errorf("the member was told %q: want an unnamed moderator", told.Content)
	}
	if rec := h.record(ref); rec.State != store.StateClaimed || rec.ClaimedBy != mod {
		t.Errorf("after claim: %+v", rec)
	}

	// A note, kept with the handoff and counted on the card.
	opened, resp := h.clickCard(mod, card, actNote, ref)
	if resp.Type != discordgo.InteractionResponseModal {
		t.Fatalf("note answered with type %d, want a form", resp.Type)
	}
	h.submit(opened, map[string]string{inputNote: "Prefers evenings"})
	h.waitField(card, "Notes", "1")
	notes, err := h.st.Notes(context.Background(), ref)
	if err != nil || len(notes) != 1 || notes[0].Text != "Prefers evenings" || notes[0].By != mod {
		t.Errorf("notes = %+v, %v", notes, err)
	}

	// Resolve through the form: outcome and note; the card says so, the buttons go, the session closes.
	opened, resp = h.clickCard(mod, card, actResolve, ref)
	if resp.Type != discordgo.InteractionResponseModal {
		t.Fatalf("resolve answered with type %d, want a form", resp.Type)
	}
	h.submit(opened, map[string]string{inputOutcome: "referred", inputNote: "Sent the therapist directory"})
	m := h.waitField(card, "Status", "Resolved by <@"+mod+">")
	if !strings.Contains(field(m, "Status"), "Referred") {
		t.Errorf("status = %q", field(m, "Status"))
	}
	for _, c := range componentsOf(m) {
		if strings.Contains(c.CustomID, actClaim) || strings.Contains(c.CustomID, actResolve) {
			t.Errorf("a resolved card still offers %s", c.CustomID)
		}
	}
	if rec := h.record(ref); rec.State != store.StateResolved || rec.Outcome != "referred" || rec.ResolvedBy != mod {
		t.Errorf("after resolve: %+v", rec)
	}
	h.eventually("the session is closed", func() bool {
		// What stays for a while is the tombstone of its event ids (store.EndedTTL), never the session.
		return !h.rdb.HExists(context.Background(), h.prefix+":s:{discord:"+member+"}", "d").Val()
	})
	if notes, _ := h.st.Notes(context.Background(), ref); len(notes) != 2 {
		t.Errorf("%d notes after resolving with one, want 2", len(notes))
	}

	// The audit log, for the server's admins: who did what, never what anyone wrote.
	ia := h.fake.SlashCommand(s.id, s.owner, "fulcrum-setup", discordtest.SubcommandOption("audit"))
	log := h.waitAnswer(ia, "resolved")
	for _, want := range []string{"claimed", "noted", "resolved", ref, "<@" + mod + ">"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit log lacks %q:\n%s", want, log)
		}
	}
	for _, secret := range []string{"Prefers evenings", "therapist directory", member} {
		if strings.Contains(log, secret) {
			t.Errorf("audit log holds %q:\n%s", secret, log)
		}
	}
	// Members may not read it.
	ia = h.fake.SlashCommand(s.id, member, "fulcrum-setup", discordtest.SubcommandOption("audit"))
	h.waitAnswer(ia, "Manage Server")
}

func TestModeratorActionsRefusedForMembers(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	_, ref, card := h.handoffIntake(s, "noor", false)
	other := h.addMember(s, "curious")
	for _, action := range []string{actClaim, actResolve, actNote, actBlock} {
		_, resp := h.clickCard(other, card, action, ref)
		var d struct {
			Content string `json:"content"`
			Flags   int    `json:"flags"`
		}
		_ = resp.Decode(&d)
		if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || d.Flags&int(discordgo.MessageFlagsEphemeral) == 0 ||
			!strings.Contains(d.Content, "moderators") {
			t.Errorf("%s by a member answered type %d %q (flags %d); want an ephemeral refusal", action, resp.Type, d.Content, d.Flags)
		}
	}
	for _, sub := range []string{subQueue, subShow} {
		var opts []*discordgo.ApplicationCommandInteractionDataOption
		if sub == subShow {
			opts = append(opts, discordtest.StringOption(optRef, ref))
		}
		ia := h.fake.SlashCommand(s.id, other, "handoffs", discordtest.SubcommandOption(sub, opts...))
		if got := h.waitAnswer(ia, "moderators"); strings.Contains(got, ref) && sub == subQueue {
			t.Errorf("/handoffs %s showed a member the queue: %q", sub, got)
		}
	}
	rec := h.record(ref)
	if rec.State != store.StateOpen {
		t.Errorf("a member's clicks changed the handoff: %+v", rec)
	}
	if notes, _ := h.st.Notes(context.Background(), ref); len(notes) != 0 {
		t.Errorf("notes = %+v", notes)
	}
	if blocked, _ := h.st.Blocked(context.Background(), s.id, rec.UserID); blocked {
		t.Error("a member blocked someone")
	}
	if len(h.fake.Threads(s.mods)) != 0 {
		t.Error("a relay thread was opened")
	}
	if m := h.cardNow(card); field(m, "Status") != "" || len(componentsOf(m)) != 4 {
		t.Errorf("card changed: status %q, %d components", field(m, "Status"), len(componentsOf(m)))
	}
}

func TestRelayKeepsBothSidesAnonymous(t *testing.T) {
	for _, tc := range []struct {
		name           string
		anonymous      bool
		moderatorNames bool
	}{
		{"anonymous member, unnamed moderator", true, false},
		{"named member, named moderator", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			s := h.addServer("Clinic", true)
			g, _, _ := h.st.Guild(context.Background(), s.id)
			g.ShowModeratorNames = tc.moderatorNames
			if err := h.st.SaveGuild(context.Background(), g); err != nil {
				t.Fatal(err)
			}
			mod := h.addModerator(s, "mara")
			modUser, _ := h.fake.User(mod)
			member, ref, card := h.handoffIntake(s, "noor", tc.anonymous)
			memberUser, _ := h.fake.User(member)
			dm := h.fake.DMChannelID(member)
			if tc.anonymous && strings.Contains(field(card, "Member"), member) {
				t.Fatalf("the card names an anonymous member: %q", field(card, "Member"))
			}

			h.clickCard(mod, card, actClaim, ref)
			h.waitContent(dm, "will reach out")
			var thread discordgo.Channel
			if err := h.fake.WaitFor(h.ctx(), func() bool {
				ts := h.fake.Threads(s.mods)
				if len(ts) == 1 {
					thread = ts[0]
				}
				return len(ts) == 1
			}); err != nil {
				t.Fatal("no relay thread")
			}
			if thread.Type != discordgo.ChannelTypeGuildPrivateThread || !slices.Contains(h.fake.ThreadMembers(thread.ID), mod) {
				t.Errorf("thread type %d members %v: want a private thread with the moderator", thread.Type, h.fake.ThreadMembers(thread.ID))
			}

			// Moderator to member, by command in the thread and by the thread's button.
			ia := h.fake.SlashCommandIn(thread.ID, mod, "handoffs",
				discordtest.SubcommandOption(subReply, discordtest.StringOption(optMessage, "Hi, I read your summary. When suits you?")))
			h.waitAnswer(ia, "Sent to the member")
			got := h.waitContent(dm, "When suits you?")
			intro := h.botMessages(thread.ID)[0]
			opened, _ := h.clickCard(mod, intro, actWrite, ref)
			h.submit(opened, map[string]string{inputMessage: "Also, take your time."})
			h.waitContent(dm, "take your time")

			// Member to moderator.
			h.fake.SendDM(member, "Evenings work, thank you <@&123> @everyone")
			relayed := h.waitContent(thread.ID, "Evenings work")
			h.noPings(relayed, "the relayed message")

			for _, m := range h.fake.DMs(member) {
				if m.Author == nil || m.Author.ID != h.fake.BotUser().ID {
					continue
				}
				if strings.Contains(m.Content, mod) || (!tc.moderatorNames && strings.Contains(m.Content, modUser.Username)) {
					t.Errorf("the member's DM reveals the moderator's account: %q", m.Content)
				}
				if !tc.moderatorNames && strings.Contains(m.Content, "mara") {
					t.Errorf("the member's DM names the moderator: %q", m.Content)
				}
			}
			if tc.moderatorNames && !strings.Contains(got.Content, "mara Global") {
				t.Errorf("with names allowed the member reads %q", got.Content)
			}
			for _, m := range h.botMessages(thread.ID) {
				if strings.Contains(m.Content, member) || strings.Contains(m.Content, memberUser.Username) {
					t.Errorf("the relay thread reveals the member's account: %q", m.Content)
				}
			}

			// Resolve ends the relay: the member's next DM goes to the intake, not the thread.
			opened, _ = h.clickCard(mod, card, actResolve, ref)
			h.submit(opened, map[string]string{inputOutcome: "no action"})
			h.waitContent(thread.ID, "Relay closed")
			h.waitContent(dm, "closed the conversation")
			before := len(h.botMessages(thread.ID))
			h.fake.SendDM(member, "one more thing")
			h.waitQuestion(dm, "welcome", "start")
			if n := len(h.botMessages(thread.ID)); n != before {
				t.Errorf("a DM after resolve reached the thread")
			}
		})
	}
}

func TestQueueOrderAndAge(t *testing.T) {
	clock := newTestClock()
	h := newHarnessWith(t, harnessConfig{clock: clock})
	s := h.addServer("Clinic", true)
	mod := h.addModerator(s, "mara")
	ctx := context.Background()
	now := clock.Now()
	add := func(ref string, urgent bool, age time.Duration) {
		t.Helper()
		c, _ := json.Marshal(card{Ref: ref, Urgent: urgent, Embed: &discordgo.MessageEmbed{Title: "Intake " + ref}})
		err := h.st.EnqueueHandoff(ctx, store.Handoff{Ref: ref, SessionID: "discord:" + ref, GuildID: s.id, UserID: "1" + ref[2:],
			Urgent: urgent, Card: c, Created: now.Add(-age)}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
	}
	add("F-ORD01", false, 2*time.Hour)
	add("F-ORD02", false, 30*time.Hour) // older than a day: overdue
	add("F-URG01", true, 5*time.Minute)
	add("F-URG02", true, 50*time.Minute)
	add("F-DONE1", false, 3*time.Hour)
	h.eventually("all cards are posted", func() bool { return len(h.botMessages(s.mods)) >= 5 })
	if _, err := h.st.ClaimHandoff(ctx, "F-URG01", mod, now); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.ResolveHandoff(ctx, h.record("F-DONE1"), mod, now, "other", store.Note{}); err != nil {
		t.Fatal(err)
	}

	ia := h.fake.SlashCommand(s.id, mod, "handoffs", discordtest.SubcommandOption(subQueue))
	got := h.waitAnswer(ia, "Open handoffs: 4")
	var order []string
	for _, line := range strings.Split(got, "\n") {
		if r := refOf(line); r != "" {
			order = append(order, r)
		}
	}
	if want := []string{"F-URG02", "F-URG01", "F-ORD02", "F-ORD01"}; !slices.Equal(order, want) {
		t.Errorf("queue order = %v, want %v\n%s", order, want, got)
	}
	lines := map[string]string{}
	for _, line := range strings.Split(got, "\n") {
		lines[refOf(line)] = line
	}
	for ref, want := range map[string][]string{
		"F-URG02": {"waiting 50 min", "unclaimed"},
		"F-URG01": {"waiting 5 min", "claimed by <@" + mod + ">"},
		"F-ORD02": {"waiting 30 h", "overdue"},
		"F-ORD01": {"waiting 2 h", "unclaimed"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[ref], w) {
				t.Errorf("%s: %q lacks %q", ref, lines[ref], w)
			}
		}
	}
	if strings.Contains(lines["F-ORD01"], "overdue") {
		t.Errorf("a two-hour-old handoff is overdue: %q", lines["F-ORD01"])
	}

	ia = h.fake.SlashCommand(s.id, mod, "handoffs", discordtest.SubcommandOption(subShow, discordtest.StringOption(optRef, "f-urg01")))
	shown := h.waitAnswer(ia, "F-URG01")
	if !strings.Contains(shown, "claimed by") {
		t.Errorf("/handoffs show = %q", shown)
	}
}

// posts are the bot's messages in a channel that everyone there sees.
func (h *harness) posts(channelID string) []discordtest.Message {
	var out []discordtest.Message
	for _, m := range h.botMessages(channelID) {
		if !m.Ephemeral() {
			out = append(out, m)
		}
	}
	return out
}

func TestRepingUnclaimedUrgent(t *testing.T) {
	clock := newTestClock()
	h := newHarnessWith(t, harnessConfig{clock: clock})
	s := h.addServer("Clinic", true)
	mod := h.addModerator(s, "mara")
	a, b := h.addMember(s, "ash"), h.addMember(s, "bea")
	h.fake.SendDM(a, "I want to kill myself tonight")
	h.fake.SendDM(b, "I want to kill myself tonight")
	h.eventually("both alerts are posted", func() bool { return len(h.posts(s.mods)) == 2 })
	cards := h.posts(s.mods)
	claimed := cards[1]
	claimedRef := strings.TrimPrefix(claimed.Embeds[0].Footer.Text, "fulcrum · alert ")
	if ia, resp := h.clickCard(mod, claimed, actClaim, claimedRef); resp.Type == discordgo.InteractionResponseChannelMessageWithSource {
		t.Fatalf("claim answered %q, want the card updated", h.answers(ia))
	}
	h.waitField(claimed, "Status", "Claimed")

	clock.Advance(9 * time.Minute)
	time.Sleep(100 * time.Millisecond) // several reminder polls
	if n := len(h.posts(s.mods)); n != 2 {
		t.Fatalf("%d messages before the delay, want no re-ping yet: %q", n, contents(h.posts(s.mods)))
	}
	clock.Advance(2 * time.Minute)
	h.eventually("the urgent role is pinged again", func() bool { return len(h.posts(s.mods)) == 3 })
	time.Sleep(100 * time.Millisecond)
	msgs := h.posts(s.mods)
	if len(msgs) != 3 {
		t.Fatalf("%d messages in the moderator channel, want the two alerts and one re-ping", len(msgs))
	}
	reping := msgs[2]
	unclaimedRef := strings.TrimPrefix(cards[0].Embeds[0].Footer.Text, "fulcrum · alert ")
	if !strings.Contains(reping.Content, unclaimedRef) || !strings.Contains(reping.Content, "still unclaimed") {
		t.Errorf("re-ping = %q, want it about %s", reping.Content, unclaimedRef)
	}
	if _, roles, everyone := h.fake.MayPing(reping); everyone || !slices.Equal(roles, []string{s.urgentRole}) {
		t.Errorf("re-ping pings roles %v everyone %v; want the urgent role only", roles, everyone)
	}
	clock.Advance(time.Hour)
	time.Sleep(100 * time.Millisecond)
	if n := len(h.posts(s.mods)); n != 3 {
		t.Errorf("%d messages an hour later: the re-ping repeated", n)
	}
}

func TestRetentionPutsATTLOnEverything(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	g, _, _ := h.st.Guild(context.Background(), s.id)
	g.RetentionDays = 1
	if err := h.st.SaveGuild(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	mod := h.addModerator(s, "mara")
	member, ref, card := h.handoffIntake(s, "noor", false)
	h.clickCard(mod, card, actClaim, ref)
	h.waitContent(h.fake.DMChannelID(member), "will reach out")
	opened, _ := h.clickCard(mod, card, actNote, ref)
	h.submit(opened, map[string]string{inputNote: "n"})
	h.waitField(card, "Notes", "1")
	h.fake.SendDM(member, "thanks")
	h.eventually("the relay message is recorded", func() bool {
		return h.rdb.Exists(context.Background(), h.prefix+":{handoffs}:rm:"+ref).Val() == 1
	})
	ia := h.fake.Click(mod, card.ChannelID, card.ID, idHandoff+actBlock+":"+ref)
	h.waitAnswer(ia, "no longer start")

	day := 24 * time.Hour
	for _, key := range h.keys() {
		ttl := h.rdb.PTTL(context.Background(), key).Val()
		switch {
		case strings.HasPrefix(key, h.prefix+":g:") || key == h.prefix+":guilds":
			if ttl != -1 {
				t.Errorf("operator configuration %s has a TTL", key)
			}
		case ttl <= 0:
			t.Errorf("%s has no TTL", key)
		case strings.Contains(key, member) || strings.Contains(key, ref):
			if ttl > day {
				t.Errorf("%s outlives the server's retention of a day: %v", key, ttl)
			}
		case strings.HasSuffix(key, ":queue") || strings.HasSuffix(key, ":remind"):
			// shared indexes: renewed while anything is pending
		case ttl > day:
			t.Errorf("%s outlives the server's retention of a day: %v", key, ttl)
		}
	}
}

func TestForgetRemovesHandoffsAndRelays(t *testing.T) {
	for _, how := range []string{"command", "typed"} {
		t.Run(how, func(t *testing.T) {
			h := newHarness(t)
			s := h.addServer("Clinic", true)
			mod := h.addModerator(s, "mara")
			member, ref, card := h.handoffIntake(s, "noor", false)
			dm := h.fake.DMChannelID(member)
			h.clickCard(mod, card, actClaim, ref)
			h.waitContent(dm, "will reach out")
			opened, _ := h.clickCard(mod, card, actNote, ref)
			h.submit(opened, map[string]string{inputNote: "A note"})
			h.waitField(card, "Notes", "1")
			h.fake.SendDM(member, "My secret story")
			thread := h.fake.Threads(s.mods)[0]
			relayed := h.waitContent(thread.ID, "My secret story")

			switch how {
			case "command":
				ia := h.fake.SlashCommand("", member, "privacy", discordtest.SubcommandOption("forget"))
				if _, err := h.fake.WaitAck(h.ctx(), ia.ID); err != nil {
					t.Fatal(err)
				}
				confirm, _ := h.fake.OriginalResponse(ia.ID)
				yes := h.fake.Click(member, dm, confirm.ID, idForgetYes)
				h.waitOriginal(yes, "eleted")
			case "typed":
				h.fake.SendDM(member, "forget")
				h.pick(member, dm, "handoff#forget", "forget")
			}

			err := h.fake.WaitFor(h.ctx(), func() bool {
				m := h.cardNow(card)
				return len(m.Embeds) == 1 && strings.Contains(m.Embeds[0].Description, "Removed at the member's request")
			})
			if err != nil {
				t.Fatalf("the card is not marked as removed: %+v", h.cardNow(card).Embeds)
			}
			m := h.cardNow(card)
			if len(componentsOf(m)) != 0 || len(m.Embeds[0].Fields) != 0 {
				t.Errorf("the removed card keeps buttons or fields: %+v", m.Embeds[0])
			}
			err = h.fake.WaitFor(h.ctx(), func() bool {
				return !slices.ContainsFunc(h.fake.Messages(thread.ID), func(m discordtest.Message) bool { return m.ID == relayed.ID })
			})
			if err != nil {
				t.Error("the relayed message with the member's words is still in the thread")
			}
			h.eventually("no key about the member is left", func() bool {
				for _, key := range h.keys() {
					if strings.Contains(key, member) || strings.Contains(key, ref) {
						return false
					}
				}
				return true
			})
			for _, key := range h.keys() {
				if strings.HasPrefix(key, h.prefix+":g:") || key == h.prefix+":guilds" || strings.Contains(key, ":audit:") {
					continue
				}
				if typ := h.rdb.Type(context.Background(), key).Val(); typ == "zset" {
					if n := h.rdb.ZCard(context.Background(), key).Val(); n != 0 {
						t.Errorf("index %s still holds %d entries", key, n)
					}
					continue
				}
				t.Errorf("key %s is left after forget", key)
			}
		})
	}
}

func TestBlockAndUnblock(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	mod := h.addModerator(s, "mara")
	member, ref, card := h.handoffIntake(s, "noor", true)
	dm := h.fake.DMChannelID(member)

	ia := h.fake.Click(mod, card.ChannelID, card.ID, idHandoff+actBlock+":"+ref)
	h.waitAnswer(ia, "no longer start an intake")

	ia = h.fake.SlashCommand(s.id, member, "intake")
	h.waitAnswer(ia, "can't start an intake")
	before := len(h.botMessages(dm))
	h.fake.SendDM(member, "I want to kill myself")
	msgs, err := h.fake.WaitBotMessages(h.ctx(), dm, before+2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msgs[before].Content, "999") || !strings.Contains(msgs[len(msgs)-1].Content, "can't start an intake") {
		t.Errorf("a blocked member in crisis got %q", contents(msgs[before:]))
	}

	ia = h.fake.SlashCommand(s.id, mod, "handoffs", discordtest.SubcommandOption(subUnblock, discordtest.StringOption(optRef, ref)))
	h.waitAnswer(ia, "can use the intake again")
	h.fake.SendDM(member, "hello again")
	h.eventually("the member is answered by the intake", func() bool {
		ms := h.botMessages(dm)
		return len(ms) > before+2 && !strings.Contains(ms[len(ms)-1].Content, "can't start an intake")
	})

	ia = h.fake.SlashCommand(s.id, s.owner, "fulcrum-setup", discordtest.SubcommandOption("audit"))
	log := h.waitAnswer(ia, "unblocked")
	if !strings.Contains(log, "blocked · **"+ref) || strings.Contains(log, member) {
		t.Errorf("audit log:\n%s", log)
	}
}

func TestAlertAnonymousByDefault(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	g, _, _ := h.st.Guild(context.Background(), s.id)
	g.AnonymousByDefault = true
	if err := h.st.SaveGuild(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	member := h.addMember(s, "kai")
	h.fake.SendDM(member, "I want to kill myself tonight")
	alert := h.waitCardTitled(s.mods, "URGENT")
	if v := field(alert, "Member"); strings.Contains(v, member) || !strings.Contains(v, "Anonymous") {
		t.Errorf("alert names the member of a server anonymous by default: %q", v)
	}
	if v := field(alert, "Signal"); !strings.Contains(v, "suicide") {
		t.Errorf("alert signal = %q", v)
	}
}

func TestSetupChangesAreAudited(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", false)
	ia := h.fake.SlashCommand(s.id, s.owner, "fulcrum-setup", discordtest.SubcommandOption("set",
		channelOption(optChannel, s.mods), discordtest.BooleanOption(optModNames, true), discordtest.IntegerOption(optReping, 5)))
	h.waitOriginal(ia, "Saved")
	g, _, _ := h.st.Guild(context.Background(), s.id)
	if !g.ShowModeratorNames || g.Reping() != 5*time.Minute {
		t.Errorf("settings = %+v", g)
	}
	ia = h.fake.SlashCommand(s.id, s.owner, "fulcrum-setup", discordtest.SubcommandOption("audit"))
	log := h.waitAnswer(ia, "changed setup")
	if !strings.Contains(log, "<@"+s.owner+">") || !strings.Contains(log, "reping_minutes=5") {
		t.Errorf("audit log:\n%s", log)
	}
}
