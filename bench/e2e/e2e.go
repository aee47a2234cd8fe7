// Package e2e measures the benchmark's end-to-end figure (issue 7, figure 4): a member's DM to the bot's reply,
// through the real bot (package bot) talking to the fake Discord (bot/discordtest) over loopback, with many
// members at once. It lives apart from package bench so that bench does not depend on the Discord adapter.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/bench"
	"github.com/fulcrum-intake/fulcrum/bot"
	"github.com/fulcrum-intake/fulcrum/bot/discordtest"
	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/store"
)

// conversation is what each member types, and the state whose question answers it: the first DM opens the
// intake (welcome), the others answer the questions in turn.
var conversation = []struct{ text, next string }{
	{"hi", "welcome"},
	{"1", "risk_wish"},
	{"no", "risk_behaviour"},
	{"no", "safe_now"},
	{"safe", "age"},
	{"no", "concern"},
}

// Pace is how members answer in the paced run: each sends their first DM at a random moment within Spread of
// the start, then takes between ThinkMin and ThinkMax (uniformly) to read each question and answer it.
type Pace struct {
	Spread, ThinkMin, ThinkMax time.Duration
}

// HumanPace is a person reading a short question and tapping or typing a short answer: one to three seconds.
// It is quick for a person (most take longer), so the load it puts on the bot is high for 100 members.
var HumanPace = Pace{Spread: 2 * time.Second, ThinkMin: time.Second, ThinkMax: 3 * time.Second}

// QuickPace keeps a small check run short; its figures mean little.
var QuickPace = Pace{Spread: 100 * time.Millisecond, ThinkMin: 20 * time.Millisecond, ThinkMax: 60 * time.Millisecond}

// Figure returns a bench.Options.EndToEnd that measures members typing at once, as two rows: the figure, with
// every member answering at pace, and beside it a burst where every member answers the instant each question
// arrives; 100 is issue 7's figure.
func Figure(members int, pace Pace) func(ctx context.Context, env bench.Env) ([]bench.Row, error) {
	return func(ctx context.Context, env bench.Env) ([]bench.Row, error) {
		return measure(ctx, env, members, pace)
	}
}

func measure(ctx context.Context, env bench.Env, members int, pace Pace) (rows []bench.Row, err error) {
	r := &runner{}
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(fatal); !ok {
				panic(v)
			}
		}
		r.cleanup()
		if err == nil {
			err = r.err()
		}
	}()
	fake := discordtest.New(r)
	st := store.New(env.Redis, store.Options{Prefix: env.Prefix + ":e2e"})
	eng := flows.NewEngine(env.Flow, st, env.Crisis, flows.Options{})
	s, err := bot.NewSession(fake.Token(), fake.URL())
	if err != nil {
		return nil, err
	}
	b := bot.New(s, eng, st, bot.Options{})
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx) }()
	defer func() {
		stop()
		if rerr := <-done; rerr != nil && err == nil {
			err = rerr
		}
	}()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := fake.WaitConnected(wctx); err != nil {
		return nil, err
	}

	g := fake.AddGuild(&discordgo.Guild{Name: "Bench", Channels: []*discordgo.Channel{
		{Name: "mods", Type: discordgo.ChannelTypeGuildText},
	}})
	if err := st.SaveGuild(ctx, store.GuildSettings{GuildID: g.ID, ModeratorChannel: g.Channels[0].ID, Region: "GB"}); err != nil {
		return nil, err
	}
	questions := map[string]string{}
	for _, c := range conversation {
		st, ok := env.Flow.State(c.next)
		if !ok {
			return nil, fmt.Errorf("the flow has no state %s", c.next)
		}
		q := []rune(st.Say)
		questions[c.next] = string(q[:min(len(q), 40)])
	}
	addMembers := func(n int, name string) []string {
		users := make([]string, n)
		for i := range users {
			users[i] = fake.AddMember(g.ID, &discordgo.User{Username: fmt.Sprintf("%s%d", name, i)}).ID
		}
		return users
	}

	// The figure: every member in flight at once, each answering at a person's pace.
	paced, err := converse(ctx, fake, addMembers(members, "member"), questions, concurrently, pace)
	if err != nil {
		return nil, err
	}
	// Beside it, a burst: every member answering the instant each question arrives, which measures throughput.
	users := addMembers(members, "burst")
	start := time.Now()
	burst, err := converse(ctx, fake, users, questions, concurrently, Pace{})
	if err != nil {
		return nil, err
	}
	perSecond := float64(len(burst.all)) / time.Since(start).Seconds()
	// The reference: members one after another, so that nothing waits for anyone else's work.
	alone, err := converse(ctx, fake, addMembers(aloneMembers, "alone"), questions, inTurn, Pace{})
	if err != nil {
		return nil, err
	}

	p99 := percentile(paced.all, 99)
	return []bench.Row{{
		Figure: fmt.Sprintf("(4) end to end, DM to reply through the fake Discord, %d members at once (%d DMs each, "+
			"first within %v, then %v–%v to read and answer each question): p99", members, len(conversation),
			pace.Spread, pace.ThinkMin, pace.ThinkMax),
		Measured: ms(p99),
		Reference: fmt.Sprintf("p50 %s; first DM (server lookup) p50 / p99 %s / %s; later DMs %s / %s; "+
			"one member at a time (%d in turn) p50 / p99 %s / %s", ms(percentile(paced.all, 50)),
			ms(percentile(paced.first, 50)), ms(percentile(paced.first, 99)), ms(percentile(paced.later, 50)),
			ms(percentile(paced.later, 99)), aloneMembers, ms(percentile(alone.all, 50)), ms(percentile(alone.all, 99))),
		Target: "p99 ≤ 20 ms on loopback",
		Met:    met(p99 <= 20*time.Millisecond),
	}, {
		Figure: fmt.Sprintf("(4) the same, as a burst: %d members each answering the instant each question arrives: p99",
			members),
		Measured: ms(percentile(burst.all, 99)),
		Reference: fmt.Sprintf("p50 %s; first DM p50 / p99 %s / %s; later DMs %s / %s; %.0f replies/s",
			ms(percentile(burst.all, 50)), ms(percentile(burst.first, 50)), ms(percentile(burst.first, 99)),
			ms(percentile(burst.later, 50)), ms(percentile(burst.later, 99)), perSecond),
		Target: "(reported: throughput-bound)",
	}}, nil
}

// aloneMembers is how many members the reference run has, one after another: 120 replies.
const aloneMembers = 20

// latencies are the times from members' DMs to the bot's next question, sorted.
type latencies struct {
	all []time.Duration
	// first are the replies to a member's first DM, which looks up their server; later the rest.
	first, later []time.Duration
}

// How converse runs its members.
const (
	inTurn       = false // one member after another
	concurrently = true  // all members at once
)

// converse has each user type the conversation, all at once or one after another, and times the replies. With a
// pace, each member starts within pace.Spread and waits a think time before each answer after the first.
func converse(ctx context.Context, fake *discordtest.Fake, users []string, questions map[string]string, atOnce bool, pace Pace) (latencies, error) {
	var (
		mu       sync.Mutex
		out      latencies
		failures []error
		wg       sync.WaitGroup
	)
	talk := func(uid string, begin <-chan struct{}) {
		defer recoverFatal()
		dm := fake.DMChannelID(uid)
		<-begin
		if pace.Spread > 0 {
			time.Sleep(rand.N(pace.Spread))
		}
		for i, c := range conversation {
			if i > 0 && pace.ThinkMax > 0 {
				time.Sleep(pace.ThinkMin + rand.N(pace.ThinkMax-pace.ThinkMin+1))
			}
			wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			start := time.Now()
			sent := fake.SendDM(uid, c.text)
			// The reply is the turn's question: the member can answer from then on. Only the member's own
			// channel, and only what came after their message, is looked at, so that the fake's cost of
			// answering 100 waiters stays out of the figure as far as it can.
			err := fake.WaitForChannel(wctx, dm, func() bool {
				for _, m := range fake.MessagesAfter(dm, sent) {
					if m.Author != nil && m.Author.Bot && strings.Contains(m.Content, questions[c.next]) {
						return true
					}
				}
				return false
			})
			d := time.Since(start)
			cancel()
			mu.Lock()
			if err != nil {
				failures = append(failures, fmt.Errorf("%q got no %s question: %w", c.text, c.next, err))
			} else {
				out.all = append(out.all, d)
				if c.next == conversation[0].next {
					out.first = append(out.first, d)
				} else {
					out.later = append(out.later, d)
				}
			}
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}
	begin := make(chan struct{})
	if !atOnce {
		close(begin)
		for _, uid := range users {
			talk(uid, begin)
		}
	} else {
		for _, uid := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				talk(uid, begin)
			}()
		}
		close(begin)
		wg.Wait()
	}
	if len(failures) > 0 {
		return out, fmt.Errorf("%d of %d members: %w", len(failures), len(users), failures[0])
	}
	slices.Sort(out.all)
	slices.Sort(out.first)
	slices.Sort(out.later)
	return out, nil
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func met(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// runner stands in for the testing.TB that discordtest.New wants, outside a test: it runs the cleanups at the
// end and turns the fake's failures into an error. Only the methods the fake calls are implemented; the embedded
// nil TB supplies the rest of the method set and is never called.
type runner struct {
	testing.TB

	mu       sync.Mutex
	cleanups []func()
	failures []string
}

func (r *runner) Helper()             {}
func (r *runner) Name() string        { return "fulcrum bench" }
func (r *runner) Logf(string, ...any) {}

func (r *runner) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

func (r *runner) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// fatal is the panic value of Fatalf, recovered by recoverFatal.
type fatal struct{}

// Fatalf records the failure and unwinds the calling goroutine to its recoverFatal.
func (r *runner) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(fatal{})
}

// recoverFatal stops the unwinding that Fatalf started; any other panic goes on.
func recoverFatal() {
	if v := recover(); v != nil {
		if _, ok := v.(fatal); !ok {
			panic(v)
		}
	}
}

func (r *runner) cleanup() {
	r.mu.Lock()
	fs := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for _, f := range slices.Backward(fs) {
		f()
	}
}

func (r *runner) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.failures) == 0 {
		return nil
	}
	return errors.New(strings.Join(r.failures, "; "))
}
