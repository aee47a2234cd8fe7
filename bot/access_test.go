package bot

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/bot/discordtest"
	"github.com/fulcrum-intake/fulcrum/store"
)

// codeForged is the error the fake answers a callback for an interaction it never issued: the forged
// interactions below cannot be answered, but what the bot tried to answer is recorded.
const codeForged = 10062

// answer is how the bot answered one interaction: the callback's type, flags and content.
type answer struct {
	typ     discordgo.InteractionResponseType
	flags   int
	content string
}

func (a answer) ephemeral() bool { return a.flags&int(discordgo.MessageFlagsEphemeral) != 0 }

// ackOf waits for an interaction's callback and decodes it; for a deferred message it waits for the text that
// replaces the placeholder.
func (h *harness) ackOf(ia *discordtest.Interaction) answer {
	h.t.Helper()
	resp, err := h.fake.WaitAck(h.ctx(), ia.ID)
	if err != nil {
		h.t.Fatalf("%s not acknowledged: %v", ia.Name, err)
	}
	var d struct {
		Content string `json:"content"`
		Flags   int    `json:"flags"`
	}
	_ = resp.Decode(&d)
	a := answer{typ: resp.Type, flags: d.Flags, content: d.Content}
	if resp.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		err := h.fake.WaitFor(h.ctx(), func() bool {
			m, ok := h.fake.OriginalResponse(ia.ID)
			if ok && m.Content != "" {
				a.content = m.Content
			}
			return ok && m.Content != ""
		})
		if err != nil {
			h.t.Fatalf("%s deferred and never answered", ia.Name)
		}
	}
	return a
}

// forge hands the bot an interaction Discord never issued (a crafted custom id or form), as a member with the
// given roles and permissions in guildID, and returns the callback the bot tried to send.
func (h *harness) forge(guildID, channelID, userID string, roles []string, perms int64, typ discordgo.InteractionType, customID string, values map[string]string) answer {
	h.t.Helper()
	a, ok := h.forgeMaybe(guildID, channelID, userID, roles, perms, typ, customID, values)
	if !ok {
		h.t.Fatalf("the bot did not answer the forged %s", customID)
	}
	return a
}

// forgeMaybe is forge for an interaction the bot may rightly leave unanswered: ok is false when it sent nothing.
func (h *harness) forgeMaybe(guildID, channelID, userID string, roles []string, perms int64, typ discordgo.InteractionType, customID string, values map[string]string) (answer, bool) {
	h.t.Helper()
	i := &discordgo.Interaction{
		ID: h.fake.NewID(), AppID: h.fake.ApplicationID(), Type: typ, GuildID: guildID, ChannelID: channelID,
		Token:  "forged-token",
		Member: &discordgo.Member{User: &discordgo.User{ID: userID, Username: "forger"}, Roles: roles, Permissions: perms},
	}
	switch typ {
	case discordgo.InteractionMessageComponent:
		i.Data = discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}
		i.Message = &discordgo.Message{ID: h.fake.NewID(), ChannelID: channelID}
	case discordgo.InteractionModalSubmit:
		var rows []discordgo.MessageComponent
		for k, v := range values {
			rows = append(rows, &discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: k, Value: v}}})
		}
		i.Data = discordgo.ModalSubmitInteractionData{CustomID: customID, Components: rows}
	}
	h.bot.onInteraction(nil, &discordgo.InteractionCreate{Interaction: i})
	for _, c := range h.fake.Calls() {
		if !strings.HasPrefix(c.Path, "/interactions/"+i.ID+"/") {
			continue
		}
		var body struct {
			Type discordgo.InteractionResponseType `json:"type"`
			Data struct {
				Content string `json:"content"`
				Flags   int    `json:"flags"`
			} `json:"data"`
		}
		_ = c.Decode(&body)
		return answer{typ: body.Type, flags: body.Data.Flags, content: body.Data.Content}, true
	}
	return answer{}, false
}

// accessState is everything an action on a handoff could change, to compare before and after a refusal.
func (h *harness) accessState(ref string, servers ...server) string {
	h.t.Helper()
	ctx := context.Background()
	rec := h.record(ref)
	notes, err := h.st.Notes(ctx, ref)
	if err != nil {
		h.t.Fatal(err)
	}
	blocked, _ := h.st.Blocked(ctx, rec.GuildID, rec.UserID)
	state := map[string]any{"handoff": rec, "notes": notes, "blocked": blocked, "dms": len(h.fake.DMs(rec.UserID))}
	for _, s := range servers {
		g, _, _ := h.st.Guild(ctx, s.id)
		audit, _ := h.st.AuditLog(ctx, s.id, 100)
		state["guild "+s.id] = g
		state["audit "+s.id] = audit
		state["threads "+s.id] = len(h.fake.Threads(s.mods))
		posts := 0
		for _, m := range h.botMessages(s.mods) {
			if !m.Ephemeral() {
				posts++
			}
		}
		state["posts "+s.id] = posts
	}
	var out strings.Builder
	for _, k := range slices.Sorted(maps.Keys(state)) {
		v, err := json.Marshal(state[k])
		if err != nil {
			h.t.Fatal(err)
		}
		out.WriteString(k + ": " + string(v) + "\n")
	}
	return out.String()
}

// stateDiff lists the lines of two accessState snapshots that differ.
func stateDiff(before, after string) string {
	var d []string
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	for i := range max(len(a), len(b)) {
		var x, y string
		if i < len(b) {
			x = b[i]
		}
		if i < len(a) {
			y = a[i]
		}
		if x != y {
			d = append(d, "- "+x, "+ "+y)
		}
	}
	return strings.Join(d, "\n")
}

// TestAccess checks every command, subcommand, card button and form for four actors against what the README
// documents: setup needs Manage Server; handoff actions need the moderator role or Manage Server in the
// handoff's own server; /intake and /privacy are everyone's, about themselves only. A member of another server
// (here an admin and moderator there) never sees or changes this server's handoffs, even with forged custom
// ids naming this server's reference. Every refusal is private and changes nothing.
func TestAccess(t *testing.T) {
	h := newHarness(t)
	// codeUnknownMember: with two set-up servers the bot asks Discord which of them each member belongs to.
	h.expectErrors = append(h.expectErrors, codeForged, codeUnknownMember)
	a := h.addServer("Clinic", true)
	b := h.addServer("Elsewhere", true)
	manage := int64(discordgo.PermissionManageGuild)
	adminRoleA := h.fake.AddRole(a.id, &discordgo.Role{Name: "admins", Permissions: manage}).ID
	adminRoleB := h.fake.AddRole(b.id, &discordgo.Role{Name: "admins", Permissions: manage}).ID
	member := h.addMember(a, "mo")
	mod := h.addModerator(a, "mara")
	admin := h.fake.AddMember(a.id, &discordgo.User{Username: "ada"}, adminRoleA).ID
	// The outsider holds every power there is, in their own server.
	outsider := h.fake.AddMember(b.id, &discordgo.User{Username: "otto"}, adminRoleB, b.modRole).ID
	outsiderRoles := []string{adminRoleB, b.modRole}
	_, ref, card := h.handoffIntake(a, "noor", false)
	_, ref2, card2 := h.handoffIntake(a, "nia", false)

	// Every registered command and subcommand appears in the table below.
	covered := map[string]bool{}
	cover := func(name string) { covered[name] = true }
	var registered []*discordgo.ApplicationCommand
	if err := h.fake.WaitFor(h.ctx(), func() bool { registered = h.fake.Commands(""); return len(registered) > 0 }); err != nil {
		t.Fatal("no commands registered")
	}

	slash := func(guildID, user, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) func() answer {
		return func() answer {
			full := name
			if len(opts) > 0 {
				full += " " + opts[0].Name
			}
			cover(full)
			return h.ackOf(h.fake.SlashCommand(guildID, user, name, opts...))
		}
	}
	sub := discordtest.SubcommandOption
	refOpt := func(r string) *discordgo.ApplicationCommandInteractionDataOption {
		return discordtest.StringOption(optRef, r)
	}
	var lastClick *discordtest.Interaction // the click a form opened from
	click := func(user string, m discordtest.Message, action, r string) func() answer {
		return func() answer {
			cover("button " + action)
			lastClick = h.fake.Click(user, m.ChannelID, m.ID, idHandoff+action+":"+r)
			return h.ackOf(lastClick)
		}
	}
	forgedIn := func(s server, user string, roles []string, perms int64, typ discordgo.InteractionType, customID string, values map[string]string) func() answer {
		return func() answer {
			if typ == discordgo.InteractionModalSubmit {
				cover("form " + strings.Split(strings.TrimPrefix(customID, idHandoffModal), ":")[0])
			}
			return h.forge(s.id, s.general, user, roles, perms, typ, customID, values)
		}
	}
	comp, modal := discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit
	forms := map[string]map[string]string{
		actResolve: {inputOutcome: "referred", inputNote: "forged"},
		actNote:    {inputNote: "forged"},
		actWrite:   {inputMessage: "forged"},
	}

	// Refusals: private, and the handoff, its notes, blocks, the member's DMs, settings, audit, threads and
	// cards of both servers are exactly as they were.
	type refusal struct {
		actor, what string
		do          func() answer
		want        string
	}
	var refusals []refusal
	for _, sc := range []string{"show", "set", "audit"} {
		var opts []*discordgo.ApplicationCommandInteractionDataOption
		if sc == "set" {
			opts = append(opts, channelOption(optChannel, a.general))
		}
		refusals = append(refusals,
			refusal{"member", "/fulcrum-setup " + sc, slash(a.id, member, "fulcrum-setup", sub(sc, opts...)), "Manage Server"},
			refusal{"moderator", "/fulcrum-setup " + sc, slash(a.id, mod, "fulcrum-setup", sub(sc, opts...)), "Manage Server"})
	}
	refusals = append(refusals,
		refusal{"member", "/handoffs queue", slash(a.id, member, "handoffs", sub(subQueue)), "moderators"},
		refusal{"member", "/handoffs reply outside a relay", slash(a.id, member, "handoffs", sub(subReply, discordtest.StringOption(optMessage, "hi"))), "relay thread"},
		refusal{"outsider", "/handoffs reply outside a relay", slash(b.id, outsider, "handoffs", sub(subReply, discordtest.StringOption(optMessage, "hi"))), "relay thread"},
	)
	for _, sc := range []string{subShow, subBlock, subUnblock} {
		refusals = append(refusals,
			refusal{"member", "/handoffs " + sc, slash(a.id, member, "handoffs", sub(sc, refOpt(ref))), "moderators"},
			refusal{"outsider", "/handoffs " + sc + " naming this server's ref", slash(b.id, outsider, "handoffs", sub(sc, refOpt(ref))), "can't find that handoff"})
	}
	for _, act := range []string{actClaim, actResolve, actNote, actBlock} {
		refusals = append(refusals, refusal{"member", "card " + act, click(member, card, act, ref), "moderators"})
	}
	for _, act := range []string{actClaim, actResolve, actNote, actBlock, actWrite} {
		refusals = append(refusals,
			refusal{"outsider", "forged button " + act + " naming this server's ref",
				forgedIn(b, outsider, outsiderRoles, manage, comp, idHandoff+act+":"+ref, nil), "can't find that handoff"},
			refusal{"member", "forged button " + act,
				forgedIn(a, member, nil, 0, comp, idHandoff+act+":"+ref, nil), "moderators"})
	}
	for act, values := range forms {
		refusals = append(refusals,
			refusal{"member", "forged form " + act, forgedIn(a, member, nil, 0, modal, idHandoffModal+act+":"+ref, values), "moderators"},
			refusal{"outsider", "forged form " + act + " naming this server's ref",
				forgedIn(b, outsider, outsiderRoles, manage, modal, idHandoffModal+act+":"+ref, values), "can't find that handoff"})
	}
	for _, rc := range refusals {
		t.Run("refused/"+rc.actor+"/"+rc.what, func(t *testing.T) {
			before := h.accessState(ref, a, b)
			got := rc.do()
			if got.typ != discordgo.InteractionResponseChannelMessageWithSource && got.typ != discordgo.InteractionResponseDeferredChannelMessageWithSource {
				t.Errorf("answered with type %d, want a message", got.typ)
			}
			if !got.ephemeral() || !strings.Contains(got.content, rc.want) {
				t.Errorf("answered %q (flags %d); want a private refusal containing %q", got.content, got.flags, rc.want)
			}
			if strings.Contains(got.content, "noor") {
				t.Errorf("a refusal names the member: %q", got.content)
			}
			if after := h.accessState(ref, a, b); after != before {
				t.Errorf("a refused action changed state:\n%s", stateDiff(before, after))
			}
		})
	}

	// The outsider's own server works for them, and shows nothing of this one.
	t.Run("allowed/outsider/own server only", func(t *testing.T) {
		before := h.accessState(ref, a)
		for _, do := range []func() answer{
			slash(b.id, outsider, "handoffs", sub(subQueue)),
			slash(b.id, outsider, "fulcrum-setup", sub("show")),
			slash(b.id, outsider, "fulcrum-setup", sub("audit")),
			slash(b.id, outsider, "fulcrum-setup", sub("set", discordtest.StringOption(optRegion, "US"))),
		} {
			got := do()
			if !got.ephemeral() {
				t.Errorf("answer %q is not private", got.content)
			}
			for _, secret := range []string{ref, ref2, a.mods, a.modRole, "noor", "nia"} {
				if strings.Contains(got.content, secret) {
					t.Errorf("the outsider reads %q in %q", secret, got.content)
				}
			}
		}
		if after := h.accessState(ref, a); after != before {
			t.Errorf("the outsider changed this server:\n%s", stateDiff(before, after))
		}
		if g, _, _ := h.st.Guild(context.Background(), b.id); g.Region != "US" {
			t.Errorf("the outsider's own setup was not saved: %+v", g)
		}
	})

	// Everyone's commands, about themselves only: the handoffs stay as they are.
	for _, who := range []struct{ name, id, guild string }{
		{"member", member, a.id}, {"moderator", mod, a.id}, {"admin", admin, a.id}, {"outsider", outsider, b.id},
	} {
		t.Run("allowed/"+who.name+"/intake and privacy", func(t *testing.T) {
			before := h.accessState(ref, a) + h.accessState(ref2)
			if got := slash(who.guild, who.id, "intake")(); !got.ephemeral() || strings.Contains(got.content, "moderators") {
				t.Errorf("/intake answered %q (flags %d)", got.content, got.flags)
			}
			ia := h.fake.SlashCommand(who.guild, who.id, "privacy", sub("export"))
			cover("privacy export")
			m := h.waitOriginal(ia, "everything fulcrum keeps")
			if !m.Ephemeral() || len(m.Files) != 1 {
				t.Fatalf("export: ephemeral %v, %d files", m.Ephemeral(), len(m.Files))
			}
			for _, secret := range []string{ref, ref2, "noor", "nia"} {
				if strings.Contains(string(m.Files[0].Data), secret) {
					t.Errorf("%s's export holds %q", who.name, secret)
				}
			}
			ia = h.fake.SlashCommand(who.guild, who.id, "privacy", sub("forget"))
			cover("privacy forget")
			if got := h.ackOf(ia); !got.ephemeral() {
				t.Fatalf("forget confirmation is not private: %+v", got)
			}
			confirm, ok := h.fake.OriginalResponse(ia.ID)
			if !ok {
				t.Fatal("no forget confirmation")
			}
			yes := h.fake.Click(who.id, confirm.ChannelID, confirm.ID, idForgetYes)
			if _, err := h.fake.WaitAck(h.ctx(), yes.ID); err != nil {
				t.Fatal(err)
			}
			h.waitOriginal(yes, "")
			if after := h.accessState(ref, a) + h.accessState(ref2); after != before {
				t.Errorf("%s's forget touched another member's handoff:\n%s", who.name, stateDiff(before, after))
			}
		})
	}

	// Setup for an admin.
	t.Run("allowed/admin/setup", func(t *testing.T) {
		for _, sc := range []string{"show", "audit"} {
			if got := slash(a.id, admin, "fulcrum-setup", sub(sc))(); !got.ephemeral() || strings.Contains(got.content, "Manage Server") {
				t.Errorf("/fulcrum-setup %s by an admin answered %q", sc, got.content)
			}
		}
		slash(a.id, admin, "fulcrum-setup", sub("set", discordtest.StringOption(optRegion, "IE")))()
		if g, _, _ := h.st.Guild(context.Background(), a.id); g.Region != "IE" || g.ModeratorChannel != a.mods {
			t.Errorf("settings after the admin's set: %+v", g)
		}
	})

	// Handoff work, for the moderator on the first handoff and for the admin on the second.
	for _, who := range []struct {
		name, id string
		ref      string
		card     discordtest.Message
	}{{"moderator", mod, ref, card}, {"admin", admin, ref2, card2}} {
		t.Run("allowed/"+who.name+"/handoff work", func(t *testing.T) {
			ctx := context.Background()
			if got := slash(a.id, who.id, "handoffs", sub(subQueue))(); !strings.Contains(got.content, who.ref) {
				t.Errorf("queue %q lacks %s", got.content, who.ref)
			}
			if got := slash(a.id, who.id, "handoffs", sub(subShow, refOpt(who.ref)))(); !got.ephemeral() || strings.Contains(got.content, textNotModerator) {
				t.Errorf("show answered %+v", got)
			}
			if got := click(who.id, who.card, actNote, who.ref)(); got.typ != discordgo.InteractionResponseModal {
				t.Fatalf("note answered type %d, want a form", got.typ)
			}
			h.submit(lastClick, map[string]string{inputNote: "call after six"})
			cover("form " + actNote)
			h.waitField(who.card, "Notes", "1")

			click(who.id, who.card, actClaim, who.ref)()
			h.waitField(who.card, "Status", "Claimed by <@"+who.id+">")
			var thread discordgo.Channel
			if err := h.fake.WaitFor(h.ctx(), func() bool {
				for _, th := range h.fake.Threads(a.mods) {
					if msgs := h.botMessages(th.ID); len(msgs) > 0 && strings.Contains(msgs[0].Content, who.ref) {
						thread = th
						return true
					}
				}
				return false
			}); err != nil {
				t.Fatalf("no relay thread for %s", who.ref)
			}

			h.waitContent(h.fake.DMChannelID(h.record(who.ref).UserID), "will reach out")

			// In the relay thread a member of the server is still refused.
			before := h.accessState(who.ref, a)
			ia := h.fake.SlashCommandIn(thread.ID, member, "handoffs", sub(subReply, discordtest.StringOption(optMessage, "I am not a moderator")))
			if got := h.ackOf(ia); !got.ephemeral() || !strings.Contains(got.content, "moderators") {
				t.Errorf("a member's reply in the relay answered %q", got.content)
			}
			if after := h.accessState(who.ref, a); after != before {
				t.Errorf("a member's reply changed state:\n%s", stateDiff(before, after))
			}
			intro := h.botMessages(thread.ID)[0]
			if got := h.ackOf(h.fake.Click(member, thread.ID, intro.ID, idHandoff+actWrite+":"+who.ref)); !got.ephemeral() || !strings.Contains(got.content, "moderators") {
				t.Errorf("a member's write button answered %+v", got)
			}

			ia = h.fake.SlashCommandIn(thread.ID, who.id, "handoffs", sub(subReply, discordtest.StringOption(optMessage, "Hello from the team")))
			cover("handoffs reply")
			h.waitAnswer(ia, "Sent to the member")
			if got := click(who.id, intro, actWrite, who.ref)(); got.typ != discordgo.InteractionResponseModal {
				t.Fatalf("write answered type %d, want a form", got.typ)
			}
			h.submit(lastClick, map[string]string{inputMessage: "Take your time."})
			cover("form " + actWrite)
			rec := h.record(who.ref)
			h.waitContent(h.fake.DMChannelID(rec.UserID), "Take your time.")

			slash(a.id, who.id, "handoffs", sub(subBlock, refOpt(who.ref)))()
			if blocked, _ := h.st.Blocked(ctx, a.id, rec.UserID); !blocked {
				t.Error("/handoffs block did not block")
			}
			slash(a.id, who.id, "handoffs", sub(subUnblock, refOpt(who.ref)))()
			if blocked, _ := h.st.Blocked(ctx, a.id, rec.UserID); blocked {
				t.Error("/handoffs unblock did not unblock")
			}
			click(who.id, who.card, actBlock, who.ref)()
			if blocked, _ := h.st.Blocked(ctx, a.id, rec.UserID); !blocked {
				t.Error("the card's block did not block")
			}
			slash(a.id, who.id, "handoffs", sub(subUnblock, refOpt(who.ref)))()

			if got := click(who.id, who.card, actResolve, who.ref)(); got.typ != discordgo.InteractionResponseModal {
				t.Fatalf("resolve answered type %d, want a form", got.typ)
			}
			h.submit(lastClick, map[string]string{inputOutcome: "referred"})
			cover("form " + actResolve)
			h.waitField(who.card, "Status", "Resolved by <@"+who.id+">")
			if rec := h.record(who.ref); rec.State != store.StateResolved || rec.ResolvedBy != who.id {
				t.Errorf("after resolve: %+v", rec)
			}
		})
	}

	var missing []string
	for _, c := range registered {
		if len(c.Options) == 0 || c.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
			if !covered[c.Name] {
				missing = append(missing, c.Name)
			}
			continue
		}
		for _, o := range c.Options {
			if !covered[c.Name+" "+o.Name] {
				missing = append(missing, c.Name+" "+o.Name)
			}
		}
	}
	for _, act := range []string{actClaim, actResolve, actNote, actBlock} {
		if !covered["button "+act] {
			missing = append(missing, "button "+act)
		}
	}
	for act := range forms {
		if !covered["form "+act] {
			missing = append(missing, "form "+act)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("the access table leaves out %v", missing)
	}
}
