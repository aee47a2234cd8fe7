package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultEveryonePermissions is the permission set the fake gives a guild's
// @everyone role when the seeded guild has none: what a member of a fresh
// server may do, without MENTION_EVERYONE or any moderation right.
const DefaultEveryonePermissions int64 = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages |
	discordgo.PermissionEmbedLinks |
	discordgo.PermissionAttachFiles |
	discordgo.PermissionReadMessageHistory |
	discordgo.PermissionAddReactions |
	discordgo.PermissionUseExternalEmojis |
	discordgo.PermissionUseApplicationCommands |
	discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionCreatePrivateThreads |
	discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionCreateInstantInvite |
	discordgo.PermissionChangeNickname

// dmPermissions is what Discord reports as app_permissions in a DM.
const dmPermissions int64 = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages |
	discordgo.PermissionEmbedLinks |
	discordgo.PermissionAttachFiles |
	discordgo.PermissionReadMessageHistory |
	discordgo.PermissionAddReactions |
	discordgo.PermissionUseExternalEmojis |
	discordgo.PermissionMentionEveryone |
	discordgo.PermissionUseApplicationCommands

// discordEpoch is the first millisecond of 2015, where snowflakes start.
const discordEpoch = 1420070400000

// Option configures a Fake.
type Option func(*config)

type config struct {
	token       string
	botID       string
	botName     string
	appID       string
	appFlags    int
	deadline    time.Duration
	heartbeat   time.Duration
	privileged  discordgo.Intent
	shards      int
	waitTimeout time.Duration
	retryAfter  time.Duration
}

// WithToken sets the bot token REST calls and IDENTIFY must carry
// (without the "Bot " prefix). The default is "fake-bot-token".
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// WithBotUser sets the bot user's id and username.
func WithBotUser(id, username string) Option {
	return func(c *config) { c.botID, c.botName = id, username }
}

// WithApplication sets the application id and flags sent in READY. The
// default id is the bot user's id, as for applications created since 2019.
func WithApplication(id string, flags int) Option {
	return func(c *config) { c.appID, c.appFlags = id, flags }
}

// WithInteractionDeadline sets how long after an interaction is created its
// first response is accepted. Discord's window, and the default, is 3 s.
func WithInteractionDeadline(d time.Duration) Option { return func(c *config) { c.deadline = d } }

// WithHeartbeatInterval sets the heartbeat_interval sent in HELLO. The
// default is Discord's usual 41.25 s.
func WithHeartbeatInterval(d time.Duration) Option { return func(c *config) { c.heartbeat = d } }

// WithPrivilegedIntents sets which privileged intents (GUILD_MEMBERS,
// GUILD_PRESENCES, MESSAGE_CONTENT) the application is allowed in its
// developer portal. Asking for any other privileged intent closes the
// gateway with 4014 "Disallowed intent(s)", as Discord does. The default is
// none.
func WithPrivilegedIntents(i discordgo.Intent) Option { return func(c *config) { c.privileged = i } }

// WithRecommendedShards sets the shard count GET /gateway/bot recommends.
func WithRecommendedShards(n int) Option { return func(c *config) { c.shards = n } }

// WithWaitTimeout bounds the Wait methods when their context has no
// deadline. The default is 10 s.
func WithWaitTimeout(d time.Duration) Option { return func(c *config) { c.waitTimeout = d } }

// WithDefaultRetryAfter sets the retry_after of 429 faults that do not set
// their own. The default is 100 ms.
func WithDefaultRetryAfter(d time.Duration) Option { return func(c *config) { c.retryAfter = d } }

// Fake is a fake Discord: REST API and gateway. Create one with New.
type Fake struct {
	t        testing.TB
	cfg      config
	srv      *httptest.Server
	bot      discordgo.User
	routes   []route
	mentions mentionPatterns

	idMu   sync.Mutex
	lastID uint64

	// wg counts gateway goroutines so Close can wait for them.
	wg sync.WaitGroup

	// stop is closed when the fake closes, releasing stalled requests.
	stop chan struct{}

	mu           sync.Mutex
	changed      chan struct{}
	closed       bool
	users        map[string]*discordgo.User
	dmClosed     map[string]bool
	guilds       map[string]*guildState
	guildOrder   []string
	channels     map[string]*channelState
	dmByUser     map[string]string
	messages     map[string]*storedMessage
	nonces       map[string]nonceUse // author + nonce of messages sent with enforce_nonce
	channelMsgs  map[string][]string
	commands     map[string][]map[string]any
	interactions map[string]*interactionState
	byToken      map[string]*interactionState
	calls        []Call
	faults       []*Fault
	sessions     map[string]*gwSession
	conns        map[*gwConn]struct{}
	identifies   []Identify
	resumes      []Resume
	events       []Event
	presences    []json.RawMessage
	heartbeats   int

	// channelChanged holds, for each channel a WaitForChannel waits on, a
	// channel closed when one of its messages is created, edited or deleted.
	channelChanged map[string]chan struct{}
}

type guildState struct {
	id          string
	name        string
	ownerID     string
	joinedAt    time.Time
	roles       []*discordgo.Role
	members     map[string]*memberState
	memberOrder []string
	channelIDs  []string
}

type memberState struct {
	userID   string
	nick     string
	roles    []string
	joinedAt time.Time
}

type channelState struct {
	ch *discordgo.Channel
	// recipientID is the other user of a DM channel.
	recipientID   string
	threadMembers map[string]bool
}

// New starts a fake Discord on 127.0.0.1 and stops it when the test ends.
// The bot user and application exist from the start; seed guilds, users and
// members with the Add methods.
func New(t testing.TB, opts ...Option) *Fake {
	t.Helper()
	f := &Fake{
		t: t,
		cfg: config{
			token:       "fake-bot-token",
			botName:     "fulcrum",
			deadline:    discordgo.InteractionDeadline,
			heartbeat:   41250 * time.Millisecond,
			shards:      1,
			waitTimeout: 10 * time.Second,
			retryAfter:  100 * time.Millisecond,
		},
		stop:         make(chan struct{}),
		nonces:       map[string]nonceUse{},
		changed:      make(chan struct{}),
		users:        map[string]*discordgo.User{},
		dmClosed:     map[string]bool{},
		guilds:       map[string]*guildState{},
		channels:     map[string]*channelState{},
		dmByUser:     map[string]string{},
		messages:     map[string]*storedMessage{},
		channelMsgs:  map[string][]string{},
		commands:     map[string][]map[string]any{},
		interactions: map[string]*interactionState{},
		byToken:      map[string]*interactionState{},
		sessions:     map[string]*gwSession{},
		conns:        map[*gwConn]struct{}{},
		routes:       apiRoutes(),
		mentions:     newMentionPatterns(),

		channelChanged: map[string]chan struct{}{},
	}
	for _, o := range opts {
		o(&f.cfg)
	}
	if f.cfg.botID == "" {
		f.cfg.botID = f.NewID()
	}
	if f.cfg.appID == "" {
		f.cfg.appID = f.cfg.botID
	}
	f.bot = discordgo.User{ID: f.cfg.botID, Username: f.cfg.botName, Discriminator: "0", Bot: true}
	bot := f.bot
	f.users[bot.ID] = &bot

	f.srv = httptest.NewServer(f)
	t.Cleanup(f.close)
	return f
}

// close stops the gateway connections and the server, waiting (boundedly)
// for the fake's goroutines to end.
func (f *Fake) close() {
	f.mu.Lock()
	f.closed = true
	for c := range f.conns {
		c.drop()
	}
	f.mu.Unlock()
	close(f.stop)
	f.srv.Close()
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		// A gateway goroutine stuck this long is a bug in the fake; report it
		// rather than hang the test binary.
		f.t.Errorf("discordtest: gateway goroutines still running 5s after the test")
	}
}

// URL returns the fake's base URL, "http://127.0.0.1:PORT". REST lives under
// URL()+"/api/v9/" (and v10) and the gateway at GatewayURL.
func (f *Fake) URL() string { return f.srv.URL }

// GatewayURL returns the websocket URL GET /gateway answers with.
func (f *Fake) GatewayURL() string {
	return "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/gateway"
}

// Token returns the bot token without the "Bot " prefix. Pass "Bot "+Token()
// to discordgo.New.
func (f *Fake) Token() string { return f.cfg.token }

// BotUser returns the bot's user.
func (f *Fake) BotUser() discordgo.User { return f.bot }

// ApplicationID returns the application id.
func (f *Fake) ApplicationID() string { return f.cfg.appID }

// NewID returns a fresh snowflake, later than every id the fake made before.
func (f *Fake) NewID() string {
	f.idMu.Lock()
	defer f.idMu.Unlock()
	id := uint64(time.Now().UnixMilli()-discordEpoch) << 22
	if id <= f.lastID {
		id = f.lastID + 1
	}
	f.lastID = id
	return strconv.FormatUint(id, 10)
}

// notifyLocked wakes every waiter; call it after any change of state.
func (f *Fake) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// touchChannelLocked wakes the WaitForChannel waiters of a channel; call it
// when one of the channel's messages is created, edited or deleted.
func (f *Fake) touchChannelLocked(channelID string) {
	if ch, ok := f.channelChanged[channelID]; ok {
		close(ch)
		delete(f.channelChanged, channelID)
	}
}

// bounded gives a ctx without deadline the fake's wait timeout.
func (f *Fake) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, f.cfg.waitTimeout)
}

// WaitFor blocks until cond returns true, re-checking it whenever the fake's
// state changes (a call, a message, a gateway event). It returns an error
// when ctx ends first; a ctx without deadline is bounded by the wait timeout
// (10 s unless WithWaitTimeout says otherwise). cond may call the fake's
// accessors.
func (f *Fake) WaitFor(ctx context.Context, cond func() bool) error {
	ctx, cancel := f.bounded(ctx)
	defer cancel()
	for {
		f.mu.Lock()
		ch := f.changed
		f.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("discordtest: condition not met: %w", context.Cause(ctx))
		}
	}
}

// WaitForChannel is WaitFor for a condition on the messages of one channel:
// it re-checks cond only when a message of that channel is created, edited
// or deleted, so that many tests' waiters, each on its own channel, cost
// what their own channels change rather than every change the fake sees.
// cond must depend on that channel's messages only.
func (f *Fake) WaitForChannel(ctx context.Context, channelID string, cond func() bool) error {
	ctx, cancel := f.bounded(ctx)
	defer cancel()
	for {
		f.mu.Lock()
		ch, ok := f.channelChanged[channelID]
		if !ok {
			ch = make(chan struct{})
			f.channelChanged[channelID] = ch
		}
		f.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("discordtest: condition on channel %s not met: %w", channelID, context.Cause(ctx))
		}
	}
}

// AddUser makes a user known to the fake and returns it with defaults
// filled in (id, username, discriminator "0").
func (f *Fake) AddUser(u *discordgo.User) *discordgo.User {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addUserLocked(u)
}

func (f *Fake) addUserLocked(u *discordgo.User) *discordgo.User {
	if u == nil {
		u = &discordgo.User{}
	}
	c := *u
	if c.ID == "" {
		c.ID = f.NewID()
	}
	if c.Username == "" {
		c.Username = "user" + c.ID[max(0, len(c.ID)-4):]
	}
	if c.Discriminator == "" {
		c.Discriminator = "0"
	}
	f.users[c.ID] = &c
	f.notifyLocked()
	out := c
	return &out
}

// userLocked returns the user with the id, making a plain one if it is new.
func (f *Fake) userLocked(id string) *discordgo.User {
	if u, ok := f.users[id]; ok {
		return u
	}
	f.addUserLocked(&discordgo.User{ID: id})
	return f.users[id]
}

// User returns a known user.
func (f *Fake) User(id string) (discordgo.User, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[id]
	if !ok {
		return discordgo.User{}, false
	}
	return *u, true
}

// SetDMsClosed sets whether a user refuses DMs from the bot (privacy
// settings or a block). Sending to their DM channel then fails with 403 and
// code 50007 "Cannot send messages to this user", as on Discord; opening the
// DM channel still succeeds, as on Discord.
func (f *Fake) SetDMsClosed(userID string, closed bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.userLocked(userID)
	f.dmClosed[userID] = closed
	f.notifyLocked()
}

// AddGuild adds a guild the bot is in and returns it with defaults filled
// in: ids, an @everyone role (id = guild id) with DefaultEveryonePermissions,
// a text channel "general" if there are no channels, an owner, and the bot
// as a member. Members in g.Members are added too. If a gateway session is
// connected it receives GUILD_CREATE, as when a bot joins a guild.
func (f *Fake) AddGuild(g *discordgo.Guild) *discordgo.Guild {
	f.t.Helper()
	if g == nil {
		g = &discordgo.Guild{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id := g.ID
	if id == "" {
		id = f.NewID()
	}
	if _, ok := f.guilds[id]; ok {
		f.t.Fatalf("discordtest: AddGuild: guild %s already exists", id)
	}
	gs := &guildState{id: id, name: g.Name, ownerID: g.OwnerID, joinedAt: time.Now().UTC(), members: map[string]*memberState{}}
	if gs.name == "" {
		gs.name = "Guild " + id
	}
	if gs.ownerID == "" {
		gs.ownerID = f.addUserLocked(&discordgo.User{Username: "owner"}).ID
	} else {
		f.userLocked(gs.ownerID)
	}
	hasEveryone := false
	for _, r := range g.Roles {
		rc := *r
		if rc.ID == "" {
			rc.ID = f.NewID()
		}
		if rc.ID == id {
			hasEveryone = true
			if rc.Name == "" {
				rc.Name = "@everyone"
			}
		}
		gs.roles = append(gs.roles, &rc)
	}
	if !hasEveryone {
		gs.roles = append([]*discordgo.Role{{ID: id, Name: "@everyone", Permissions: DefaultEveryonePermissions}}, gs.roles...)
	}
	f.guilds[id] = gs
	f.guildOrder = append(f.guildOrder, id)
	chans := g.Channels
	if len(chans) == 0 {
		chans = []*discordgo.Channel{{Name: "general", Type: discordgo.ChannelTypeGuildText}}
	}
	for _, c := range chans {
		c2 := *c
		c2.GuildID = id
		f.addChannelLocked(&c2)
	}
	f.addMemberLocked(gs, &f.bot, nil)
	f.addMemberLocked(gs, f.users[gs.ownerID], nil)
	for _, m := range g.Members {
		if m.User == nil {
			f.t.Fatalf("discordtest: AddGuild: member without user")
		}
		f.addMemberLocked(gs, m.User, m.Roles)
	}
	f.dispatchLocked("GUILD_CREATE", id, discordgo.IntentGuilds, func(s *gwSession) any {
		return f.guildCreateLocked(gs, s.intents)
	})
	f.notifyLocked()
	return f.guildLocked(gs)
}

// Guild returns a guild as the fake holds it, with roles and channels.
func (f *Fake) Guild(id string) (*discordgo.Guild, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	gs, ok := f.guilds[id]
	if !ok {
		return nil, false
	}
	return f.guildLocked(gs), true
}

func (f *Fake) guildLocked(gs *guildState) *discordgo.Guild {
	g := &discordgo.Guild{ID: gs.id, Name: gs.name, OwnerID: gs.ownerID, JoinedAt: gs.joinedAt, MemberCount: len(gs.members)}
	for _, r := range gs.roles {
		rc := *r
		g.Roles = append(g.Roles, &rc)
	}
	for _, cid := range gs.channelIDs {
		cc := *f.channels[cid].ch
		g.Channels = append(g.Channels, &cc)
	}
	for _, uid := range gs.memberOrder {
		g.Members = append(g.Members, f.memberLocked(gs, gs.members[uid]))
	}
	return g
}

func (f *Fake) memberLocked(gs *guildState, m *memberState) *discordgo.Member {
	u := *f.users[m.userID]
	return &discordgo.Member{GuildID: gs.id, User: &u, Nick: m.nick, Roles: append([]string{}, m.roles...), JoinedAt: m.joinedAt}
}

// AddChannel adds a channel to a guild (ch.GuildID must name a known
// guild) and returns it with its id filled in. Connected sessions receive
// CHANNEL_CREATE.
func (f *Fake) AddChannel(ch *discordgo.Channel) *discordgo.Channel {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if ch == nil || f.guilds[ch.GuildID] == nil {
		f.t.Fatalf("discordtest: AddChannel: channel needs the id of a known guild")
	}
	c := *ch
	cs := f.addChannelLocked(&c)
	f.dispatchLocked("CHANNEL_CREATE", c.GuildID, discordgo.IntentGuilds, func(*gwSession) any {
		return channelJSON(cs.ch, f.users)
	})
	out := *cs.ch
	return &out
}

func (f *Fake) addChannelLocked(c *discordgo.Channel) *channelState {
	if c.ID == "" {
		c.ID = f.NewID()
	}
	if c.Name == "" && c.Type != discordgo.ChannelTypeDM {
		c.Name = "channel-" + c.ID
	}
	if _, ok := f.channels[c.ID]; ok {
		f.t.Fatalf("discordtest: channel %s already exists", c.ID)
	}
	cs := &channelState{ch: c, threadMembers: map[string]bool{}}
	f.channels[c.ID] = cs
	if gs := f.guilds[c.GuildID]; gs != nil {
		gs.channelIDs = append(gs.channelIDs, c.ID)
	}
	f.notifyLocked()
	return cs
}

// Channel returns a channel the fake holds: guild channel, thread or DM.
func (f *Fake) Channel(id string) (discordgo.Channel, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cs, ok := f.channels[id]
	if !ok {
		return discordgo.Channel{}, false
	}
	return *cs.ch, true
}

// AddRole adds a role to a guild and returns it with its id filled in.
// Connected sessions receive GUILD_ROLE_CREATE.
func (f *Fake) AddRole(guildID string, r *discordgo.Role) *discordgo.Role {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	gs := f.guilds[guildID]
	if gs == nil {
		f.t.Fatalf("discordtest: AddRole: unknown guild %s", guildID)
	}
	rc := discordgo.Role{}
	if r != nil {
		rc = *r
	}
	if rc.ID == "" {
		rc.ID = f.NewID()
	}
	if rc.Name == "" {
		rc.Name = "role-" + rc.ID
	}
	rc.Position = len(gs.roles)
	gs.roles = append(gs.roles, &rc)
	f.dispatchLocked("GUILD_ROLE_CREATE", guildID, discordgo.IntentGuilds, func(*gwSession) any {
		return map[string]any{"guild_id": guildID, "role": roleJSON(&rc)}
	})
	f.notifyLocked()
	out := rc
	return &out
}

// AddMember makes a user a member of a guild with the given roles (besides
// @everyone), replacing the roles of an existing member, and returns the
// user with defaults filled in. Connected sessions with the GUILD_MEMBERS
// intent receive GUILD_MEMBER_ADD or GUILD_MEMBER_UPDATE.
func (f *Fake) AddMember(guildID string, u *discordgo.User, roleIDs ...string) *discordgo.User {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	gs := f.guilds[guildID]
	if gs == nil {
		f.t.Fatalf("discordtest: AddMember: unknown guild %s", guildID)
	}
	for _, r := range roleIDs {
		if roleIn(gs, r) == nil {
			f.t.Fatalf("discordtest: AddMember: guild %s has no role %s", guildID, r)
		}
	}
	var user *discordgo.User
	if u != nil && u.ID != "" && f.users[u.ID] != nil && u.Username == "" {
		user = f.users[u.ID]
	} else {
		user = f.users[f.addUserLocked(u).ID]
	}
	_, existed := gs.members[user.ID]
	m := f.addMemberLocked(gs, user, roleIDs)
	event := "GUILD_MEMBER_ADD"
	if existed {
		event = "GUILD_MEMBER_UPDATE"
	}
	f.dispatchLocked(event, guildID, discordgo.IntentGuildMembers, func(*gwSession) any {
		d := memberJSON(gs, m, f.users, true)
		d["guild_id"] = guildID
		return d
	})
	f.notifyLocked()
	out := *user
	return &out
}

// RemoveMember removes a user from a guild, as when they leave or are
// kicked: GET /guilds/{guild}/members/{user} then answers 404 Unknown Member.
// Connected sessions with the GUILD_MEMBERS intent receive
// GUILD_MEMBER_REMOVE.
func (f *Fake) RemoveMember(guildID, userID string) {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	gs := f.guilds[guildID]
	if gs == nil || gs.members[userID] == nil {
		f.t.Fatalf("discordtest: RemoveMember: %s is not a member of guild %s", userID, guildID)
	}
	if userID == f.bot.ID || userID == gs.ownerID {
		f.t.Fatalf("discordtest: RemoveMember: the bot and the owner stay in guild %s", guildID)
	}
	delete(gs.members, userID)
	gs.memberOrder = slices.DeleteFunc(gs.memberOrder, func(id string) bool { return id == userID })
	f.dispatchLocked("GUILD_MEMBER_REMOVE", guildID, discordgo.IntentGuildMembers, func(*gwSession) any {
		return map[string]any{"guild_id": guildID, "user": userJSON(f.users[userID])}
	})
	f.notifyLocked()
}

func (f *Fake) addMemberLocked(gs *guildState, u *discordgo.User, roles []string) *memberState {
	if _, ok := f.users[u.ID]; !ok {
		f.addUserLocked(u)
	}
	m, ok := gs.members[u.ID]
	if !ok {
		m = &memberState{userID: u.ID, joinedAt: time.Now().UTC()}
		gs.members[u.ID] = m
		gs.memberOrder = append(gs.memberOrder, u.ID)
	}
	m.roles = append([]string{}, roles...)
	return m
}

func roleIn(gs *guildState, id string) *discordgo.Role {
	for _, r := range gs.roles {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// dmChannelLocked returns the DM channel between the bot and a user,
// opening it if needed, as POST /users/@me/channels does.
func (f *Fake) dmChannelLocked(userID string) *channelState {
	if id, ok := f.dmByUser[userID]; ok {
		return f.channels[id]
	}
	u := f.userLocked(userID)
	c := &discordgo.Channel{Type: discordgo.ChannelTypeDM, Recipients: []*discordgo.User{u}}
	cs := f.addChannelLocked(c)
	cs.recipientID = userID
	f.dmByUser[userID] = c.ID
	return cs
}

// DMChannelID returns the id of the DM channel between the bot and a user,
// opening it if needed.
func (f *Fake) DMChannelID(userID string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dmChannelLocked(userID).ch.ID
}

// permissionsLocked computes a user's permissions in a channel of a guild
// (channelID may be "" for guild-level permissions), following Discord's
// algorithm: owner and ADMINISTRATOR get everything; otherwise @everyone and
// the member's roles, then the channel's overwrites for @everyone, the roles
// and the member. Threads use their parent's overwrites.
func (f *Fake) permissionsLocked(guildID, channelID, userID string) int64 {
	gs := f.guilds[guildID]
	if gs == nil {
		return 0
	}
	m := gs.members[userID]
	if m == nil {
		return 0
	}
	if userID == gs.ownerID {
		return discordgo.PermissionAll
	}
	var perms int64
	if r := roleIn(gs, gs.id); r != nil {
		perms = r.Permissions
	}
	for _, id := range m.roles {
		if r := roleIn(gs, id); r != nil {
			perms |= r.Permissions
		}
	}
	if perms&discordgo.PermissionAdministrator != 0 {
		return discordgo.PermissionAll
	}
	cs := f.channels[channelID]
	if cs == nil {
		return perms
	}
	if isThread(cs.ch.Type) {
		if p := f.channels[cs.ch.ParentID]; p != nil {
			cs = p
		}
	}
	var allow, deny int64
	for _, o := range cs.ch.PermissionOverwrites {
		if o.Type == discordgo.PermissionOverwriteTypeRole && o.ID == gs.id {
			perms = perms&^o.Deny | o.Allow
		}
	}
	for _, o := range cs.ch.PermissionOverwrites {
		if o.Type == discordgo.PermissionOverwriteTypeRole && o.ID != gs.id && contains(m.roles, o.ID) {
			allow |= o.Allow
			deny |= o.Deny
		}
	}
	perms = perms&^deny | allow
	for _, o := range cs.ch.PermissionOverwrites {
		if o.Type == discordgo.PermissionOverwriteTypeMember && o.ID == userID {
			perms = perms&^o.Deny | o.Allow
		}
	}
	if perms&discordgo.PermissionViewChannel == 0 {
		return 0
	}
	return perms
}

// Permissions returns a user's effective permissions in a guild channel, as
// the fake computes them for member.permissions and app_permissions.
func (f *Fake) Permissions(guildID, channelID, userID string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.permissionsLocked(guildID, channelID, userID)
}

func isThread(t discordgo.ChannelType) bool {
	return t == discordgo.ChannelTypeGuildPublicThread || t == discordgo.ChannelTypeGuildPrivateThread || t == discordgo.ChannelTypeGuildNewsThread
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// sortedKeys returns a map's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
