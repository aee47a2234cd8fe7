package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/bot/discordtest"
	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/crisis"
	"github.com/fulcrum-intake/fulcrum/internal/redistest"
	"github.com/fulcrum-intake/fulcrum/ops"
	"github.com/fulcrum-intake/fulcrum/store"
)

// waitLimit bounds every wait in these tests.
const waitLimit = 10 * time.Second

// syncBuffer is a log sink the bot and the test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is the bot running against the fake Discord and a real Redis under a prefix of its own.
type harness struct {
	t      *testing.T
	fake   *discordtest.Fake
	st     *store.Redis
	rdb    *redis.Client
	prefix string
	flow   *flows.Flow
	logs   *syncBuffer
	bot    *Bot
	// expectErrors lists Discord error codes a test provokes on purpose.
	expectErrors []int
}

// harnessConfig changes how the harness builds the bot.
type harnessConfig struct {
	fake []discordtest.Option
	// wrap replaces the engine the bot sees, e.g. by a slower one.
	wrap     func(Intake) Intake
	ackAfter time.Duration
	// clock, when set, is the time the bot and the engine see.
	clock *testClock
	// limit, when set, is the per-member rate limit (messages a minute).
	limit int
	// metrics, when set, is what the bot counts into.
	metrics *ops.Metrics
	// membershipTTL, when set, is how long the bot remembers a member's servers.
	membershipTTL time.Duration
	// transport, when set, wraps the bot's HTTP transport to Discord.
	transport func(http.RoundTripper) http.RoundTripper
}

// testClock is a clock a test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: time.Now()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newHarness(t *testing.T, opts ...discordtest.Option) *harness {
	t.Helper()
	return newHarnessWith(t, harnessConfig{fake: opts})
}

func newHarnessWith(t *testing.T, cfg harnessConfig) *harness {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	st := store.New(rdb, store.Options{Prefix: prefix, SessionTTL: time.Hour})
	flow, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := crisis.Load()
	if err != nil {
		t.Fatal(err)
	}
	var now func() time.Time
	if cfg.clock != nil {
		now = cfg.clock.Now
	}
	var eng Intake = flows.NewEngine(flow, st, dir, flows.Options{Now: now})
	if cfg.wrap != nil {
		eng = cfg.wrap(eng)
	}
	fake := discordtest.New(t, cfg.fake...)
	s, err := NewSession(fake.Token(), fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.transport != nil {
		s.Client.Transport = cfg.transport(s.Client.Transport)
	}
	logs := &syncBuffer{}
	var limiter Limiter
	if cfg.limit > 0 {
		limiter = store.NewLimiter(rdb, store.LimitOptions{Prefix: prefix, Member: cfg.limit, Period: time.Minute})
	}
	b := New(s, eng, st, Options{
		Limiter:       limiter,
		Logger:        slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		AckAfter:      cfg.ackAfter,
		OutboxPoll:    20 * time.Millisecond,
		RetryBase:     5 * time.Millisecond,
		RetryMax:      40 * time.Millisecond,
		Now:           now,
		ReminderPoll:  20 * time.Millisecond,
		Metrics:       cfg.metrics,
		MembershipTTL: cfg.membershipTTL,
		KnownRegion: func(code string) (string, bool) {
			r, _ := dir.For(code)
			return r.Code, r.Code != crisis.IntlCode
		},
	})
	h := &harness{t: t, fake: fake, st: st, rdb: rdb, prefix: prefix, flow: flow, logs: logs, bot: b}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("Run did not return 20 s after its context ended")
		}
		h.checkCalls()
	})
	wctx, wcancel := context.WithTimeout(context.Background(), waitLimit)
	defer wcancel()
	if err := fake.WaitConnected(wctx); err != nil {
		t.Fatal(err)
	}
	return h
}

// checkCalls fails the test on any REST call Discord refused that the test did not provoke: a wrong route, a
// late acknowledgement, a message over a limit.
func (h *harness) checkCalls() {
	for _, c := range h.fake.Calls() {
		if c.Status < 400 || c.Fault {
			continue
		}
		var body struct {
			Code int `json:"code"`
		}
		_ = json.Unmarshal(c.Response, &body)
		if slices.Contains(h.expectErrors, body.Code) {
			continue
		}
		h.t.Errorf("Discord refused %s %s: %d %s", c.Method, c.Path, c.Status, c.Response)
	}
}

// server is a guild with a moderator channel and an urgent role.
type server struct {
	id, general, mods, urgentRole, modRole, owner string
}

// addServer adds a guild; setUp stores its settings as /fulcrum-setup would.
func (h *harness) addServer(name string, setUp bool) server {
	h.t.Helper()
	g := h.fake.AddGuild(&discordgo.Guild{Name: name, Channels: []*discordgo.Channel{
		{Name: "general", Type: discordgo.ChannelTypeGuildText},
		{Name: "mods", Type: discordgo.ChannelTypeGuildText},
	}})
	s := server{id: g.ID, owner: g.OwnerID}
	for _, c := range g.Channels {
		switch c.Name {
		case "general":
			s.general = c.ID
		case "mods":
			s.mods = c.ID
		}
	}
	s.urgentRole = h.fake.AddRole(g.ID, &discordgo.Role{Name: "on-call", Mentionable: true}).ID
	s.modRole = h.fake.AddRole(g.ID, &discordgo.Role{Name: "moderators", Mentionable: true}).ID
	if setUp {
		if err := h.st.SaveGuild(context.Background(), h.guildSettings(s)); err != nil {
			h.t.Fatal(err)
		}
	}
	return s
}

// guildSettings are a server's settings as /fulcrum-setup stores them.
func (h *harness) guildSettings(s server) store.GuildSettings {
	return store.GuildSettings{
		GuildID: s.id, ModeratorChannel: s.mods, ModeratorRole: s.modRole, UrgentRole: s.urgentRole, Region: "GB",
	}
}

func (h *harness) addMember(s server, name string) string {
	h.t.Helper()
	return h.fake.AddMember(s.id, &discordgo.User{Username: name}).ID
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	h.t.Cleanup(cancel)
	return ctx
}

// component is a message component as the fake holds it.
type component struct {
	Type     int    `json:"type"`
	CustomID string `json:"custom_id"`
	Label    string `json:"label"`
	Style    int    `json:"style"`
	URL      string `json:"url"`
	Disabled bool   `json:"disabled"`
	Options  []struct {
		Label   string `json:"label"`
		Value   string `json:"value"`
		Default bool   `json:"default"`
	} `json:"options"`
	Components []component `json:"components"`
}

// componentsOf lists a message's interactive components, rows flattened.
func componentsOf(m discordtest.Message) []component {
	var raw struct {
		Components []component `json:"components"`
	}
	_ = json.Unmarshal(m.JSON, &raw)
	var out []component
	for _, row := range raw.Components {
		out = append(out, row.Components...)
	}
	return out
}

// questionComponent returns the enabled component of a question state that offers choice.
func questionComponent(m discordtest.Message, state, choice string) (component, bool) {
	for _, c := range componentsOf(m) {
		if c.Disabled {
			continue
		}
		if c.CustomID == idChoice+state+"|"+choice {
			return c, true
		}
		if strings.HasPrefix(c.CustomID, idSelect+state+"|") {
			for _, o := range c.Options {
				if o.Value == choice {
					return c, true
				}
			}
		}
	}
	return component{}, false
}

// botMessages returns the bot's messages in a channel.
func (h *harness) botMessages(channelID string) []discordtest.Message {
	return h.fake.BotMessages(channelID)
}

// waitQuestion waits until a message in channelID asks state with enabled components offering choice.
func (h *harness) waitQuestion(channelID, state, choice string) (discordtest.Message, component) {
	h.t.Helper()
	var msg discordtest.Message
	var comp component
	err := h.fake.WaitFor(h.ctx(), func() bool {
		msgs := h.botMessages(channelID)
		for i := len(msgs) - 1; i >= 0; i-- {
			if c, ok := questionComponent(msgs[i], state, choice); ok {
				msg, comp = msgs[i], c
				return true
			}
		}
		return false
	})
	if err != nil {
		h.t.Fatalf("no question %s offering %q in channel %s: %v\nbot messages:\n%s", state, choice, channelID, err, h.dump(channelID))
	}
	return msg, comp
}

func (h *harness) dump(channelID string) string {
	var b strings.Builder
	for _, m := range h.botMessages(channelID) {
		b.WriteString("---\n" + truncate(m.Content, 200) + "\n")
		for _, c := range componentsOf(m) {
			b.WriteString("  [" + c.CustomID + " disabled=" + boolString(c.Disabled) + "]\n")
		}
	}
	return b.String()
}

func boolString(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// pick answers state in a channel by clicking choices, and returns the interaction's acknowledgement.
func (h *harness) pick(userID, channelID, state string, choices ...string) discordtest.Response {
	h.t.Helper()
	msg, comp := h.waitQuestion(channelID, state, choices[0])
	var ia *discordtest.Interaction
	if comp.Type == int(discordgo.ButtonComponent) {
		ia = h.fake.Click(userID, channelID, msg.ID, comp.CustomID)
	} else {
		ia = h.fake.Click(userID, channelID, msg.ID, comp.CustomID, choices...)
	}
	resp, err := h.fake.WaitAck(h.ctx(), ia.ID)
	if err != nil {
		h.t.Fatalf("click on %s not acknowledged: %v", state, err)
	}
	return resp
}

// waitContent waits until one of the bot's messages in channelID contains text, and returns it.
func (h *harness) waitContent(channelID, text string) discordtest.Message {
	h.t.Helper()
	var found discordtest.Message
	err := h.fake.WaitFor(h.ctx(), func() bool {
		for _, m := range h.botMessages(channelID) {
			if strings.Contains(m.Content, text) {
				found = m
				return true
			}
		}
		return false
	})
	if err != nil {
		h.t.Fatalf("no bot message containing %q: %v\nbot messages:\n%s", text, err, h.dump(channelID))
	}
	return found
}

// question is the start of a state's question text, to recognise it.
func (h *harness) question(state string) string {
	st, ok := h.flow.State(state)
	if !ok {
		h.t.Fatalf("no state %s", state)
	}
	r := []rune(st.Say)
	return string(r[:min(len(r), 40)])
}

// step is one answer in a scripted intake: choices to click, or text to type.
type step struct {
	state   string
	choices []string
	text    string
}

// walk answers each step in the member's DM.
func (h *harness) walk(userID string, steps []step) {
	h.t.Helper()
	dm := h.fake.DMChannelID(userID)
	for _, s := range steps {
		if s.text != "" {
			h.waitContent(dm, h.question(s.state))
			before := len(h.botMessages(dm))
			h.fake.SendDM(userID, s.text)
			if _, err := h.fake.WaitBotMessages(h.ctx(), dm, before+1); err != nil {
				h.t.Fatalf("no answer to the typed %s: %v", s.state, err)
			}
			continue
		}
		resp := h.pick(userID, dm, s.state, s.choices...)
		if resp.Type != discordgo.InteractionResponseUpdateMessage && resp.Type != discordgo.InteractionResponseDeferredMessageUpdate {
			h.t.Fatalf("click on %s answered with type %d, want 7 (update message)", s.state, resp.Type)
		}
	}
}

// waitCard waits for the handoff card in a moderator channel.
func (h *harness) waitCard(channelID string) discordtest.Message {
	h.t.Helper()
	msgs, err := h.fake.WaitBotMessages(h.ctx(), channelID, 1)
	if err != nil {
		h.t.Fatalf("no handoff card in the moderator channel: %v", err)
	}
	return msgs[0]
}

// eventually waits, boundedly, for a condition on state outside the fake (Redis), checking it every few
// milliseconds: Redis offers nothing to wait on.
func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting until %s", what)
		}
		<-tick.C
	}
}

// waitCardTitled waits for a card whose embed title contains text.
func (h *harness) waitCardTitled(channelID, text string) discordtest.Message {
	h.t.Helper()
	var found discordtest.Message
	err := h.fake.WaitFor(h.ctx(), func() bool {
		for _, m := range h.botMessages(channelID) {
			if len(m.Embeds) == 1 && strings.Contains(m.Embeds[0].Title, text) {
				found = m
				return true
			}
		}
		return false
	})
	if err != nil {
		h.t.Fatalf("no card titled %q in the moderator channel: %v", text, err)
	}
	return found
}

// keys lists every Redis key under the test's prefix.
func (h *harness) keys() []string {
	var out []string
	iter := h.rdb.Scan(context.Background(), 0, h.prefix+"*", 500).Iterator()
	for iter.Next(context.Background()) {
		out = append(out, iter.Val())
	}
	if err := iter.Err(); err != nil {
		h.t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// noPings fails unless Discord would notify nobody for the message, wherever it landed.
func (h *harness) noPings(m discordtest.Message, what string) {
	h.t.Helper()
	users, roles, everyone := h.fake.MayPing(m)
	if len(users) > 0 || len(roles) > 0 || everyone {
		h.t.Errorf("%s may ping users %v roles %v everyone %v; want nobody", what, users, roles, everyone)
	}
}
