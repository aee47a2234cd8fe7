package console

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/crisis"
	"github.com/fulcrum-intake/fulcrum/internal/redistest"
	"github.com/fulcrum-intake/fulcrum/store"
)

// msg is one line of the JSON protocol as a client reads it.
type msg struct {
	Text    string         `json:"text"`
	Choices []flows.Choice `json:"choices"`
	Multi   bool           `json:"multi"`
	State   string         `json:"state"`
	Crisis  bool           `json:"crisis"`
	Waiting bool           `json:"waiting"`
	Done    bool           `json:"done"`
	Alert   *struct {
		Ref   string   `json:"ref"`
		Kinds []string `json:"kinds"`
	} `json:"alert"`
	Handoff *struct {
		Ref       string   `json:"ref"`
		Concerns  []string `json:"concerns"`
		Urgent    bool     `json:"urgent"`
		Risks     []string `json:"risks"`
		Anonymous bool     `json:"anonymous"`
		Referrals []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"referrals"`
		Summary string `json:"summary"`
	} `json:"handoff"`
}

// env is an engine on the real test Redis.
type env struct {
	eng *flows.Engine
	st  *store.Redis
}

func newEnv(t *testing.T) env {
	t.Helper()
	rdb, prefix := redistest.Client(t)
	f, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := crisis.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(rdb, store.Options{Prefix: prefix})
	return env{eng: flows.NewEngine(f, st, dir, flows.Options{}), st: st}
}

// conv drives `console --json` in process: it writes lines and reads messages up to the end of each turn.
type conv struct {
	t    *testing.T
	in   *io.PipeWriter
	out  *bufio.Scanner
	done chan error
	end  bool
}

func (e env) open(t *testing.T, session, region string) (*conv, []msg) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &conv{t: t, in: inW, out: bufio.NewScanner(outR), done: make(chan error, 1)}
	c.out.Buffer(make([]byte, 1<<20), 1<<20)
	go func() {
		err := Run(context.Background(), inR, outW, e.eng, Options{JSON: true, SessionID: session, Region: region})
		outW.Close()
		c.done <- err
	}()
	t.Cleanup(func() { c.close() })
	return c, c.turn()
}

// turn reads messages until the bot waits or is done.
func (c *conv) turn() []msg {
	c.t.Helper()
	var out []msg
	deadline := time.AfterFunc(10*time.Second, func() { c.in.CloseWithError(io.ErrClosedPipe) })
	defer deadline.Stop()
	for c.out.Scan() {
		var m msg
		if err := json.Unmarshal(c.out.Bytes(), &m); err != nil {
			c.t.Fatalf("console wrote a line that is not JSON: %q", c.out.Text())
		}
		if m.Choices == nil {
			c.t.Fatalf("choices must be an array, never null: %q", c.out.Text())
		}
		out = append(out, m)
		if m.Done {
			c.end = true
		}
		if m.Waiting || m.Done {
			return out
		}
	}
	c.end = true
	return out
}

func (c *conv) send(line string) []msg {
	c.t.Helper()
	if c.end {
		c.t.Fatalf("send %q after the conversation ended", line)
	}
	if _, err := io.WriteString(c.in, line+"\n"); err != nil {
		c.t.Fatalf("write %q: %v", line, err)
	}
	return c.turn()
}

func (c *conv) close() {
	c.in.Close()
	select {
	case err := <-c.done:
		if err != nil {
			c.t.Errorf("console.Run: %v", err)
		}
		c.done <- nil
	case <-time.After(5 * time.Second):
		c.t.Error("console did not stop at EOF")
	}
}

func lastOf(ms []msg) msg {
	if len(ms) == 0 {
		return msg{}
	}
	return ms[len(ms)-1]
}

// expect sends a line and checks the state the bot then waits in.
func (c *conv) expect(line, state string) []msg {
	c.t.Helper()
	ms := c.send(line)
	if got := lastOf(ms).State; got != state {
		c.t.Fatalf("after %q: state %q, want %q (messages: %s)", line, got, state, texts(ms))
	}
	return ms
}

func texts(ms []msg) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString("[" + m.State + "] " + m.Text + " | ")
	}
	return b.String()
}

func referralIDs(m msg) []string {
	var ids []string
	for _, r := range m.Handoff.Referrals {
		ids = append(ids, r.ID)
	}
	return ids
}

// screen answers the welcome and the risk questions with no risk.
func (c *conv) screen() {
	c.t.Helper()
	c.expect("1", "risk_wish")
	c.expect("no", "risk_behaviour")
	c.expect("No", "safe_now")
	c.expect("I'm safe right now", "age")
	c.expect("no", "concern")
}

// finish answers the shared closing questions and sends the summary.
func (c *conv) finish(wants, contact, anon string) msg {
	c.t.Helper()
	c.expect("a lot", "impact_duration")
	c.expect("months", "wants")
	c.expect(wants, "contact")
	c.expect(contact, "anonymity")
	c.expect(anon, "anything_else")
	ms := c.expect("skip", "review")
	if !strings.Contains(lastOf(ms).Text, "Concerns") {
		c.t.Fatalf("summary lacks the concerns: %q", lastOf(ms).Text)
	}
	ms = c.send("send")
	m := lastOf(ms)
	if !m.Done || m.Handoff == nil {
		c.t.Fatalf("send did not complete the intake: %s", texts(ms))
	}
	return m
}

func TestFullIntakeEachArea(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name     string
		concern  string
		answers  [][2]string // line, state after it
		wants    string
		want     []string // referrals that must be offered
		notWant  []string
		concerns []string
	}{
		{
			name: "workplace (Sofia and her boss)", concern: "workplace",
			answers: [][2]string{{"manager", "work_power"}, {"fire, affection", "work_harm"}, {"none", "work_retaliation"},
				{"yes", "work_tried"}, {"hinted", "impact_level"}},
			wants: "moderator, therapist", want: []string{"workplace-rights", "individual-therapy", "therapist-directory"},
			notWant: []string{"domestic-violence", "couples-counseling", "crisis-line"}, concerns: []string{"workplace"},
		},
		{
			name: "family with violence", concern: "2",
			answers: [][2]string{{"stepdad", "family_power"}, {"1,2", "family_harm"}, {"hurt", "family_tried"},
				{"nothing yet", "impact_level"}},
			wants: "family therapy", want: []string{"domestic-violence", "individual-therapy"},
			notWant: []string{"family-therapy", "couples-counseling"}, concerns: []string{"family"},
		},
		{
			name: "relationship, balanced-relationship signs, no abuse", concern: "relationship",
			answers: [][2]string{{"spouse", "rel_balance"}, {"respect, talk", "rel_power"}, {"money", "rel_harm"},
				{"none of these", "rel_tried"}, {"talked to them", "impact_level"}},
			wants: "couples", want: []string{"couples-counseling", "individual-therapy"},
			notWant: []string{"domestic-violence"}, concerns: []string{"relationship"},
		},
		{
			name: "relationship with abuse: no couples counseling", concern: "romantic relationship",
			answers: [][2]string{{"partner i live with", "rel_balance"}, {"none", "rel_power"}, {"isolation", "rel_harm"},
				{"hurt, threats", "rel_tried"}, {"nothing", "impact_level"}},
			wants: "couples", want: []string{"domestic-violence"},
			notWant: []string{"couples-counseling"}, concerns: []string{"relationship"},
		},
		{
			name: "oppression", concern: "discrimination",
			answers: [][2]string{{"race", "opp_where"}, {"police, housing", "opp_harm"}, {"harassment", "opp_tried"},
				{"nothing yet", "impact_level"}},
			wants: "group", want: []string{"identity-affirming-therapist", "group-therapy", "workplace-rights"},
			notWant: []string{"couples-counseling"}, concerns: []string{"oppression"},
		},
		{
			name: "something else", concern: "5",
			answers: [][2]string{{"My landlord keeps entering my flat without asking", "impact_level"}},
			wants:   "just resources", want: []string{"individual-therapy", "peer-support"},
			notWant: []string{"couples-counseling"}, concerns: []string{"other"},
		},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, first := e.open(t, "area-"+string(rune('a'+i)), "GB")
			if lastOf(first).State != "welcome" || len(lastOf(first).Choices) == 0 {
				t.Fatalf("did not open with the welcome: %s", texts(first))
			}
			if !strings.Contains(first[0].Text, "not a therapist") || !strings.Contains(first[0].Text, "emergency") {
				t.Error("welcome does not say what the bot is not")
			}
			c.screen()
			ms := c.send(tc.concern)
			if lastOf(ms).State == "concern#confirm" {
				ms = c.send("yes")
			}
			if got := lastOf(ms).State; got == "concern" {
				t.Fatalf("concern answer %q was not understood: %s", tc.concern, texts(ms))
			}
			for _, a := range tc.answers {
				c.expect(a[0], a[1])
			}
			m := c.finish(tc.wants, "dm", "anonymous")
			if !slices.Equal(m.Handoff.Concerns, tc.concerns) {
				t.Errorf("concerns = %v, want %v", m.Handoff.Concerns, tc.concerns)
			}
			if m.Handoff.Urgent {
				t.Error("handoff urgent without any risk")
			}
			if !m.Handoff.Anonymous {
				t.Error("anonymity choice lost")
			}
			ids := referralIDs(m)
			for _, w := range tc.want {
				if !slices.Contains(ids, w) {
					t.Errorf("referral %s not offered: %v", w, ids)
				}
			}
			for _, w := range tc.notWant {
				if slices.Contains(ids, w) {
					t.Errorf("referral %s offered: %v", w, ids)
				}
			}
			if !strings.Contains(m.Text, m.Handoff.Ref) {
				t.Error("the member's last message lacks the reference")
			}
		})
	}
}
