package bot

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fulcrum-intake/fulcrum/bot/discordtest"
	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/crisis"
	"github.com/fulcrum-intake/fulcrum/internal/redistest"
	"github.com/fulcrum-intake/fulcrum/store"
)

// restartableHarness is a harness whose bot process can be stopped and a new one started on the same Redis
// prefix and the same fake Discord, as when the bot is redeployed.
type restartableHarness struct {
	*harness
	dir *crisis.Directory
}

func newRestartableHarness(t *testing.T) *restartableHarness {
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
	fake := discordtest.New(t)
	h := &harness{t: t, fake: fake, st: st, rdb: rdb, prefix: prefix, flow: flow, logs: &syncBuffer{}}
	t.Cleanup(h.checkCalls)
	return &restartableHarness{harness: h, dir: dir}
}

// start runs a new bot process, with its own engine, session and logs, and returns a function that stops it
// and waits until it has.
func (h *restartableHarness) start(retry time.Duration, logs *syncBuffer) (stop func()) {
	h.t.Helper()
	return h.startAt(retry, logs, time.Now)
}

// startAt is start with the clock the new process sees.
func (h *restartableHarness) startAt(retry time.Duration, logs *syncBuffer, now func() time.Time) (stop func()) {
	h.t.Helper()
	b, err := processBot(h.fake.Token(), h.fake.URL(), h.st, h.flow, h.dir, retry, logs, now)
	if err != nil {
		h.t.Fatal(err)
	}
	h.bot = b
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				h.t.Errorf("Run: %v", err)
			}
		case <-time.After(20 * time.Second):
			h.t.Error("Run did not return 20 s after its context ended")
		}
	}
	h.t.Cleanup(stop)
	if err := h.fake.WaitConnected(h.ctx()); err != nil {
		h.t.Fatal(err)
	}
	return stop
}

// processBot builds a bot as one process of a deployment would: its own Discord session and engine, on a shared
// store.
func processBot(token, url string, st *store.Redis, flow *flows.Flow, dir *crisis.Directory, retry time.Duration, logs io.Writer, now func() time.Time) (*Bot, error) {
	s, err := NewSession(token, url)
	if err != nil {
		return nil, err
	}
	return New(s, flows.NewEngine(flow, st, dir, flows.Options{}), st, Options{
		Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		OutboxPoll:   20 * time.Millisecond,
		RetryBase:    retry,
		RetryMax:     retry,
		ReminderPoll: 20 * time.Millisecond,
		Now:          now,
		KnownRegion: func(code string) (string, bool) {
			r, _ := dir.For(code)
			return r.Code, r.Code != crisis.IntlCode
		},
	}), nil
}

// TestOutboxSurvivesRestart: a card Discord refused stays in the Redis outbox when the bot stops, and the next
// bot process posts it exactly once.
func TestOutboxSurvivesRestart(t *testing.T) {
	h := newRestartableHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "ines")
	dm := h.fake.DMChannelID(member)

	// The first process retries only after a while, so it is stopped with the card still waiting.
	const firstRetry = 2 * time.Second
	firstLogs := &syncBuffer{}
	stop := h.start(firstRetry, firstLogs)
	h.fake.FailNext("POST", "/channels/"+s.mods+"/messages", 503, 1+len(retryWaits))
	h.fake.SendDM(member, "hi")
	h.walk(member, workIntake("skip"))
	ref := refOf(h.waitContent(dm, "Thank you for trusting us").Content)
	h.eventually("the first attempt to post has failed", func() bool {
		rec, ok, err := h.st.Handoff(context.Background(), ref)
		return err == nil && ok && rec.Attempts >= 1
	})
	stopAt := time.Now()
	stop()
	if d := time.Since(stopAt); d >= firstRetry {
		t.Fatalf("stopping took %v, longer than the retry delay: the test cannot tell which process posted", d)
	}
	if n := len(h.botMessages(s.mods)); n != 0 {
		t.Fatalf("%d cards posted before the restart, want 0", n)
	}
	if rec := h.record(ref); rec.Posted() {
		t.Fatal("the handoff is recorded as posted before the restart")
	}
	if err := h.fake.WaitFor(h.ctx(), func() bool { return !h.fake.Connected() }); err != nil {
		t.Fatal("the first process is still connected")
	}

	// A new process on the same Redis and Discord; posting works now.
	secondLogs := &syncBuffer{}
	h.start(5*time.Millisecond, secondLogs)
	card := h.waitCard(s.mods)
	if !strings.Contains(card.Content, ref) {
		t.Errorf("card %q is not for %s", card.Content, ref)
	}
	h.eventually("the handoff is recorded as posted", func() bool {
		rec, ok, err := h.st.Handoff(context.Background(), ref)
		return err == nil && ok && rec.Posted()
	})
	// Give both the outbox and any stray retry several rounds to post a second card.
	time.Sleep(firstRetry / 4)
	if n := len(h.botMessages(s.mods)); n != 1 {
		t.Errorf("%d cards posted, want exactly 1", n)
	}
	if n, _ := h.rdb.ZCard(context.Background(), h.prefix+":{handoffs}:queue").Result(); n != 0 {
		t.Errorf("outbox still holds %d entries", n)
	}
	if !strings.Contains(secondLogs.String(), "handoff posted") || strings.Contains(firstLogs.String(), "handoff posted") {
		t.Error("the card was not posted by the new process")
	}
	if rec := h.record(ref); rec.MessageID != card.ID {
		t.Errorf("the handoff records message %s, the card is %s", rec.MessageID, card.ID)
	}
}
