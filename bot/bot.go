package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
	"github.com/fulcrum-intake/fulcrum/ops"
	"github.com/fulcrum-intake/fulcrum/store"
)

// Intents are the gateway intents the bot asks for: servers (to know where it is) and direct messages (to hear
// members in DMs). Neither is privileged, and message content is not needed: Discord always sends a DM's content.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsDirectMessages

// discordAPI is the part of discordgo's REST client the bot calls. *discordgo.Session implements it.
type discordAPI interface {
	InteractionRespond(i *discordgo.Interaction, r *discordgo.InteractionResponse, opts ...discordgo.RequestOption) error
	InteractionResponseEdit(i *discordgo.Interaction, e *discordgo.WebhookEdit, opts ...discordgo.RequestOption) (*discordgo.Message, error)
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, p *discordgo.WebhookParams, opts ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageSendComplex(channelID string, m *discordgo.MessageSend, opts ...discordgo.RequestOption) (*discordgo.Message, error)
	RequestWithBucketID(method, urlStr string, data interface{}, bucketID string, opts ...discordgo.RequestOption) ([]byte, error)
	ChannelMessageEditComplex(m *discordgo.MessageEdit, opts ...discordgo.RequestOption) (*discordgo.Message, error)
	ChannelMessageDelete(channelID, messageID string, opts ...discordgo.RequestOption) error
	ThreadStartComplex(channelID string, data *discordgo.ThreadStart, opts ...discordgo.RequestOption) (*discordgo.Channel, error)
	ThreadMemberAdd(threadID, memberID string, opts ...discordgo.RequestOption) error
	UserChannelCreate(userID string, opts ...discordgo.RequestOption) (*discordgo.Channel, error)
	Guild(guildID string, opts ...discordgo.RequestOption) (*discordgo.Guild, error)
	GuildRoles(guildID string, opts ...discordgo.RequestOption) ([]*discordgo.Role, error)
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, opts ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
}

// gateway is the part of discordgo's session that holds the gateway connection.
type gateway interface {
	Open() error
	Close() error
	AddHandler(handler any) func()
}

var (
	_ discordAPI = (*discordgo.Session)(nil)
	_ gateway    = (*discordgo.Session)(nil)
)

// Intake runs the conversation. *flows.Engine implements it.
type Intake interface {
	Handle(ctx context.Context, in flows.Input) (flows.Reply, error)
	Triage(text string) triage.Result
	CrisisMessage(region string, res triage.Result) flows.Message
	Flow() *flows.Flow
}

// Store keeps what the bot needs between events. *store.Redis implements it.
type Store interface {
	Guild(ctx context.Context, guildID string) (store.GuildSettings, bool, error)
	SaveGuild(ctx context.Context, g store.GuildSettings) error
	SetUpGuilds(ctx context.Context) ([]string, error)

	Member(ctx context.Context, sessionID string) (store.Member, error)
	Memberships(ctx context.Context, sessionID string) (store.Memberships, bool, error)
	SaveMemberships(ctx context.Context, sessionID string, m store.Memberships, ttl time.Duration) error
	ForgetMemberships(ctx context.Context, sessionID string) error
	SetCommunity(ctx context.Context, sessionID, guildID, mode string) error
	SetMode(ctx context.Context, sessionID, mode string) error
	SetPrompt(ctx context.Context, sessionID, channelID, messageID string, prompt []byte) error
	SetPendingAlert(ctx context.Context, sessionID string, alert []byte) error
	DeleteMember(ctx context.Context, sessionID string) error
	CapMemberTTL(ctx context.Context, sessionID string, retention time.Duration) error
	Update(ctx context.Context, id, eventID string, fn func(*flows.Session) (*flows.Session, error)) error
	Session(ctx context.Context, id string) (*flows.Session, error)

	EnqueueHandoff(ctx context.Context, h store.Handoff, retention time.Duration) error
	ClaimHandoffs(ctx context.Context, now time.Time, lease time.Duration, n int) ([]store.Handoff, error)
	HandoffPosted(ctx context.Context, ref, channelID, messageID string) error
	HandoffFailed(ctx context.Context, ref string, next time.Time, reason string) error

	ForgetMember(ctx context.Context, sessionID string) error
	MemberHandoffs(ctx context.Context, sessionID string) ([]store.Handoff, error)
	ExportMember(ctx context.Context, sessionID string) (store.MemberExport, error)

	moderationStore
}

// moderationStore keeps what moderators do with handoffs. *store.Redis implements it.
type moderationStore interface {
	Handoff(ctx context.Context, ref string) (store.Handoff, bool, error)
	ClaimHandoff(ctx context.Context, ref, by string, at time.Time) (store.Handoff, error)
	ResolveHandoff(ctx context.Context, h store.Handoff, by string, at time.Time, outcome string, note store.Note) (store.Handoff, error)
	AddNote(ctx context.Context, ref string, note store.Note) error
	Notes(ctx context.Context, ref string) ([]store.Note, error)
	Queue(ctx context.Context, guildID string) ([]store.Handoff, error)

	DueReminders(ctx context.Context, now time.Time, lease time.Duration, n int) ([]store.Handoff, error)
	Reminded(ctx context.Context, ref string, at time.Time) error
	RemindAt(ctx context.Context, ref string, at time.Time) error

	OpenRelay(ctx context.Context, h store.Handoff, threadID string, retention time.Duration) error
	RelayByThread(ctx context.Context, threadID string) (store.Handoff, bool, error)
	MemberRelay(ctx context.Context, sessionID string) (store.Handoff, bool, error)
	CloseMemberRelay(ctx context.Context, sessionID, ref string) error
	AddRelayMessage(ctx context.Context, ref, channelID, messageID string) error
	RelayMessages(ctx context.Context, ref string) ([][2]string, error)

	BlockMember(ctx context.Context, guildID, userID string, b store.Block, ttl time.Duration) error
	UnblockMember(ctx context.Context, guildID, userID string) (bool, error)
	Blocked(ctx context.Context, guildID, userID string) (bool, error)

	Audit(ctx context.Context, guildID string, e store.AuditEntry, ttl time.Duration) error
	AuditLog(ctx context.Context, guildID string, n int) ([]store.AuditEntry, error)
}

var _ Store = (*store.Redis)(nil)

// Options tune a Bot. The zero value is ready to use.
type Options struct {
	// Logger receives what the bot does, never what a member wrote; nil discards.
	Logger *slog.Logger
	// EventTimeout bounds the work of one event, Discord calls included; zero means 15 s.
	EventTimeout time.Duration
	// AckAfter is how long the bot may work on an interaction before it acknowledges it with a deferred
	// response; Discord drops an interaction not acknowledged within 3 s. Zero means 1.5 s.
	AckAfter time.Duration
	// OutboxPoll is how often the outbox is checked for handoffs due again; zero means 10 s.
	OutboxPoll time.Duration
	// RetryBase and RetryMax bound the wait between attempts to post a handoff (doubling from RetryBase);
	// zero means 2 s and 5 min.
	RetryBase, RetryMax time.Duration
	// ShutdownTimeout bounds how long Run waits for events in flight once asked to stop; zero means 10 s.
	ShutdownTimeout time.Duration
	// KnownRegion checks a region code for /fulcrum-setup and returns its canonical form; nil accepts any
	// two-letter code.
	KnownRegion func(code string) (string, bool)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ReminderPoll is how often unclaimed urgent handoffs are checked for their re-ping, and the unclaimed
	// gauges updated; zero means 30 s.
	ReminderPoll time.Duration
	// Metrics counts what the bot does; nil counts nothing.
	Metrics *ops.Metrics
	// Limiter bounds how many messages and interactions a member (and a server) may send, and how many
	// moderation actions one person may take; nil means no limit. Over the limit a member gets one polite
	// notice, and nothing else, except crisis resources when their words need them; an answer to a crisis
	// question, or from a member whose intake is in crisis, is never dropped.
	Limiter Limiter
	// MembershipTTL is how long what Discord said of a member's servers is remembered (see communities); zero
	// means 10 minutes. A member who leaves a server is routed there for at most this long.
	MembershipTTL time.Duration
	// ShardID and ShardCount are this process's Discord shard and the total (0 and 1 when not sharded).
	// Discord sends direct messages to shard 0 only.
	ShardID, ShardCount int
}

// Limiter is the rate limit the bot asks before a member's message or interaction reaches the engine;
// store.Limiter is one.
type Limiter interface {
	// Allow reports whether the member may go on, and whether this is the first refusal in the window (the one
	// that gets a notice).
	Allow(ctx context.Context, memberID, guildID string) (allowed, notice bool, err error)
	// AllowModeration answers the same for one person's moderation actions (card buttons, moderators'
	// commands and forms), counted apart from members' traffic so that a raid never locks moderators out.
	AllowModeration(ctx context.Context, userID, guildID string) (allowed, notice bool, err error)
}

// Bot is the Discord adapter: it turns gateway events and interactions into flows.Input values, renders the
// replies, and posts handoffs to each server's moderators.
type Bot struct {
	api    discordAPI
	gw     gateway
	intake Intake
	st     Store
	log    *slog.Logger
	opts   Options

	// wake nudges the outbox worker after a handoff is enqueued.
	wake chan struct{}

	// life is the context events run under. It outlives Run's context, so that events in flight finish after a
	// signal, and ends when the shutdown timeout does.
	life     context.Context
	stopLife context.CancelFunc

	// sess is the discordgo session when the bot runs on one (New), for the gateway readiness check.
	sess *discordgo.Session
	// greeted is set by READY or RESUMED and cleared at shutdown. discordgo runs each handler in a goroutine
	// of its own, so a disconnect's handler may run after the RESUMED that followed it: the connection's
	// state is read from the session instead.
	greeted atomic.Bool

	mu       sync.Mutex
	closing  bool
	inflight sync.WaitGroup
	appID    string

	// locks serialise each member's events.
	locks *memberLocks
	// checks hand out the rate-limit buckets of membership checks.
	checks *memberChecks
}

// New returns a Bot on a discordgo session. The session should come from NewSession; New adds its handlers.
func New(s *discordgo.Session, intake Intake, st Store, opts Options) *Bot {
	if opts.ShardCount > 1 {
		// discordgo sends the shard in IDENTIFY only when ShardCount > 1.
		s.ShardID, s.ShardCount = opts.ShardID, opts.ShardCount
	}
	b := newBot(s, s, intake, st, opts)
	b.sess = s
	return b
}

func newBot(api discordAPI, gw gateway, intake Intake, st Store, opts Options) *Bot {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.EventTimeout <= 0 {
		opts.EventTimeout = 15 * time.Second
	}
	if opts.AckAfter <= 0 {
		opts.AckAfter = 1500 * time.Millisecond
	}
	if opts.OutboxPoll <= 0 {
		opts.OutboxPoll = 10 * time.Second
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = 2 * time.Second
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = 5 * time.Minute
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReminderPoll <= 0 {
		opts.ReminderPoll = 30 * time.Second
	}
	if opts.MembershipTTL <= 0 {
		opts.MembershipTTL = 10 * time.Minute
	}
	if opts.Metrics != nil {
		intake = meteredIntake{Intake: intake, m: opts.Metrics}
	}
	life, stop := context.WithCancel(context.Background())
	b := &Bot{api: api, gw: gw, intake: intake, st: st, log: opts.Logger, opts: opts,
		wake: make(chan struct{}, 1), life: life, stopLife: stop, locks: newMemberLocks(),
		checks: newMemberChecks()}
	return b
}

// NewSession returns a discordgo session for a bot token, asking for Intents only. A non-empty apiBase sends
// every REST call (and so the gateway URL lookup) to that base URL instead of https://discord.com; proxy
// settings from the environment (HTTPS_PROXY, NO_PROXY) and SSL_CERT_FILE keep working either way.
func NewSession(token, apiBase string) (*discordgo.Session, error) {
	if token == "" {
		return nil, errors.New("discord: FULCRUM_DISCORD_TOKEN is not set")
	}
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	s.Identify.Intents = Intents
	// The bot reads nothing from discordgo's cache; keeping none also keeps no member data in memory.
	s.StateEnabled = false
	client := &http.Client{Timeout: 20 * time.Second}
	var rt http.RoundTripper = discordTransport()
	if apiBase != "" {
		if rt, err = NewAPITransport(apiBase, rt); err != nil {
			return nil, fmt.Errorf("discord: FULCRUM_DISCORD_API_BASE: %w", err)
		}
	}
	client.Transport = newRetryTransport(rt)
	s.Client = client
	return s, nil
}

// Run connects to the gateway, registers the slash commands, posts pending handoffs, and serves until ctx ends.
// It then stops taking events and waits, at most ShutdownTimeout, for the ones in flight.
func (b *Bot) Run(ctx context.Context) error {
	removers := []func(){
		b.gw.AddHandler(b.onReady),
		b.gw.AddHandler(b.onInteraction),
		b.gw.AddHandler(b.onMessage),
		b.gw.AddHandler(func(_ *discordgo.Session, _ *discordgo.Ready) { b.greeted.Store(true) }),
		b.gw.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { b.greeted.Store(true) }),
	}
	// The triage model and rules are built on first use, which takes about half a second: build them before
	// members can write, so that the first ones after a start (a deploy, a crash) do not wait for it together.
	b.intake.Triage("warm up")
	if err := b.gw.Open(); err != nil {
		for _, r := range removers {
			r()
		}
		b.stopLife()
		return fmt.Errorf("connect to the discord gateway: %w", err)
	}
	b.log.Info("connected to discord")

	workerDone := make(chan struct{})
	var workers sync.WaitGroup
	workers.Add(2)
	go func() {
		defer workers.Done()
		b.runOutbox(b.life)
	}()
	go func() {
		defer workers.Done()
		b.runReminders(b.life)
	}()
	go func() {
		workers.Wait()
		close(workerDone)
	}()

	<-ctx.Done()
	b.log.Info("shutting down")
	b.greeted.Store(false)
	for _, r := range removers {
		r()
	}
	if err := b.gw.Close(); err != nil {
		b.log.Warn("close gateway", "err", err)
	}
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()

	// Events in flight get the shutdown timeout to finish (a member mid-answer should still get the reply);
	// after that their contexts end, so that a hung Discord or Redis cannot hold the process past an
	// orchestrator's grace period (Kubernetes sends SIGKILL 30 s after SIGTERM by default).
	done := make(chan struct{}, 1)
	go func() {
		b.inflight.Wait()
		done <- struct{}{}
	}()
	timer := time.NewTimer(b.opts.ShutdownTimeout)
	defer timer.Stop()
	var err error
	select {
	case <-done:
	case <-timer.C:
		err = errors.New("shutdown: events still in flight after the shutdown timeout")
	}
	b.stopLife()
	<-workerDone
	return err
}

// GatewayReady returns nil while the gateway connection is up: READY (or RESUMED) was received, and the
// connection has not dropped since (discordgo clears the session's DataReady when it does, and sets it again
// once it has reconnected). It is the "gateway" readiness check.
func (b *Bot) GatewayReady(ctx context.Context) error {
	if !b.greeted.Load() {
		return errors.New("discord gateway: not connected")
	}
	if b.sess != nil {
		b.sess.RLock()
		up := b.sess.DataReady
		b.sess.RUnlock()
		if !up {
			return errors.New("discord gateway: connection lost, reconnecting")
		}
	}
	return nil
}

// begin registers an event in flight and returns its context, or false once the bot is shutting down.
func (b *Bot) begin() (context.Context, context.CancelFunc, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return nil, nil, false
	}
	b.inflight.Add(1)
	ctx, cancel := context.WithTimeout(b.life, b.opts.EventTimeout)
	return ctx, func() { cancel(); b.inflight.Done() }, true
}

func (b *Bot) onReady(s *discordgo.Session, r *discordgo.Ready) {
	ctx, end, ok := b.begin()
	if !ok {
		return
	}
	defer end()
	if r.Application == nil || r.Application.ID == "" {
		b.log.Error("READY carried no application id: slash commands not registered")
		return
	}
	b.mu.Lock()
	first := b.appID == ""
	b.appID = r.Application.ID
	b.mu.Unlock()
	if !first {
		return // a new session after a reconnect: the commands are already there.
	}
	if _, err := b.api.ApplicationCommandBulkOverwrite(r.Application.ID, "", commands(), discordgo.WithContext(ctx)); err != nil {
		b.log.Error("register slash commands", "err", err)
		return
	}
	b.log.Info("slash commands registered")
}

func (b *Bot) onInteraction(s *discordgo.Session, ev *discordgo.InteractionCreate) {
	received := time.Now()
	ctx, end, ok := b.begin()
	if !ok {
		return
	}
	defer end()
	b.route(ctx, newResponder(b, ev.Interaction, received))
}

func (b *Bot) onMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	if m.GuildID != "" || m.Author == nil || m.Author.Bot {
		return
	}
	ctx, end, ok := b.begin()
	if !ok {
		return
	}
	defer end()
	slot, done := b.locks.get(m.Author.ID)
	defer done()
	select {
	case slot <- struct{}{}:
	case <-ctx.Done():
		b.log.Error("DM dropped: the member's previous event did not finish in time", "event", "dm")
		return
	}
	defer func() { <-slot }()
	b.handleDM(ctx, m.Message)
}

// sessionID is the engine's session id for a Discord user.
func sessionID(userID string) string { return "discord:" + userID }

// nudgeOutbox wakes the outbox worker without waiting.
func (b *Bot) nudgeOutbox() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}
