package discordtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/bot"
	"github.com/fulcrum-intake/fulcrum/bot/discordtest"
)

// waitTimeout bounds every wait in these tests.
const waitTimeout = 10 * time.Second

// recv waits, boundedly, for the next value on ch.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitTimeout):
		t.Fatalf("no %s within %v", what, waitTimeout)
		panic("unreachable")
	}
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return c
}

// readySnapshot is a READY as it arrived.
type readySnapshot struct {
	discordgo.Ready
	guilds []discordgo.Guild
}

// events collects the gateway events a session's handlers see.
type events struct {
	ready        chan readySnapshot
	resumed      chan *discordgo.Resumed
	guildCreate  chan *discordgo.GuildCreate
	message      chan *discordgo.MessageCreate
	interaction  chan *discordgo.InteractionCreate
	rateLimit    chan *discordgo.RateLimit
	threadCreate chan *discordgo.ThreadCreate
}

func newEvents(s *discordgo.Session) *events {
	e := &events{
		ready:        make(chan readySnapshot, 16),
		resumed:      make(chan *discordgo.Resumed, 16),
		guildCreate:  make(chan *discordgo.GuildCreate, 16),
		message:      make(chan *discordgo.MessageCreate, 64),
		interaction:  make(chan *discordgo.InteractionCreate, 64),
		rateLimit:    make(chan *discordgo.RateLimit, 16),
		threadCreate: make(chan *discordgo.ThreadCreate, 16),
	}
	s.AddHandler(func(_ *discordgo.Session, v *discordgo.Ready) {
		// discordgo's state keeps and later updates the READY's guilds, so
		// copy them here, before the next event is handled.
		snap := readySnapshot{Ready: *v}
		for _, g := range v.Guilds {
			snap.guilds = append(snap.guilds, *g)
		}
		e.ready <- snap
	})
	s.AddHandler(func(_ *discordgo.Session, v *discordgo.Resumed) { e.resumed <- v })
	s.AddHandler(func(_ *discordgo.Session, v *discordgo.GuildCreate) { e.guildCreate <- v })
	s.AddHandler(func(_ *discordgo.Session, v *discordgo.MessageCreate) { e.message <- v })
	s.AddHandler(func(_ *discordgo.Session, v *discordgo.InteractionCreate) { e.interaction <- v })
	s.AddHandler(func(_ *discordgo.Session, v *discordgo.RateLimit) { e.rateLimit <- v })
	s.AddHandler(func(_ *discordgo.Session, v *discordgo.ThreadCreate) { e.threadCreate <- v })
	return e
}

// newSession builds a real discordgo session pointed at the fake, as the
// bot will: its http.Client goes through bot.NewAPITransport.
func newSession(t *testing.T, fake *discordtest.Fake, token string) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := bot.NewAPITransport(fake.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: rt, Timeout: waitTimeout}
	// Below LogError: discordgo logs an error each time Close races its own
	// heartbeat, which is noise here.
	s.LogLevel = discordgo.LogError - 1
	// discordgo runs handlers in goroutines by default, and its state then
	// rewrites the READY's guild objects (on GUILD_CREATE) while a handler
	// may read them: a data race in discordgo's design. Synchronous
	// handlers avoid it; the bot must do the same or not touch READY's
	// guilds.
	s.SyncEvents = true
	return s
}

// open connects a session to the fake's gateway and closes it when the test
// ends. discordgo's Close waits a second for the server; the tests run in
// parallel so that wait overlaps.
func open(t *testing.T, fake *discordtest.Fake, intents discordgo.Intent) (*discordgo.Session, *events) {
	t.Helper()
	s := newSession(t, fake, fake.Token())
	s.Identify.Intents = intents
	ev := newEvents(s)
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, ev
}

const dmIntents = discordgo.IntentGuilds | discordgo.IntentDirectMessages | discordgo.IntentGuildMessages

// world is a seeded guild with a member.
type world struct {
	guild   *discordgo.Guild
	channel string
	member  *discordgo.User
}

func seed(t *testing.T, fake *discordtest.Fake) world {
	t.Helper()
	g := fake.AddGuild(&discordgo.Guild{Name: "Clinic"})
	m := fake.AddMember(g.ID, &discordgo.User{Username: "sam"})
	return world{guild: g, channel: g.Channels[0].ID, member: m}
}

func restError(t *testing.T, err error) *discordgo.RESTError {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v (%T), want *discordgo.RESTError", err, err)
	}
	return re
}

func TestOpenReceivesReadyAndGuildCreate(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.WithApplication("424242424242424242", 1<<23))
	w := seed(t, fake)
	s, ev := open(t, fake, dmIntents)

	ready := recv(t, ev.ready, "READY")
	if ready.User == nil || ready.User.ID != fake.BotUser().ID || !ready.User.Bot {
		t.Errorf("READY user = %+v, want the bot %s", ready.User, fake.BotUser().ID)
	}
	if ready.Application == nil || ready.Application.ID != "424242424242424242" || ready.Application.Flags != 1<<23 {
		t.Errorf("READY application = %+v", ready.Application)
	}
	if ready.Version != 9 || ready.SessionID == "" {
		t.Errorf("READY v=%d session_id=%q", ready.Version, ready.SessionID)
	}
	if len(ready.guilds) != 1 || ready.guilds[0].ID != w.guild.ID || !ready.guilds[0].Unavailable {
		t.Errorf("READY guilds = %+v, want one unavailable %s", ready.guilds, w.guild.ID)
	}
	gc := recv(t, ev.guildCreate, "GUILD_CREATE")
	if gc.ID != w.guild.ID || gc.Name != "Clinic" || len(gc.Channels) != 1 {
		t.Errorf("GUILD_CREATE = id %s name %q channels %d", gc.ID, gc.Name, len(gc.Channels))
	}
	if err := fake.WaitFor(ctx(t), func() bool { _, err := s.State.Guild(w.guild.ID); return err == nil }); err != nil {
		t.Errorf("discordgo state never held the guild: %v", err)
	}
	ids := fake.Identifies()
	if len(ids) != 1 || ids[0].Intents != dmIntents || ids[0].Properties.Browser == "" {
		t.Errorf("Identifies = %+v, want one with intents %d", ids, dmIntents)
	}
	// discordgo heartbeats as soon as it connects; the fake acks it.
	if err := fake.WaitFor(ctx(t), func() bool { return fake.Heartbeats() >= 1 }); err != nil {
		t.Error(err)
	}
}

func TestHeartbeatsAreAcked(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.WithHeartbeatInterval(50*time.Millisecond))
	open(t, fake, dmIntents)
	// discordgo reconnects if 5 intervals pass without an ack; six
	// heartbeats on one session show the acks arrive.
	if err := fake.WaitFor(ctx(t), func() bool { return fake.Heartbeats() >= 6 }); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Identifies()); n != 1 {
		t.Errorf("%d IDENTIFYs, want 1 (no reconnect)", n)
	}
}

func TestDisallowedIntentFailsOpen(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake, fake.Token())
	s.Identify.Intents = discordgo.IntentMessageContent | discordgo.IntentGuilds
	err := s.Open()
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded with a privileged intent the app is not allowed")
	}
	if !strings.Contains(err.Error(), "4014") {
		t.Errorf("Open error = %v, want close 4014", err)
	}

	allowed := discordtest.New(t, discordtest.WithPrivilegedIntents(discordgo.IntentMessageContent))
	open(t, allowed, discordgo.IntentMessageContent|discordgo.IntentGuilds)
}

func TestDMReachesBotAndBotReplies(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	user := fake.AddUser(&discordgo.User{Username: "robin"})
	s, ev := open(t, fake, dmIntents)

	id := fake.SendDM(user.ID, "I need help")
	mc := recv(t, ev.message, "MESSAGE_CREATE")
	if mc.ID != id || mc.Content != "I need help" || mc.GuildID != "" || mc.Author.ID != user.ID {
		t.Errorf("MESSAGE_CREATE = id %s content %q guild %q author %s", mc.ID, mc.Content, mc.GuildID, mc.Author.ID)
	}
	if mc.ChannelID != fake.DMChannelID(user.ID) {
		t.Errorf("channel = %s, want the DM channel %s", mc.ChannelID, fake.DMChannelID(user.ID))
	}

	ch, err := s.UserChannelCreate(user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ch.ID != mc.ChannelID || ch.Type != discordgo.ChannelTypeDM {
		t.Errorf("UserChannelCreate = %s type %d, want %s", ch.ID, ch.Type, mc.ChannelID)
	}
	if _, err := s.ChannelMessageSend(ch.ID, "Hello, I am here."); err != nil {
		t.Fatal(err)
	}
	dms, err := fake.WaitDMs(ctx(t), user.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if dms[0].Content != "Hello, I am here." {
		t.Errorf("DM = %q", dms[0].Content)
	}
	if all := fake.DMs(user.ID); len(all) != 2 {
		t.Errorf("DMs holds %d messages, want the user's and the bot's", len(all))
	}
	// The bot receives its own message too, as on Discord.
	own := recv(t, ev.message, "MESSAGE_CREATE of the bot's own message")
	if own.Author.ID != fake.BotUser().ID {
		t.Errorf("second MESSAGE_CREATE author = %s, want the bot", own.Author.ID)
	}
}

func TestIntentsFilterEvents(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	_, ev := open(t, fake, discordgo.IntentGuilds|discordgo.IntentGuildMessages)
	recv(t, ev.guildCreate, "GUILD_CREATE")

	fake.SendDM(w.member.ID, "not for you")
	fake.SendMessage(w.channel, w.member.ID, "secret")
	mc := recv(t, ev.message, "guild MESSAGE_CREATE")
	if mc.GuildID != w.guild.ID {
		t.Fatalf("got a message from guild %q; the DM should not arrive without DIRECT_MESSAGES", mc.GuildID)
	}
	if mc.Content != "" {
		t.Errorf("content = %q, want empty without MESSAGE_CONTENT", mc.Content)
	}
	if mc.Member == nil {
		t.Error("guild MESSAGE_CREATE has no member")
	}
	for _, e := range fake.Events() {
		if e.Type == "MESSAGE_CREATE" && strings.Contains(string(e.Data), "not for you") {
			t.Errorf("DM was dispatched to a session without DIRECT_MESSAGES")
		}
	}
}

func TestSlashCommandInGuildIsAcknowledged(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s, ev := open(t, fake, dmIntents)

	in := fake.SlashCommand(w.guild.ID, w.member.ID, "intake", discordtest.StringOption("topic", "sleep"))
	ic := recv(t, ev.interaction, "INTERACTION_CREATE")
	if ic.ID != in.ID || ic.Token != in.Token || ic.Type != discordgo.InteractionApplicationCommand {
		t.Fatalf("interaction = %s/%s type %d, want %s", ic.ID, ic.Token, ic.Type, in.ID)
	}
	data := ic.ApplicationCommandData()
	if data.Name != "intake" || data.GetOption("topic").StringValue() != "sleep" {
		t.Errorf("data = %+v", data)
	}
	if ic.Member == nil || ic.Member.User.ID != w.member.ID || ic.User != nil {
		t.Fatalf("member = %+v user = %+v, want member only", ic.Member, ic.User)
	}
	if ic.Member.Permissions != discordtest.DefaultEveryonePermissions {
		t.Errorf("member.permissions = %d, want %d", ic.Member.Permissions, discordtest.DefaultEveryonePermissions)
	}
	if ic.AppPermissions != discordtest.DefaultEveryonePermissions {
		t.Errorf("app_permissions = %d", ic.AppPermissions)
	}
	if ic.GuildID != w.guild.ID || ic.ChannelID != w.channel || ic.AppID != fake.ApplicationID() {
		t.Errorf("guild %s channel %s app %s", ic.GuildID, ic.ChannelID, ic.AppID)
	}

	err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         "Let's begin.",
			Flags:           discordgo.MessageFlagsEphemeral,
			AllowedMentions: &discordgo.MessageAllowedMentions{},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := fake.WaitAck(ctx(t), in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || !fake.Acknowledged(in.ID) {
		t.Errorf("response type %d acknowledged %v", resp.Type, fake.Acknowledged(in.ID))
	}
	orig, ok := fake.OriginalResponse(in.ID)
	if !ok || orig.Content != "Let's begin." || !orig.Ephemeral() || orig.Interaction == nil {
		t.Errorf("original = %+v ok=%v", orig.Message, ok)
	}
	got, err := s.InteractionResponse(ic.Interaction)
	if err != nil || got.Content != "Let's begin." {
		t.Errorf("GET @original = %v, %v", got, err)
	}

	// A second response is refused, as on Discord.
	err = s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	if re := restError(t, err); re.Message == nil || re.Message.Code != 40060 {
		t.Errorf("second response error = %v, want code 40060", err)
	}
}

func TestSlashCommandInDMCarriesUser(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	user := fake.AddUser(&discordgo.User{Username: "kim"})
	s, ev := open(t, fake, dmIntents)

	in := fake.SlashCommand("", user.ID, "start")
	ic := recv(t, ev.interaction, "INTERACTION_CREATE")
	if ic.User == nil || ic.User.ID != user.ID || ic.Member != nil || ic.GuildID != "" {
		t.Errorf("user %+v member %+v guild %q", ic.User, ic.Member, ic.GuildID)
	}
	if ic.Context != discordgo.InteractionContextBotDM {
		t.Errorf("context = %d", ic.Context)
	}
	// Defer, then the first followup fills the "thinking" message.
	if err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "Done thinking."}); err != nil {
		t.Fatal(err)
	}
	orig, ok := fake.OriginalResponse(in.ID)
	if !ok || orig.Content != "Done thinking." || orig.Flags&discordgo.MessageFlagsLoading != 0 {
		t.Errorf("original = %q flags %d", orig.Content, orig.Flags)
	}
	if n := len(fake.Followups(in.ID)); n != 0 {
		t.Errorf("%d followups, want 0: the first followup after a defer edits the original", n)
	}
	if _, err := s.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "One more."}); err != nil {
		t.Fatal(err)
	}
	if f := fake.Followups(in.ID); len(f) != 1 || f[0].Content != "One more." {
		t.Errorf("followups = %+v", f)
	}
}

func TestLateInteractionResponseIsRefused(t *testing.T) {
	t.Parallel()
	// A deadline of a nanosecond has always passed by the time the bot
	// answers, with no sleep in the test.
	fake := discordtest.New(t, discordtest.WithInteractionDeadline(time.Nanosecond))
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	in := fake.SlashCommand(w.guild.ID, w.member.ID, "intake")
	ia := &discordgo.Interaction{ID: in.ID, Token: in.Token, AppID: in.ApplicationID}
	err := s.InteractionRespond(ia, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	if re := restError(t, err); re.Response.StatusCode != http.StatusNotFound || re.Message.Code != 10062 {
		t.Errorf("late response = %v, want 404 code 10062", err)
	}
	if fake.Acknowledged(in.ID) || fake.LateCallbacks(in.ID) != 1 {
		t.Errorf("acknowledged %v late %d", fake.Acknowledged(in.ID), fake.LateCallbacks(in.ID))
	}
}

func TestComponentsAndModal(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s, ev := open(t, fake, dmIntents)
	recv(t, ev.guildCreate, "GUILD_CREATE")

	one := 1
	msg, err := s.ChannelMessageSendComplex(w.channel, &discordgo.MessageSend{
		Content: "How are you sleeping?",
		Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Well", Style: discordgo.SuccessButton, CustomID: "sleep:well"},
				discordgo.Button{Label: "Badly", Style: discordgo.DangerButton, CustomID: "sleep:bad"},
			}},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.SelectMenu{CustomID: "hours", MinValues: &one, MaxValues: 1, Options: []discordgo.SelectMenuOption{
					{Label: "Under 5", Value: "lt5"}, {Label: "5 or more", Value: "ge5"},
				}},
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := fake.Messages(w.channel); len(got) != 1 || len(got[0].Components) != 2 {
		t.Fatalf("stored message components = %+v", got)
	}
	recv(t, ev.message, "MESSAGE_CREATE of the bot's message")

	click := fake.Click(w.member.ID, w.channel, msg.ID, "sleep:bad")
	ic := recv(t, ev.interaction, "component INTERACTION_CREATE")
	if ic.ID != click.ID || ic.MessageComponentData().CustomID != "sleep:bad" || ic.Message == nil || ic.Message.ID != msg.ID {
		t.Fatalf("component interaction = %+v", ic.Interaction)
	}
	if len(ic.Message.Components) != 2 {
		t.Errorf("clicked message arrives with %d component rows, want 2", len(ic.Message.Components))
	}
	newContent := "Thanks, noted."
	if err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: newContent, Components: []discordgo.MessageComponent{}},
	}); err != nil {
		t.Fatal(err)
	}
	m, _ := fake.Message(msg.ID)
	if m.Content != newContent || len(m.Components) != 0 || m.EditedTimestamp == nil {
		t.Errorf("updated message = %q, %d components, edited %v", m.Content, len(m.Components), m.EditedTimestamp)
	}

	// A select menu, answered with a modal.
	msg2, err := s.ChannelMessageSendComplex(w.channel, &discordgo.MessageSend{
		Content: "Pick one",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.SelectMenu{CustomID: "hours", Options: []discordgo.SelectMenuOption{{Label: "Under 5", Value: "lt5"}, {Label: "More", Value: "ge5"}}},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sel := fake.Click(w.member.ID, w.channel, msg2.ID, "hours", "lt5")
	ic = recv(t, ev.interaction, "select INTERACTION_CREATE")
	if v := ic.MessageComponentData().Values; len(v) != 1 || v[0] != "lt5" {
		t.Errorf("values = %v", v)
	}
	if err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{CustomID: "details", Title: "Tell us more", Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{CustomID: "note", Label: "Anything else?", Style: discordgo.TextInputParagraph, Required: true},
			}},
		}},
	}); err != nil {
		t.Fatal(err)
	}
	sub := fake.SubmitModal(sel, map[string]string{"note": "it started in May"})
	ic = recv(t, ev.interaction, "modal INTERACTION_CREATE")
	md := ic.ModalSubmitData()
	if ic.ID != sub.ID || md.CustomID != "details" {
		t.Fatalf("modal submit = %+v", md)
	}
	row := md.Components[0].(*discordgo.ActionsRow)
	if v := row.Components[0].(*discordgo.TextInput).Value; v != "it started in May" {
		t.Errorf("modal value = %q", v)
	}
	if err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}); err != nil {
		t.Fatal(err)
	}
	edit := "All set."
	if _, err := s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &edit, Components: &[]discordgo.MessageComponent{}}); err != nil {
		t.Fatal(err)
	}
	if m, _ := fake.Message(msg2.ID); m.Content != "All set." {
		t.Errorf("after deferred update and edit, message = %q", m.Content)
	}
}

func TestSendComplexRecordsAllowedMentions(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	role := fake.AddRole(w.guild.ID, &discordgo.Role{Name: "staff", Mentionable: true})
	other := fake.AddMember(w.guild.ID, &discordgo.User{Username: "alex"})
	s := newSession(t, fake, fake.Token())

	content := "<@" + w.member.ID + "> said: hi <@" + other.ID + "> <@&" + role.ID + "> @everyone"
	sent, err := s.ChannelMessageSendComplex(w.channel, &discordgo.MessageSend{
		Content:         content,
		AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{w.member.ID}},
		Embeds:          []*discordgo.MessageEmbed{{Description: "<@" + other.ID + ">"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages(w.channel)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if m.ID != sent.ID || m.AllowedMentions == nil || !slices.Equal(m.AllowedMentions.Users, []string{w.member.ID}) || m.AllowedMentions.Parse != nil {
		t.Errorf("allowed_mentions = %+v", m.AllowedMentions)
	}
	if string(m.AllowedMentionsJSON) != `{"parse":null,"users":["`+w.member.ID+`"],"replied_user":false}` {
		t.Errorf("allowed_mentions JSON = %s", m.AllowedMentionsJSON)
	}
	if len(m.Embeds) != 1 || m.Embeds[0].Type != "rich" {
		t.Errorf("embeds = %+v", m.Embeds)
	}
	users, roles, everyone := fake.WouldPing(m)
	if !slices.Equal(users, []string{w.member.ID}) || len(roles) != 0 || everyone {
		t.Errorf("WouldPing = %v %v %v, want only %s", users, roles, everyone, w.member.ID)
	}
	if len(sent.Mentions) != 1 || sent.Mentions[0].ID != w.member.ID || sent.MentionEveryone {
		t.Errorf("response mentions = %+v everyone %v", sent.Mentions, sent.MentionEveryone)
	}
	calls := fake.CallsTo("POST", "/channels/{id}/messages")
	var body map[string]any
	if len(calls) != 1 || calls[0].Decode(&body) != nil || body["allowed_mentions"] == nil {
		t.Errorf("call body = %v", body)
	}
}

func TestClosedDMsFailWith50007(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	user := fake.AddUser(&discordgo.User{Username: "private"})
	fake.SetDMsClosed(user.ID, true)
	s := newSession(t, fake, fake.Token())

	ch, err := s.UserChannelCreate(user.ID)
	if err != nil {
		t.Fatalf("opening the DM channel fails on Discord only when sending: %v", err)
	}
	_, err = s.ChannelMessageSend(ch.ID, "hello")
	re := restError(t, err)
	if re.Response.StatusCode != http.StatusForbidden || re.Message == nil || re.Message.Code != discordgo.ErrCodeCannotSendMessagesToThisUser {
		t.Errorf("error = %v", err)
	}
	if re.Message.Message != "Cannot send messages to this user" {
		t.Errorf("message = %q", re.Message.Message)
	}
	if len(fake.DMs(user.ID)) != 0 {
		t.Error("a message was stored despite the error")
	}
}

func TestFailNextThenSuccess(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	fake.FailNext("POST", "/channels/{id}/messages", http.StatusInternalServerError, 1)

	_, err := s.ChannelMessageSend(w.channel, "first try")
	if re := restError(t, err); re.Response.StatusCode != 500 {
		t.Errorf("status = %d", re.Response.StatusCode)
	}
	if _, err := s.ChannelMessageSend(w.channel, "second try"); err != nil {
		t.Fatal(err)
	}
	calls := fake.CallsTo("POST", "/channels/{id}/messages")
	if len(calls) != 2 || calls[0].Status != 500 || !calls[0].Fault || calls[1].Status != 200 {
		t.Errorf("calls = %+v", calls)
	}
	if msgs := fake.Messages(w.channel); len(msgs) != 1 || msgs[0].Content != "second try" {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestFaultAfterApplyLeavesTheMessage(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	fake.Inject(discordtest.Fault{Method: "POST", Path: "/channels/*/messages", Status: 503, AfterApply: true})

	if _, err := s.ChannelMessageSend(w.channel, "sent, but the answer was lost"); err == nil {
		t.Fatal("want an error")
	}
	if n := len(fake.Messages(w.channel)); n != 1 {
		t.Errorf("%d messages, want 1: the fault hit after Discord acted", n)
	}
}

// TestStallHoldsTheAnswerUntilTheClientGivesUp: a stalled request after Discord acted leaves the message and no
// answer; the client's own deadline ends the wait.
func TestStallHoldsTheAnswerUntilTheClientGivesUp(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	fake.Inject(discordtest.Fault{Method: "POST", Path: "/channels/*/messages", Stall: true, AfterApply: true})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := s.ChannelMessageSend(w.channel, "sent, never answered", discordgo.WithContext(ctx)); err == nil {
		t.Fatal("want an error: the answer never came")
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("the stalled request ended after %v, before the client gave up", d)
	}
	if n := len(fake.Messages(w.channel)); n != 1 {
		t.Errorf("%d messages, want 1: the request was carried out before the stall", n)
	}
}

// TestEnforcedNonceReturnsTheFirstMessage: with enforce_nonce, a second message with the same nonce returns the
// first instead of creating another; without it, or with another nonce, messages are created as usual.
func TestEnforcedNonceReturnsTheFirstMessage(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	send := func(body map[string]any) *discordgo.Message {
		t.Helper()
		var m discordgo.Message
		raw, err := s.RequestWithBucketID("POST", discordgo.EndpointChannelMessages(w.channel), body, discordgo.EndpointChannelMessages(w.channel))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return &m
	}
	first := send(map[string]any{"content": "card", "nonce": "fulcrum-F-ABCDE", "enforce_nonce": true})
	again := send(map[string]any{"content": "card, again", "nonce": "fulcrum-F-ABCDE", "enforce_nonce": true})
	if again.ID != first.ID || again.Content != "card" {
		t.Errorf("second send with the same enforced nonce created %s %q, want the first message %s", again.ID, again.Content, first.ID)
	}
	other := send(map[string]any{"content": "other", "nonce": "fulcrum-F-FGHIJ", "enforce_nonce": true})
	loose := send(map[string]any{"content": "loose", "nonce": "fulcrum-F-ABCDE"})
	if other.ID == first.ID || loose.ID == first.ID {
		t.Error("another nonce, or a nonce not enforced, returned the first message")
	}
	if n := len(fake.Messages(w.channel)); n != 3 {
		t.Errorf("%d messages, want 3", n)
	}
	_, err := s.RequestWithBucketID("POST", discordgo.EndpointChannelMessages(w.channel),
		map[string]any{"content": "x", "nonce": strings.Repeat("n", 26), "enforce_nonce": true}, discordgo.EndpointChannelMessages(w.channel))
	if re := restError(t, err); re.Message.Code != 50035 {
		t.Errorf("a 26-character nonce: code %d, want 50035", re.Message.Code)
	}
}

func TestBadGatewayIsRetriedByDiscordgo(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	fake.FailNext("POST", "/channels/{id}/messages", http.StatusBadGateway, 2)
	if _, err := s.ChannelMessageSend(w.channel, "x"); err != nil {
		t.Fatalf("discordgo retries 502 up to MaxRestRetries: %v", err)
	}
	if n := len(fake.CallsTo("POST", "/channels/{id}/messages")); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
}

func TestRateLimitIsHonoured(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	limited := make(chan *discordgo.RateLimit, 1)
	s.AddHandler(func(_ *discordgo.Session, rl *discordgo.RateLimit) { limited <- rl })
	const retry = 250 * time.Millisecond
	fake.RateLimitNext("POST", "/channels/{id}/messages", retry, 1)

	start := time.Now()
	if _, err := s.ChannelMessageSend(w.channel, "patient"); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < retry {
		t.Errorf("retried after %v, before retry_after %v", elapsed, retry)
	}
	rl := recv(t, limited, "RateLimit event")
	if rl.RetryAfter != retry {
		t.Errorf("RetryAfter = %v, want %v", rl.RetryAfter, retry)
	}
	calls := fake.CallsTo("POST", "/channels/{id}/messages")
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("calls = %+v", calls)
	}

	// Without retries discordgo hands the limit to the caller.
	s.ShouldRetryOnRateLimit = false
	fake.RateLimitNext("POST", "/channels/{id}/messages", retry, 1)
	_, err := s.ChannelMessageSend(w.channel, "impatient")
	var rle *discordgo.RateLimitError
	if !errors.As(err, &rle) || rle.RetryAfter != retry {
		t.Errorf("err = %v, want a RateLimitError with RetryAfter %v", err, retry)
	}
}

func TestDropGatewayResumesAndReplays(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	user := fake.AddUser(nil)
	_, ev := open(t, fake, dmIntents)
	recv(t, ev.ready, "READY")
	// Drop only after discordgo's first heartbeat: a drop during that write
	// makes both its heartbeat and read goroutines reconnect, and the later
	// one closes the connection the earlier one just resumed.
	if err := fake.WaitFor(ctx(t), func() bool { return fake.Heartbeats() >= 1 }); err != nil {
		t.Fatal(err)
	}

	fake.DropGateway()
	// The session is down: this event is buffered and must be replayed.
	missed := fake.SendDM(user.ID, "while you were away")

	recv(t, ev.resumed, "RESUMED")
	mc := recv(t, ev.message, "replayed MESSAGE_CREATE")
	if mc.ID != missed {
		t.Errorf("replayed message %s, want %s", mc.ID, missed)
	}
	res := fake.Resumes()
	if len(res) != 1 || !res[0].OK || res[0].Replayed != 1 {
		t.Errorf("Resumes = %+v", res)
	}
	if n := len(fake.Identifies()); n != 1 {
		t.Errorf("%d IDENTIFYs, want 1: the session resumed", n)
	}
	var seqs []int64
	for _, e := range fake.Events() {
		seqs = append(seqs, e.Seq)
	}
	if !slices.IsSorted(seqs) || slices.Compact(slices.Clone(seqs)) == nil || len(slices.Compact(slices.Clone(seqs))) != len(seqs) {
		t.Errorf("sequence numbers not strictly increasing: %v", seqs)
	}

	// And the resumed connection carries new events.
	fake.SendDM(user.ID, "after")
	if mc := recv(t, ev.message, "MESSAGE_CREATE after resume"); mc.Content != "after" {
		t.Errorf("content = %q", mc.Content)
	}
}

func TestUnknownRouteAndAuth(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	s := newSession(t, fake, fake.Token())

	_, err := s.Request("GET", discordgo.EndpointAPI+"no/such/route", nil)
	if re := restError(t, err); re.Response.StatusCode != 404 || re.Message == nil || re.Message.Message != "404: Not Found" || re.Message.Code != 0 {
		t.Errorf("unknown route = %v", err)
	}
	if u := fake.UnknownCalls(); len(u) != 1 || u[0].Path != "/no/such/route" || u[0].Version != 9 {
		t.Errorf("UnknownCalls = %+v", u)
	}

	me, err := s.User("@me")
	if err != nil || me.ID != fake.BotUser().ID {
		t.Errorf("GET /users/@me = %+v, %v", me, err)
	}
	bad := newSession(t, fake, "wrong-token")
	_, err = bad.User("@me")
	if re := restError(t, err); re.Response.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token = %v, want 401", err)
	}
}

func TestGuildRoutes(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	role := fake.AddRole(w.guild.ID, &discordgo.Role{Name: "counsellor", Permissions: discordgo.PermissionManageMessages})
	fake.AddMember(w.guild.ID, w.member, role.ID)
	s := newSession(t, fake, fake.Token())

	g, err := s.Guild(w.guild.ID)
	if err != nil || g.Name != "Clinic" || g.OwnerID != w.guild.OwnerID || len(g.Roles) != 2 {
		t.Errorf("Guild = %+v, %v", g, err)
	}
	m, err := s.GuildMember(w.guild.ID, w.member.ID)
	if err != nil || m.User.ID != w.member.ID || !slices.Equal(m.Roles, []string{role.ID}) {
		t.Errorf("GuildMember = %+v, %v", m, err)
	}
	roles, err := s.GuildRoles(w.guild.ID)
	if err != nil || len(roles) != 2 || roles[1].Permissions != discordgo.PermissionManageMessages {
		t.Errorf("GuildRoles = %+v, %v", roles, err)
	}
	chans, err := s.GuildChannels(w.guild.ID)
	if err != nil || len(chans) != 1 || chans[0].ID != w.channel {
		t.Errorf("GuildChannels = %+v, %v", chans, err)
	}
	ch, err := s.Channel(w.channel)
	if err != nil || ch.GuildID != w.guild.ID {
		t.Errorf("Channel = %+v, %v", ch, err)
	}
	_, err = s.GuildMember(w.guild.ID, fake.NewID())
	if re := restError(t, err); re.Response.StatusCode != 404 {
		t.Errorf("unknown member = %v", err)
	}
}

func TestCommandsBulkOverwrite(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	cmds := []*discordgo.ApplicationCommand{
		{Name: "intake", Description: "Start an intake", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: "What about", Required: true},
		}},
		{Name: "help", Description: "Get help"},
	}
	created, err := s.ApplicationCommandBulkOverwrite(fake.ApplicationID(), "", cmds)
	if err != nil {
		t.Fatal(err)
	}
	if len(created) != 2 || created[0].ID == "" || created[0].ApplicationID != fake.ApplicationID() {
		t.Fatalf("created = %+v", created)
	}
	again, err := s.ApplicationCommandBulkOverwrite(fake.ApplicationID(), "", cmds[:1])
	if err != nil {
		t.Fatal(err)
	}
	if again[0].ID != created[0].ID {
		t.Errorf("overwrite changed the id of an unchanged command")
	}
	if got := fake.Commands(""); len(got) != 1 || got[0].Name != "intake" {
		t.Errorf("Commands = %+v", got)
	}
	// A slash command uses the registered id.
	in := fake.SlashCommand(w.guild.ID, w.member.ID, "intake", discordtest.StringOption("topic", "x"))
	if !strings.Contains(string(in.Payload), `"id":"`+created[0].ID+`"`) {
		t.Errorf("interaction data does not carry the command id %s", created[0].ID)
	}

	if _, err := s.ApplicationCommandBulkOverwrite(fake.ApplicationID(), w.guild.ID, []*discordgo.ApplicationCommand{{Name: "Bad Name", Description: "x"}}); err == nil {
		t.Error("an invalid command name was accepted")
	} else if re := restError(t, err); re.Message.Code != 50035 {
		t.Errorf("invalid name error = %v", err)
	}
}

func TestThreads(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s, ev := open(t, fake, dmIntents)
	recv(t, ev.guildCreate, "GUILD_CREATE")

	th, err := s.ThreadStartComplex(w.channel, &discordgo.ThreadStart{Name: "handoff", Type: discordgo.ChannelTypeGuildPrivateThread, Invitable: false})
	if err != nil {
		t.Fatal(err)
	}
	if th.Type != discordgo.ChannelTypeGuildPrivateThread || th.ParentID != w.channel || th.ThreadMetadata == nil {
		t.Errorf("thread = %+v", th)
	}
	if tc := recv(t, ev.threadCreate, "THREAD_CREATE"); tc.ID != th.ID {
		t.Errorf("THREAD_CREATE %s, want %s", tc.ID, th.ID)
	}
	if err := s.ThreadMemberAdd(th.ID, w.member.ID); err != nil {
		t.Fatal(err)
	}
	if got := fake.ThreadMembers(th.ID); len(got) != 2 {
		t.Errorf("thread members = %v", got)
	}
	if _, err := s.ChannelMessageSend(th.ID, "A counsellor will join you here."); err != nil {
		t.Fatal(err)
	}

	msg, err := s.ChannelMessageSend(w.channel, "case 12")
	if err != nil {
		t.Fatal(err)
	}
	mt, err := s.MessageThreadStart(w.channel, msg.ID, "case 12", 1440)
	if err != nil {
		t.Fatal(err)
	}
	if mt.ID != msg.ID || mt.Type != discordgo.ChannelTypeGuildPublicThread {
		t.Errorf("message thread = %s type %d, want id %s public", mt.ID, mt.Type, msg.ID)
	}
	if _, err := s.MessageThreadStart(w.channel, msg.ID, "again", 1440); err == nil {
		t.Error("a second thread on one message was accepted")
	}
	if n := len(fake.Threads(w.channel)); n != 2 {
		t.Errorf("%d threads, want 2", n)
	}
}

func TestMultipartUpload(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	sent, err := s.ChannelMessageSendComplex(w.channel, &discordgo.MessageSend{
		Content: "summary attached",
		Files:   []*discordgo.File{{Name: "summary.txt", ContentType: "text/plain", Reader: bytes.NewReader([]byte("all good"))}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(sent.Attachments) != 1 || sent.Attachments[0].Filename != "summary.txt" || sent.Attachments[0].Size != 8 {
		t.Errorf("attachments = %+v", sent.Attachments)
	}
	m, _ := fake.Message(sent.ID)
	if len(m.Files) != 1 || string(m.Files[0].Data) != "all good" || m.Files[0].Field != "files[0]" {
		t.Errorf("files = %+v", m.Files)
	}
	calls := fake.CallsTo("POST", "/channels/{id}/messages")
	var body struct {
		Content string `json:"content"`
	}
	if len(calls) != 1 || calls[0].Decode(&body) != nil || body.Content != "summary attached" || len(calls[0].Files) != 1 {
		t.Errorf("call = %+v", calls)
	}
}

func TestMessageLimits(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	tests := []struct {
		name string
		msg  *discordgo.MessageSend
		code int
	}{
		{"content over 2000", &discordgo.MessageSend{Content: strings.Repeat("a", 2001)}, 50035},
		{"empty", &discordgo.MessageSend{}, 50006},
		{"duplicate custom id", &discordgo.MessageSend{Content: "x", Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "a", Style: discordgo.PrimaryButton, CustomID: "same"},
				discordgo.Button{Label: "b", Style: discordgo.PrimaryButton, CustomID: "same"},
			}},
		}}, 50035},
		{"six buttons", &discordgo.MessageSend{Content: "x", Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "1", CustomID: "1", Style: 1}, discordgo.Button{Label: "2", CustomID: "2", Style: 1},
				discordgo.Button{Label: "3", CustomID: "3", Style: 1}, discordgo.Button{Label: "4", CustomID: "4", Style: 1},
				discordgo.Button{Label: "5", CustomID: "5", Style: 1}, discordgo.Button{Label: "6", CustomID: "6", Style: 1},
			}},
		}}, 50035},
		{"parse users with a users list", &discordgo.MessageSend{Content: "x", AllowedMentions: &discordgo.MessageAllowedMentions{
			Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}, Users: []string{"1"},
		}}, 50035},
		{"embed field without value", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: []*discordgo.MessageEmbedField{{Name: "n"}}}}}, 50035},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.ChannelMessageSendComplex(w.channel, tt.msg)
			re := restError(t, err)
			if re.Response.StatusCode != 400 || re.Message == nil || re.Message.Code != tt.code {
				t.Errorf("error = %v, want 400 code %d", err, tt.code)
			}
		})
	}
	if n := len(fake.Messages(w.channel)); n != 0 {
		t.Errorf("%d invalid messages were stored", n)
	}
}

func TestMissingPermissions(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	// A member overwrite denies the bot SEND_MESSAGES in the only channel.
	g2 := fake.AddGuild(&discordgo.Guild{Name: "Read only", Channels: []*discordgo.Channel{{
		Name: "announcements",
		PermissionOverwrites: []*discordgo.PermissionOverwrite{{
			Type: discordgo.PermissionOverwriteTypeMember, ID: fake.BotUser().ID, Deny: discordgo.PermissionSendMessages,
		}},
	}}})
	s := newSession(t, fake, fake.Token())
	_, err := s.ChannelMessageSend(g2.Channels[0].ID, "hi")
	if re := restError(t, err); re.Response.StatusCode != 403 || re.Message.Code != 50013 {
		t.Errorf("error = %v, want 403 50013", err)
	}
}

func TestInvalidSessionMakesDiscordgoIdentifyAgain(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	_, ev := open(t, fake, dmIntents)
	first := recv(t, ev.ready, "READY")
	fake.InvalidateSessions()
	second := recv(t, ev.ready, "second READY")
	if second.SessionID == first.SessionID {
		t.Error("a new IDENTIFY got the old session id")
	}
	if n := len(fake.Identifies()); n != 2 {
		t.Errorf("%d IDENTIFYs, want 2", n)
	}
}

func TestEditAndDeleteThroughREST(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	sent, err := s.ChannelMessageSendComplex(w.channel, &discordgo.MessageSend{
		Content:         "draft",
		AllowedMentions: &discordgo.MessageAllowedMentions{},
	})
	if err != nil {
		t.Fatal(err)
	}
	content := "final <@" + w.member.ID + ">"
	edit := discordgo.NewMessageEdit(w.channel, sent.ID)
	edit.Content = &content
	edit.Embeds = &[]*discordgo.MessageEmbed{{Title: "Summary"}}
	if _, err := s.ChannelMessageEditComplex(edit); err != nil {
		t.Fatal(err)
	}
	m, _ := fake.Message(sent.ID)
	if m.Content != content || len(m.Embeds) != 1 || m.EditedTimestamp == nil {
		t.Errorf("edited = %q embeds %d edited %v", m.Content, len(m.Embeds), m.EditedTimestamp)
	}
	// The edit had no allowed_mentions, so Discord's default applies.
	if u, _, _ := fake.WouldPing(m); !slices.Equal(u, []string{w.member.ID}) {
		t.Errorf("WouldPing after edit = %v", u)
	}

	userMsg := fake.SendMessage(w.channel, w.member.ID, "mine")
	other := "hijack"
	e2 := discordgo.NewMessageEdit(w.channel, userMsg)
	e2.Content = &other
	if _, err := s.ChannelMessageEditComplex(e2); err == nil {
		t.Error("editing a member's message was accepted")
	} else if re := restError(t, err); re.Message.Code != 50005 {
		t.Errorf("error = %v, want 50005", err)
	}
	if err := s.ChannelMessageDelete(w.channel, sent.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.BotMessages(w.channel)); n != 0 {
		t.Errorf("%d bot messages after delete", n)
	}
}

func TestWaitForChannelAndMessagesAfter(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	user := fake.AddUser(&discordgo.User{Username: "robin"})
	dm := fake.DMChannelID(user.ID)
	first := fake.SendDM(user.ID, "first")
	if _, err := s.ChannelMessageSend(dm, "reply one"); err != nil {
		t.Fatal(err)
	}
	second := fake.SendDM(user.ID, "second")

	contents := func(ms []discordtest.Message) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Content)
		}
		return out
	}
	if got, want := contents(fake.MessagesAfter(dm, first)), []string{"reply one", "second"}; !slices.Equal(got, want) {
		t.Errorf("MessagesAfter(first) = %q, want %q", got, want)
	}
	if got := contents(fake.MessagesAfter(dm, second)); len(got) != 0 {
		t.Errorf("MessagesAfter(the last) = %q, want none", got)
	}
	if got := len(fake.MessagesAfter(dm, "")); got != 3 {
		t.Errorf("MessagesAfter(\"\") holds %d messages, want 3", got)
	}

	// A waiter on the DM channel wakes for a new message there, and for an edit, whatever happens elsewhere.
	replied := make(chan error, 1)
	go func() {
		replied <- fake.WaitForChannel(ctx(t), dm, func() bool {
			for _, m := range fake.MessagesAfter(dm, second) {
				if m.Content == "reply two, edited" {
					return true
				}
			}
			return false
		})
	}()
	fake.SendMessage(w.channel, w.member.ID, "elsewhere")
	sent, err := s.ChannelMessageSend(dm, "reply two")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelMessageEdit(dm, sent.ID, "reply two, edited"); err != nil {
		t.Fatal(err)
	}
	if err := recv(t, replied, "the waiter's answer"); err != nil {
		t.Errorf("WaitForChannel: %v", err)
	}

	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := fake.WaitForChannel(short, dm, func() bool { return false }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitForChannel on a condition never met = %v, want the context's deadline", err)
	}
}

func TestRemoveMember(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	if _, err := s.GuildMember(w.guild.ID, w.member.ID); err != nil {
		t.Fatalf("GuildMember before leaving: %v", err)
	}
	fake.RemoveMember(w.guild.ID, w.member.ID)
	_, err := s.GuildMember(w.guild.ID, w.member.ID)
	if re := restError(t, err); re.Message.Code != 10007 {
		t.Errorf("GuildMember after leaving = %v, want 10007 Unknown Member", err)
	}
	if g, _ := fake.Guild(w.guild.ID); slices.ContainsFunc(g.Members, func(m *discordgo.Member) bool { return m.User.ID == w.member.ID }) {
		t.Error("the guild still lists the member")
	}
}
