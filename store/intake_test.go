package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/crisis"
)

// fixedNow is the clock of engines whose sessions are compared: Started and Updated then match.
func fixedNow() time.Time { return time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) }

// newEngine returns an engine on the built-in intake over st.
func newEngine(t testing.TB, st flows.SessionStore) *flows.Engine {
	t.Helper()
	f, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := crisis.Load()
	if err != nil {
		t.Fatal(err)
	}
	return flows.NewEngine(f, st, dir, flows.Options{Now: fixedNow})
}

// lastMessage is the message a reply waits on.
func lastMessage(r flows.Reply) flows.Message {
	if len(r.Messages) == 0 {
		return flows.Message{}
	}
	return r.Messages[len(r.Messages)-1]
}

// answerFor picks the input for a question on a calm path through the intake: typed text (with the caller's
// words) where the question takes text, a fixed choice where it matters (no risk, consent, confirm, send), the
// first choice elsewhere.
func answerFor(m flows.Message, words string) flows.Input {
	if len(m.Choices) == 0 {
		return flows.Input{Text: words}
	}
	prefer := map[string]string{"welcome": "start", "risk_wish": "no", "risk_thoughts": "no", "risk_behaviour": "no",
		"safe_now": "safe", "age": "no", "review": "send"}
	id := m.Choices[0].ID
	if p, ok := prefer[m.State]; ok {
		id = p
	}
	for _, c := range m.Choices {
		if c.ID == "yes" && len(m.Choices) <= 3 && m.State != "age" && m.State != "risk_wish" && m.State != "risk_thoughts" {
			id = "yes" // confirming what was understood ("It sounds like this is about work. Is that right?")
		}
	}
	return flows.Input{Choices: []string{id}, State: m.State}
}

// runIntake drives one member from opening to the handoff, typing text that holds words wherever the intake
// takes text (the concern in their own words too), and returns the handoff and the number of steps.
func runIntake(t *testing.T, e *flows.Engine, sid, words string) (*flows.Handoff, int) {
	t.Helper()
	ctx := context.Background()
	r, err := e.Handle(ctx, flows.Input{SessionID: sid, EventID: sid + "-open", Command: flows.CommandOpen})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	for step := 1; step < 80; step++ {
		if r.Handoff != nil {
			return r.Handoff, step
		}
		m := lastMessage(r)
		in := answerFor(m, "my manager keeps shouting at me at work and "+words)
		if m.State == "concern" {
			in = flows.Input{Text: "my boss at work threatens to fire me, " + words}
		}
		in.SessionID, in.EventID = sid, fmt.Sprintf("%s-%d", sid, step)
		if r, err = e.Handle(ctx, in); err != nil {
			t.Fatalf("step %d at %s: %v", step, m.State, err)
		}
	}
	t.Fatalf("no handoff after 80 steps; last state %q", lastMessage(r).State)
	return nil, 0
}
