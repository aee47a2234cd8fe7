// Package bench measures fulcrum against its performance targets (issue 7) in one run on one machine, each
// figure beside a reference measured in the same run, and writes the result as Markdown: the machine, the
// command, and a table of figure, measured, reference, target and whether the target is met.
//
// It reports; it never fails on a number. Tests hold no timing thresholds either.
package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/crisis"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
	"github.com/fulcrum-intake/fulcrum/flows/triage/triagedata"
	"github.com/fulcrum-intake/fulcrum/store"
)

// Options say what to measure against.
type Options struct {
	// RedisURL is any URL store.Connect accepts; empty means redis://127.0.0.1:6379/0.
	RedisURL string
	// Command is the command line that ran the benchmark, for the report.
	Command string
	// Steps is how many sequential steps figure 1 times; zero means 5,000.
	Steps int
	// Members is how many members answer at once in figure 2; zero means 1,000.
	Members int
	// Duration is how long each side of figure 2 runs; zero means 3 s.
	Duration time.Duration
	// InFlight is how many sessions figure 5 holds in flight; zero means 10,000.
	InFlight int
	// EndToEnd measures figure 4, a member's DM to the bot's reply through the fake Discord with 100 members at
	// once, as one row or several. The bot engineer adds it (package bot owns the fake Discord); nil reports the
	// figure as not measured.
	EndToEnd func(ctx context.Context, env Env) ([]Row, error)
}

// Env is what a figure measured outside this package gets: the same Redis, under this run's key prefix.
type Env struct {
	Redis  redis.UniversalClient
	Prefix string
	Flow   *flows.Flow
	Crisis *crisis.Directory
}

// Row is one line of the table.
type Row struct {
	Figure, Measured, Reference, Target, Met string
}

func met(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// Run measures every figure and writes the Markdown report to out.
func Run(ctx context.Context, opts Options, out io.Writer) error {
	if opts.RedisURL == "" {
		opts.RedisURL = "redis://127.0.0.1:6379/0"
	}
	if opts.Steps <= 0 {
		opts.Steps = 5000
	}
	if opts.Members <= 0 {
		opts.Members = 1000
	}
	if opts.Duration <= 0 {
		opts.Duration = 3 * time.Second
	}
	if opts.InFlight <= 0 {
		opts.InFlight = 10000
	}
	rdb, err := store.Connect(ctx, opts.RedisURL)
	if err != nil {
		return err
	}
	defer rdb.Close()
	env := Env{Redis: rdb, Prefix: "fulcrum-bench-" + randomHex()}
	defer cleanup(rdb, env.Prefix)
	if env.Flow, err = flows.Default(); err != nil {
		return err
	}
	if env.Crisis, err = crisis.Load(); err != nil {
		return err
	}

	var rows []Row
	steps := []func(context.Context, Env, Options) ([]Row, error){
		stepLatency,   // (1)
		throughput,    // (2)
		redisMemory,   // (3)
		endToEnd,      // (4)
		triageAndHeap, // (5)
	}
	for _, figure := range steps {
		r, err := figure(ctx, env, opts)
		if err != nil {
			return err
		}
		rows = append(rows, r...)
	}
	return writeReport(ctx, out, rdb, opts, rows)
}

func newEngine(env Env, prefix string) (*flows.Engine, *store.Redis) {
	st := store.New(env.Redis, store.Options{Prefix: prefix})
	return flows.NewEngine(env.Flow, st, env.Crisis, flows.Options{}), st
}

// (1) Engine step latency for one member answering sequentially, beside PING by the same client, interleaved
// so that both see the same machine.
func stepLatency(ctx context.Context, env Env, opts Options) ([]Row, error) {
	eng, seqStore := newEngine(env, env.Prefix+":seq")
	m := member{eng: eng, id: "bench:seq"}
	if err := m.start(ctx); err != nil {
		return nil, err
	}
	// The same member on a store that remembers nothing: every step loads, then saves (two round trips), as
	// every step did before the store remembered sessions.
	uncached := member{eng: flows.NewEngine(env.Flow, store.New(env.Redis, store.Options{Prefix: env.Prefix + ":seq0",
		CachedSessions: -1}), env.Crisis, flows.Options{}), id: "bench:seq0"}
	if err := uncached.start(ctx); err != nil {
		return nil, err
	}
	// The floor of a step on this server and machine, measured in the same loop: the same member's steps on a
	// store kept in memory (the engine's own work, with no Redis at all), and a script that does nothing run by
	// the same client (what any compare-and-set in one round trip costs on a Redis without a native one).
	inMemory := member{eng: flows.NewEngine(env.Flow, &memoryStore{}, env.Crisis, flows.Options{}), id: "bench:mem"}
	if err := inMemory.start(ctx); err != nil {
		return nil, err
	}
	noop := redis.NewScript(`return 1`)
	// The no-op script carries as many bytes as the step's save does (the session as stored once warm), since
	// any write of the session must carry them.
	payload := ""
	warm := opts.Steps / 10
	steps := make([]time.Duration, 0, opts.Steps)
	pings := make([]time.Duration, 0, opts.Steps)
	before := make([]time.Duration, 0, opts.Steps)
	engineOnly := make([]time.Duration, 0, opts.Steps)
	scripts := make([]time.Duration, 0, opts.Steps)
	for i := range opts.Steps + warm {
		start := time.Now()
		if err := m.step(ctx); err != nil {
			return nil, err
		}
		d := time.Since(start)
		start = time.Now()
		if err := env.Redis.Ping(ctx).Err(); err != nil {
			return nil, err
		}
		p := time.Since(start)
		start = time.Now()
		if err := uncached.step(ctx); err != nil {
			return nil, err
		}
		b := time.Since(start)
		if i == warm {
			payload = strings.Repeat("x", sessionBytes(ctx, seqStore, m.id))
		}
		start = time.Now()
		if err := inMemory.step(ctx); err != nil {
			return nil, err
		}
		e := time.Since(start)
		start = time.Now()
		if err := noop.Run(ctx, env.Redis, []string{env.Prefix + ":noop"}, payload).Err(); err != nil {
			return nil, err
		}
		sc := time.Since(start)
		if i >= warm {
			steps, pings, before = append(steps, d), append(pings, p), append(before, b)
			engineOnly, scripts = append(engineOnly, e), append(scripts, sc)
		}
	}
	s50, s99 := quantiles(steps)
	p50, p99 := quantiles(pings)
	b50, b99 := quantiles(before)
	e50, _ := quantiles(engineOnly)
	n50, _ := quantiles(scripts)

	// The store's share of a step: Update of a remembered session with an fn that only records the event, so
	// that the engine's own work (triage above all) is left out.
	// Its PING reference is measured in the same loop, one after each Update, as the step's is above.
	st := store.New(env.Redis, store.Options{Prefix: env.Prefix + ":upd"})
	updates := make([]time.Duration, 0, opts.Steps)
	updPings := make([]time.Duration, 0, opts.Steps)
	for i := range opts.Steps + warm {
		ev := fmt.Sprint(1300000000000000000 + i)
		start := time.Now()
		err := st.Update(ctx, "bench:upd", ev, func(s *flows.Session) (*flows.Session, error) {
			if s == nil {
				s = &flows.Session{ID: "bench:upd", State: "risk_wish", Answers: map[string]flows.Answer{}}
			}
			s.Seen = append(s.Seen, ev)
			if len(s.Seen) > 32 {
				s.Seen = s.Seen[1:]
			}
			return s, nil
		})
		if err != nil {
			return nil, err
		}
		u := time.Since(start)
		start = time.Now()
		if err := env.Redis.Ping(ctx).Err(); err != nil {
			return nil, err
		}
		if i >= warm {
			updates, updPings = append(updates, u), append(updPings, time.Since(start))
		}
	}
	u50, u99 := quantiles(updates)
	up50, _ := quantiles(updPings)
	return []Row{
		{"(1) engine step, one member answering in sequence: median", us(s50), "PING median " + us(p50) + fmt.Sprintf(" (step = %.2f×)", ratio(s50, p50)), "≤ 1.5 × PING", met(float64(s50) <= 1.5*float64(p50))},
		{"(1) engine step: p99", us(s99), "PING p99 " + us(p99), "(reported)", ""},
		{"(1) the same step with the session cache off (load + save), median / p99", us(b50) + " / " + us(b99), fmt.Sprintf("step = %.2f× PING", ratio(b50, p50)), "(reference)", ""},
		{"(1) floor: the same steps on a store kept in memory (the engine alone, no Redis), median", us(e50), fmt.Sprintf("= %.2f× PING", ratio(e50, p50)), "(reference)", ""},
		{fmt.Sprintf("(1) floor: a script that does nothing (`return 1`) with the session's %d bytes as its argument, EVALSHA by the same client, median", len(payload)), us(n50), fmt.Sprintf("= %.2f× PING; with the engine alone: %.2f× PING", ratio(n50, p50), ratio(n50+e50, p50)), "(reference)", ""},
		{"(1) of which the store: Update of a remembered session, median / p99", us(u50) + " / " + us(u99), "PING median in the same loop " + us(up50) + fmt.Sprintf(" (Update = %.2f×)", ratio(u50, up50)), "(reported)", ""},
	}, nil
}

// sessionBytes is about how many bytes a save of session id carries (its JSON), or 1 KiB when it cannot be read.
func sessionBytes(ctx context.Context, st *store.Redis, id string) int {
	s, err := st.Session(ctx, id)
	if err != nil || s == nil {
		return 1 << 10
	}
	data, err := json.Marshal(s)
	if err != nil {
		return 1 << 10
	}
	return len(data)
}

// memoryStore keeps one process's sessions in a map: the engine's step with no store to speak of, for figure 1's
// floor. It applies events as the Redis store does (a repeated event is a duplicate) but keeps no tombstones.
type memoryStore struct {
	mu       sync.Mutex
	sessions map[string]*flows.Session
}

func (m *memoryStore) Update(_ context.Context, id, eventID string, fn func(*flows.Session) (*flows.Session, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur := m.sessions[id]
	if cur != nil && cur.SeenEvent(eventID) {
		return flows.ErrDuplicate
	}
	next, err := fn(cur)
	if err != nil {
		return err
	}
	if m.sessions == nil {
		m.sessions = map[string]*flows.Session{}
	}
	if next == nil {
		delete(m.sessions, id)
	} else {
		m.sessions[id] = next
	}
	return nil
}

func (m *memoryStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, id)
	return nil
}

// (2) Steps per second with many members at once, beside raw GET+SET pairs at the same concurrency on the
// same client.
func throughput(ctx context.Context, env Env, opts Options) ([]Row, error) {
	eng, _ := newEngine(env, env.Prefix+":par")
	members := make([]*member, opts.Members)
	for i := range members {
		members[i] = &member{eng: eng, id: fmt.Sprint("bench:par:", i)}
	}
	if err := parallel(ctx, members, func(ctx context.Context, m *member) error { return m.start(ctx) }); err != nil {
		return nil, err
	}
	steps, stepTime, err := forDuration(ctx, opts.Members, opts.Duration, func(ctx context.Context, i int) error {
		return members[i].step(ctx)
	})
	if err != nil {
		return nil, err
	}
	value := strings.Repeat("x", 800) // about an in-progress session's size
	pairs, pairTime, err := forDuration(ctx, opts.Members, opts.Duration, func(ctx context.Context, i int) error {
		key := fmt.Sprint(env.Prefix, ":raw:{", i, "}")
		if err := env.Redis.Get(ctx, key).Err(); err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
		return env.Redis.Set(ctx, key, value, time.Hour).Err()
	})
	if err != nil {
		return nil, err
	}
	stepRate := float64(steps) / stepTime.Seconds()
	pairRate := float64(pairs) / pairTime.Seconds()
	return []Row{{
		fmt.Sprintf("(2) steps per second, %d members at once", opts.Members),
		fmt.Sprintf("%.0f/s", stepRate),
		fmt.Sprintf("GET+SET pairs %.0f/s (steps = %.0f%%)", pairRate, 100*stepRate/pairRate),
		"≥ 50% of GET+SET", met(stepRate >= 0.5*pairRate),
	}}, nil
}

// (3) Redis memory per in-progress session and per handoff.
func redisMemory(ctx context.Context, env Env, opts Options) ([]Row, error) {
	prefix := env.Prefix + ":mem"
	eng, st := newEngine(env, prefix)
	const n = 20
	var sessionBytes, sessionJSON, handoffBytes, cardBytes int64
	for i := range n {
		m := &member{eng: eng, id: fmt.Sprint("discord:11223344556677", 1000+i), realistic: true}
		if err := m.start(ctx); err != nil {
			return nil, err
		}
		for range 12 { // about halfway through the intake
			if err := m.step(ctx); err != nil {
				return nil, err
			}
		}
		key := prefix + ":s:{" + m.id + "}"
		u, err := env.Redis.MemoryUsage(ctx, key, 0).Result()
		if err != nil {
			return nil, fmt.Errorf("MEMORY USAGE: %w", err)
		}
		sessionBytes += u
		sessionJSON += int64(len(env.Redis.HGet(ctx, key, "d").Val()))
	}
	rows := []Row{{
		"(3) Redis memory per in-progress session (12 answers in)",
		fmt.Sprintf("%d B", sessionBytes/n),
		fmt.Sprintf("session JSON %d B", sessionJSON/n),
		"≤ 2 KiB", met(sessionBytes/n <= 2048),
	}}
	// Handoffs: what store.EnqueueHandoff writes, for completed intakes.
	queue := prefix + ":{handoffs}:queue"
	var queueBefore int64
	for i := range n {
		m := &member{eng: eng, id: fmt.Sprint("discord:99887766554433", 1000+i), realistic: true}
		if err := m.start(ctx); err != nil {
			return nil, err
		}
		h, err := m.finish(ctx)
		if err != nil {
			return nil, err
		}
		card := renderCard(h)
		cardBytes += int64(len(card))
		if i == 1 {
			queueBefore, _ = env.Redis.MemoryUsage(ctx, queue, 0).Result()
		}
		err = st.EnqueueHandoff(ctx, store.Handoff{Ref: h.Ref, SessionID: m.id, GuildID: "112233445566778899",
			UserID: strings.TrimPrefix(m.id, "discord:"), Urgent: h.Urgent, Card: card, Created: time.Now()}, 30*24*time.Hour)
		if err != nil {
			return nil, err
		}
		u, err := env.Redis.MemoryUsage(ctx, prefix+":{handoffs}:h:"+h.Ref, 0).Result()
		if err != nil {
			return nil, fmt.Errorf("MEMORY USAGE: %w", err)
		}
		u2, _ := env.Redis.MemoryUsage(ctx, prefix+":dh:{"+m.id+"}", 0).Result()
		handoffBytes += u + u2
	}
	queueAfter, _ := env.Redis.MemoryUsage(ctx, queue, 0).Result()
	perQueueEntry := (queueAfter - queueBefore) / (n - 2)
	perHandoff := handoffBytes/n + perQueueEntry
	rows = append(rows, Row{
		"(3) Redis memory per handoff (hash + member index + outbox entry)",
		fmt.Sprintf("%d B", perHandoff),
		fmt.Sprintf("card JSON %d B", cardBytes/n),
		"≤ 4 KiB", met(perHandoff <= 4096),
	})
	return rows, nil
}

// renderCard stands in for the bot's card (package bot renders a Discord embed of the same content).
func renderCard(h *flows.Handoff) []byte {
	var desc strings.Builder
	desc.WriteString("**Key answers**")
	for _, l := range h.Lines {
		desc.WriteString("\n• **" + l.Label + "**: " + l.Value)
	}
	var refs []string
	for _, r := range h.Referrals {
		refs = append(refs, r.Title)
	}
	e := discordgo.MessageEmbed{Title: "Intake " + h.Ref, Description: desc.String(), Fields: []*discordgo.MessageEmbedField{
		{Name: "Member", Value: "Anonymous member"},
		{Name: "Urgency", Value: "Routine", Inline: true},
		{Name: "Concerns", Value: fmt.Sprint(h.Concerns), Inline: true},
		{Name: "Referrals offered", Value: strings.Join(refs, "\n")},
	}}
	b, _ := json.Marshal(e)
	return b
}

// (4) End to end through the fake Discord: Options.EndToEnd, which "fulcrum bench" sets from package
// bench/e2e; without it the figure is reported as not measured.
func endToEnd(ctx context.Context, env Env, opts Options) ([]Row, error) {
	if opts.EndToEnd == nil {
		return []Row{{"(4) end to end, DM to reply through the fake Discord, 100 members: p99", "not measured yet", "", "p99 ≤ 20 ms on loopback", "n/a"}}, nil
	}
	rows, err := opts.EndToEnd(ctx, env)
	if err != nil {
		return nil, fmt.Errorf("end to end: %w", err)
	}
	return rows, nil
}

// (5) Triage time per message, and the process's heap with many sessions in flight.
func triageAndHeap(ctx context.Context, env Env, opts Options) ([]Row, error) {
	// The kind of thing members write: answers, idioms, risk said plainly and obliquely.
	triageMessages := triagedata.Figure5()
	n := 0
	start := time.Now()
	for time.Since(start) < time.Second {
		for _, msg := range triageMessages {
			triage.Classify(msg)
		}
		n += len(triageMessages)
	}
	per := time.Since(start) / time.Duration(n)
	rows := []Row{{
		fmt.Sprintf("(5) triage time per message (%d messages, mean)", len(triageMessages)),
		us(per), "", "≤ 20 µs", met(per <= 20*time.Microsecond),
	}}

	eng, _ := newEngine(env, env.Prefix+":heap")
	base := heap()
	marks := map[int]uint64{}
	checkpoints := []int{opts.InFlight / 10, opts.InFlight / 2, opts.InFlight}
	members := make([]*member, opts.InFlight)
	done := 0
	for _, upto := range checkpoints {
		for i := done; i < upto; i++ {
			members[i] = &member{eng: eng, id: fmt.Sprint("bench:heap:", i)}
		}
		err := parallel(ctx, members[done:upto], func(ctx context.Context, m *member) error {
			if err := m.start(ctx); err != nil {
				return err
			}
			return m.step(ctx)
		})
		if err != nil {
			return nil, err
		}
		for i := done; i < upto; i++ {
			members[i] = nil // what the benchmark itself holds per member is not the process's
		}
		done = upto
		marks[upto] = heap()
	}
	half, all := marks[checkpoints[1]], marks[checkpoints[2]]
	growth := int64(all) - int64(half)
	perSession := float64(growth) / float64(checkpoints[2]-checkpoints[1])
	rows = append(rows, Row{
		fmt.Sprintf("(5) process heap with %d sessions in flight", opts.InFlight),
		fmt.Sprintf("%.1f MiB (%+.1f MiB over the engine alone)", mib(all), mib(all)-mib(base)),
		fmt.Sprintf("%.1f MiB at %d, %.1f MiB at %d sessions (%.0f B per extra session; cache bound %d sessions)",
			mib(marks[checkpoints[0]]), checkpoints[0], mib(half), checkpoints[1], perSession, store.DefaultCachedSessions),
		"flat: no per-member growth", met(perSession < 100),
	})
	return rows, nil
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// member is one person answering: open, consent, then answering and going back, over and over.
type member struct {
	eng  *flows.Engine
	id   string
	n    int
	last flows.Reply
	// realistic answers the questions as a person would, with Discord-sized event ids, instead of going back
	// and forth on one question.
	realistic bool
}

func (m *member) handle(ctx context.Context, in flows.Input) error {
	m.n++
	in.SessionID = m.id
	in.EventID = fmt.Sprint(1300000000000000000+int64(m.n), "") // a Discord snowflake's size
	if !m.realistic {
		in.EventID = fmt.Sprint(m.n)
	}
	r, err := m.eng.Handle(ctx, in)
	if err != nil {
		return fmt.Errorf("%s: %w", m.id, err)
	}
	m.last = r
	return nil
}

func (m *member) start(ctx context.Context) error {
	if err := m.handle(ctx, flows.Input{Command: flows.CommandOpen}); err != nil {
		return err
	}
	return m.handle(ctx, flows.Input{Text: "1"}) // welcome: go on
}

func (m *member) step(ctx context.Context) error {
	if !m.realistic {
		text := "no"
		if m.n%2 == 1 {
			text = "back"
		}
		return m.handle(ctx, flows.Input{Text: text})
	}
	return m.handle(ctx, flows.Input{Text: m.answer()})
}

// answer picks what a person without a crisis would: the safe choice when there is one, the first otherwise,
// and a sentence when the question asks for words.
func (m *member) answer() string {
	var choices []flows.Choice
	if n := len(m.last.Messages); n > 0 {
		choices = m.last.Messages[n-1].Choices
	}
	if len(choices) == 0 {
		return "My manager keeps changing my shifts at the last minute and says I'll be let go if I complain."
	}
	for _, pref := range []string{"no", "safe", "send", "continue", "go_on", "yes"} {
		for _, c := range choices {
			if c.ID == pref {
				return c.ID
			}
		}
	}
	return choices[0].ID
}

// finish answers until the intake hands off.
func (m *member) finish(ctx context.Context) (*flows.Handoff, error) {
	for range 80 {
		if err := m.step(ctx); err != nil {
			return nil, err
		}
		if m.last.Handoff != nil {
			return m.last.Handoff, nil
		}
	}
	return nil, fmt.Errorf("%s: no handoff after 80 answers", m.id)
}

// parallel runs fn for every member, a hundred at a time.
func parallel(ctx context.Context, ms []*member, fn func(context.Context, *member) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	sem := make(chan struct{}, 100)
	for _, m := range ms {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := fn(ctx, m); err != nil {
				mu.Lock()
				first = cmpOr(first, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// forDuration runs fn(i) in a loop on n goroutines for d, and counts the calls that finished.
func forDuration(ctx context.Context, n int, d time.Duration, fn func(context.Context, int) error) (int64, time.Duration, error) {
	var count atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	stop := make(chan struct{})
	start := time.Now()
	for i := range n {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := fn(ctx, i); err != nil {
					mu.Lock()
					first = cmpOr(first, err)
					mu.Unlock()
					return
				}
				count.Add(1)
			}
		})
	}
	time.Sleep(d)
	close(stop)
	elapsed := time.Since(start)
	wg.Wait()
	return count.Load(), elapsed, first
}

func quantiles(d []time.Duration) (p50, p99 time.Duration) {
	slices.Sort(d)
	return d[len(d)/2], d[len(d)*99/100]
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func us(d time.Duration) string { return fmt.Sprintf("%.1f µs", float64(d.Nanoseconds())/1000) }

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func randomHex() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// cleanup deletes every key of this run, on every master of a cluster.
func cleanup(rdb redis.UniversalClient, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	del := func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
		return iter.Err()
	}
	switch c := rdb.(type) {
	case *redis.ClusterClient:
		_ = c.ForEachMaster(ctx, del)
	case *redis.Client:
		_ = del(ctx, c)
	}
}

// writeReport writes the machine, the command and the table.
func writeReport(ctx context.Context, out io.Writer, rdb redis.UniversalClient, opts Options, rows []Row) error {
	var b strings.Builder
	b.WriteString("# fulcrum benchmarks\n\n")
	fmt.Fprintf(&b, "Measured %s on:\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "- CPU: %s, %d logical CPUs (nproc), GOMAXPROCS %d\n", cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(&b, "- Go: %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "- Redis: %s\n", redisVersion(ctx, rdb))
	fmt.Fprintf(&b, "\nCommand: `%s`\n\n", opts.Command)
	b.WriteString("| figure | measured | reference | target | met? |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.Figure, r.Measured, r.Reference, r.Target, r.Met)
	}
	_, err := io.WriteString(out, b.String())
	return err
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func redisVersion(ctx context.Context, rdb redis.UniversalClient) string {
	info, err := rdb.Info(ctx, "server").Result()
	if err != nil {
		return "unknown"
	}
	var version, mode string
	for line := range strings.SplitSeq(info, "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "redis_version:"); ok {
			version = v
		}
		if v, ok := strings.CutPrefix(line, "redis_mode:"); ok {
			mode = v
		}
	}
	client := "single server"
	if _, ok := rdb.(*redis.ClusterClient); ok {
		client = "Redis Cluster"
	}
	return fmt.Sprintf("%s (%s, through go-redis as %s, same machine over loopback)", version, mode, client)
}
