package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows/crisis"
)

// memStore is an in-memory SessionStore for engine unit tests; package store's tests cover Redis itself.
type memStore struct {
	mu   sync.Mutex
	data map[string][]byte
	fail error
}

func newMemStore() *memStore { return &memStore{data: map[string][]byte{}} }

func (m *memStore) Update(_ context.Context, id, eventID string, fn func(*Session) (*Session, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	var s *Session
	if raw, ok := m.data[id]; ok {
		s = &Session{}
		if err := json.Unmarshal(raw, s); err != nil {
			return err
		}
		if s.Answers == nil {
			s.Answers = map[string]Answer{}
		}
		if s.SeenEvent(eventID) {
			return ErrDuplicate
		}
	}
	next, err := fn(s)
	if err != nil {
		return err
	}
	if next == nil {
		delete(m.data, id)
		return nil
	}
	raw, err := json.Marshal(next)
	if err != nil {
		return err
	}
	m.data[id] = raw
	return nil
}

func (m *memStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, id)
	return nil
}

func (m *memStore) session(t *testing.T, id string) *Session {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	raw, ok := m.data[id]
	if !ok {
		return nil
	}
	var s Session
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

func newTestEngine(t *testing.T) (*Engine, *memStore) {
	t.Helper()
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := crisis.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := newMemStore()
	return NewEngine(f, st, dir, Options{}), st
}

type chat struct {
	t   *testing.T
	e   *Engine
	id  string
	n   int
	reg string
}

func (c *chat) do(in Input) Reply {
	c.t.Helper()
	c.n++
	in.SessionID = c.id
	if in.EventID == "" {
		in.EventID = c.id + "-" + strings.Repeat("x", c.n)
	}
	in.Region = c.reg
	r, err := c.e.Handle(context.Background(), in)
	if err != nil {
		c.t.Fatalf("Handle(%+v): %v", in, err)
	}
	return r
}

func (c *chat) say(text string) Reply { c.t.Helper(); return c.do(Input{Text: text}) }

func last(r Reply) Message {
	if len(r.Messages) == 0 {
		return Message{}
	}
	return r.Messages[len(r.Messages)-1]
}

func TestDuplicateEventAppliedOnce(t *testing.T) {
	e, st := newTestEngine(t)
	ctx := context.Background()
	if _, err := e.Handle(ctx, Input{SessionID: "u", EventID: "e1", Command: CommandOpen}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Handle(ctx, Input{SessionID: "u", EventID: "e2", Text: "1"}); err != nil {
		t.Fatal(err)
	}
	before := st.session(t, "u")
	r, err := e.Handle(ctx, Input{SessionID: "u", EventID: "e2", Text: "1"})
	if !errors.Is(err, ErrDuplicate) {
		t.Fatalf("repeated event: err = %v, want ErrDuplicate", err)
	}
	if len(r.Messages) != 0 {
		t.Errorf("repeated event produced %d messages", len(r.Messages))
	}
	after := st.session(t, "u")
	if before.State != after.State || len(before.Path) != len(after.Path) {
		t.Errorf("repeated event changed the session: %s/%v -> %s/%v", before.State, before.Path, after.State, after.Path)
	}
}

func TestStaleClickChangesNothing(t *testing.T) {
	e, st := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	c.do(Input{Command: CommandOpen})
	c.do(Input{Choices: []string{"start"}, State: "welcome"})
	if got := st.session(t, "u").State; got != "risk_wish" {
		t.Fatalf("state = %s, want risk_wish", got)
	}
	r := c.do(Input{Choices: []string{"decline"}, State: "welcome"})
	if !r.Stale {
		t.Error("click on an answered question was not marked stale")
	}
	if got := st.session(t, "u").State; got != "risk_wish" {
		t.Errorf("stale click moved the session to %s", got)
	}
}

func TestClicksForMultiChoice(t *testing.T) {
	e, st := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	c.do(Input{Command: CommandOpen})
	for _, step := range []struct{ state, choice string }{
		{"welcome", "start"}, {"risk_wish", "no"}, {"risk_behaviour", "no"}, {"safe_now", "safe"}, {"age", "no"},
	} {
		c.do(Input{Choices: []string{step.choice}, State: step.state})
	}
	r := c.do(Input{Choices: []string{"family", "workplace"}, State: "concern"})
	if m := last(r); m.State != "concern#primary" || len(m.Choices) != 2 {
		t.Fatalf("two concerns should ask which matters most, got %+v", m)
	}
	c.do(Input{Choices: []string{"workplace"}, State: "concern#primary"})
	s := st.session(t, "u")
	if got := s.Answers["concern"].Choices; !slices.Equal(got, []string{"workplace", "family"}) {
		t.Errorf("concerns = %v, want primary workplace first", got)
	}
	if s.State != "work_who" {
		t.Errorf("state = %s, want work_who for a primary workplace concern", s.State)
	}
}

func TestStoreDownStillAnswersCrisis(t *testing.T) {
	e, st := newTestEngine(t)
	st.fail = ErrUnavailable
	r, err := e.Handle(context.Background(), Input{SessionID: "u", Text: "I am going to kill myself tonight", Region: "US"})
	if err == nil {
		t.Fatal("store failure was not reported")
	}
	if len(r.Messages) < 2 || !r.Messages[0].Crisis {
		t.Fatalf("crisis resources missing while the store is down: %+v", r.Messages)
	}
	if !strings.Contains(r.Messages[0].Text, "988") {
		t.Errorf("US crisis response lacks 988: %q", r.Messages[0].Text)
	}
	if !strings.Contains(last(r).Text, "safe") {
		t.Errorf("no kind pause notice: %q", last(r).Text)
	}
	r, _ = e.Handle(context.Background(), Input{SessionID: "u", Text: "my boss is rude"})
	if r.Messages[0].Crisis {
		t.Error("a safe message got the crisis response while the store is down")
	}
}

func TestBackClearsAnswerAndTags(t *testing.T) {
	e, st := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	c.do(Input{Command: CommandOpen})
	for _, a := range []string{"1", "no", "no", "safe", "yes"} {
		c.say(a)
	}
	if !e.flow.tags(st.session(t, "u"))["minor"] {
		t.Fatal("answering under 18 should tag minor")
	}
	r := c.say("back")
	if last(r).State != "age" {
		t.Fatalf("back went to %s, want age", last(r).State)
	}
	s := st.session(t, "u")
	if _, ok := s.Answers["age"]; ok || e.flow.tags(s)["minor"] {
		t.Error("back kept the undone answer")
	}
}

func TestEditFromSummaryReturnsToSummary(t *testing.T) {
	e, st := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	c.do(Input{Command: CommandOpen})
	for _, a := range []string{"1", "no", "no", "safe", "no", "workplace", "coworker", "position", "none", "no",
		"nothing", "a little", "days", "resources", "bot", "anonymous", "skip"} {
		c.say(a)
	}
	if got := st.session(t, "u").State; got != "review" {
		t.Fatalf("state = %s, want review", got)
	}
	r := c.say("change")
	if m := last(r); m.State != "review#edit" {
		t.Fatalf("change did not offer answers to change: %+v", m)
	}
	c.do(Input{Choices: []string{"impact_level"}, State: "review#edit"})
	r = c.say("overwhelming")
	if m := last(r); m.State != "review" || !strings.Contains(m.Text, "It's overwhelming") {
		t.Fatalf("after the change the summary should show the new answer, got %+v", m)
	}
}

func TestCouplesCounselingNeverWithAbuse(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(f, newMemStore(), nil, Options{})
	for _, harm := range []string{"hurt", "threats", "sexual", "control"} {
		t.Run(harm, func(t *testing.T) {
			s := &Session{Path: []string{"concern", "rel_harm", "wants"}, Answers: map[string]Answer{
				"concern": {Choices: []string{"relationship"}}, "rel_harm": {Choices: []string{harm}},
				"wants": {Choices: []string{"couples"}},
			}}
			h := e.buildHandoff(s, time.Now())
			ids := referralIDs(h)
			if slices.Contains(ids, "couples-counseling") {
				t.Errorf("couples counseling offered despite %s: %v", harm, ids)
			}
			if !slices.Contains(ids, "domestic-violence") {
				t.Errorf("domestic-violence resources not offered for %s: %v", harm, ids)
			}
		})
	}
	s := &Session{Path: []string{"concern", "rel_harm", "wants"}, Answers: map[string]Answer{
		"concern": {Choices: []string{"relationship"}}, "rel_harm": {Choices: []string{"none"}},
		"wants": {Choices: []string{"couples"}},
	}}
	if ids := referralIDs(e.buildHandoff(s, time.Now())); !slices.Contains(ids, "couples-counseling") || slices.Contains(ids, "domestic-violence") {
		t.Errorf("without abuse, couples counseling should be offered and DV not: %v", ids)
	}
	// A crisis signal of violence anywhere in the session also rules couples counseling out.
	s.Risks = []string{"violence"}
	if ids := referralIDs(e.buildHandoff(s, time.Now())); slices.Contains(ids, "couples-counseling") {
		t.Errorf("couples counseling offered after a violence signal: %v", ids)
	}
}

func referralIDs(h *Handoff) []string {
	var ids []string
	for _, r := range h.Referrals {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestRefsAreShortAndReadable(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		r := newRef()
		if len(r) != 7 || !strings.HasPrefix(r, "F-") || strings.ContainsAny(r[2:], "01OIL") {
			t.Fatalf("bad ref %q", r)
		}
		seen[r] = true
	}
	if len(seen) < 195 {
		t.Errorf("refs repeat too often: %d distinct of 200", len(seen))
	}
}

func TestCrisisRaisesOneAlertPerKind(t *testing.T) {
	e, _ := newTestEngine(t)
	c := &chat{t: t, e: e, id: "discord:42", reg: "GB"}
	c.do(Input{Command: CommandOpen, Community: "guild-1"})
	r := c.say("I'm going to kill myself tonight")
	a := r.Alert
	if a == nil {
		t.Fatal("a crisis raised no alert")
	}
	if a.SessionID != "discord:42" || a.Community != "guild-1" || a.Region != "GB" || !slices.Contains(a.Kinds, "suicide") {
		t.Errorf("alert = %+v", a)
	}
	if raw, _ := json.Marshal(a); strings.Contains(string(raw), "kill myself") {
		t.Errorf("the alert carries the member's words: %s", raw)
	}
	c.say("continue")
	if r := c.say("I'm going to kill myself tonight"); r.Alert != nil {
		t.Error("a second signal of the same kind raised a second alert")
	}
	if r := c.say("he said he'd kill me if I leave"); r.Alert == nil || !slices.Contains(r.Alert.Kinds, "violence") {
		t.Errorf("a new kind of signal should alert again: %+v", r.Alert)
	}
}

func TestSafetyPlanIsKeptOnlyWhenAsked(t *testing.T) {
	for _, keep := range []bool{true, false} {
		t.Run(fmt.Sprint("keep=", keep), func(t *testing.T) {
			e, st := newTestEngine(t)
			c := &chat{t: t, e: e, id: "u"}
			c.do(Input{Command: CommandOpen})
			c.say("i want to end my life")
			r := c.do(Input{Choices: []string{"plan"}, State: "welcome#crisis"})
			if m := last(r); m.State != "welcome#plan" || !strings.Contains(m.Text, "1 of 6") {
				t.Fatalf("plan did not start: %+v", m)
			}
			for i, a := range []string{"when I stop sleeping", "skip", "my sister's flat", "Ana 555-0101", "my GP", "give my pills to Ana"} {
				r = c.say(a)
				if i < 5 && !strings.Contains(last(r).Text, fmt.Sprintf("%d of 6", i+2)) {
					t.Fatalf("step %d: %q", i+2, last(r).Text)
				}
			}
			if len(r.Messages) < 2 || !strings.Contains(r.Messages[0].Text, "My safety plan") || !strings.Contains(r.Messages[0].Text, "Ana 555-0101") {
				t.Fatalf("finished plan not shown: %+v", r.Messages)
			}
			if strings.Contains(st.session(t, "u").SafetyPlan, "Ana") {
				t.Fatal("the plan was stored before the member chose")
			}
			choice := "dropplan"
			if keep {
				choice = "keepplan"
			}
			r = c.do(Input{Choices: []string{choice}, State: "welcome#keep"})
			got := st.session(t, "u").SafetyPlan
			if keep != strings.Contains(got, "Ana 555-0101") {
				t.Errorf("keep=%v but stored plan = %q", keep, got)
			}
			if last(r).State != "welcome" {
				t.Errorf("after the plan the intake should go on: %+v", last(r))
			}
		})
	}
}

func TestForgetIsToldApartFromCancel(t *testing.T) {
	e, _ := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	c.do(Input{Command: CommandOpen})
	c.say("forget")
	if r := c.say("yes"); !r.Deleted || !r.Forgotten {
		t.Errorf("typed forget: Deleted=%v Forgotten=%v", r.Deleted, r.Forgotten)
	}
	c2 := &chat{t: t, e: e, id: "v"}
	c2.do(Input{Command: CommandOpen})
	if r := c2.say("not now"); !r.Deleted || r.Forgotten {
		t.Errorf("declining: Deleted=%v Forgotten=%v, want deleted but not a forget request", r.Deleted, r.Forgotten)
	}
	if r := c2.do(Input{Command: CommandForget}); !r.Forgotten {
		t.Error("CommandForget is not marked Forgotten")
	}
}
