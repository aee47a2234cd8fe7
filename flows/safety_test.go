package flows

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// walk answers the first questions with no risk, up to the concern question.
func walk(c *chat) {
	c.do(Input{Command: CommandOpen})
	for _, a := range []string{"1", "no", "no", "safe", "no"} {
		c.say(a)
	}
}

func isCrisis(r Reply) bool { return len(r.Messages) > 0 && r.Messages[0].Crisis }

func TestSafetyQuestionsTakeOnlyExactAnswers(t *testing.T) {
	cases := []struct{ setup, reply string }{
		{"I don't see the point in anything anymore", "no I just want to die"},
		{"i want to end my life", "I'm not safe"},
		{"i want to end my life", "this is not a joke, I want to die"},
	}
	for _, tc := range cases {
		t.Run(tc.reply, func(t *testing.T) {
			e, st := newTestEngine(t)
			c := &chat{t: t, e: e, id: "u", reg: "US"}
			walk(c)
			c.say(tc.setup)
			r := c.say(tc.reply)
			if !isCrisis(r) {
				t.Fatalf("%q at a safety question got no crisis response: %+v", tc.reply, r.Messages)
			}
			if st.session(t, "u").Dismissed != 0 {
				t.Error("a new signal was counted as a dismissal")
			}
		})
	}
}

func TestSafetyPlanScreensNewKinds(t *testing.T) {
	e, _ := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	walk(c)
	c.say("i want to end my life")
	c.say("make a safety plan")
	r := c.say("my husband has a knife and says he will kill me tonight")
	if !isCrisis(r) || r.Alert == nil || !slices.Contains(r.Alert.Kinds, "violence") {
		t.Fatalf("a new kind of risk in a plan answer got no response: %+v alert %+v", r.Messages, r.Alert)
	}
	if last(r).State != "concern#plan" || !strings.Contains(last(r).Text, "2 of 6") {
		t.Errorf("the plan should go on after the response: %+v", last(r))
	}
}

func TestCrisisAtTheEndOfALongMessage(t *testing.T) {
	e, _ := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	walk(c)
	long := strings.Repeat("my boss keeps piling work on me and talking down to me in meetings. ", 17) + "and tonight I am going to kill myself"
	r := c.say(long)
	if !isCrisis(r) {
		t.Fatalf("a crisis after 1,000 characters was cut away: %+v", r.Messages)
	}
}

func TestPendingRiskCheckSurvives(t *testing.T) {
	for _, interrupt := range []Input{{Command: CommandOpen}, {Text: "back"}, {Text: "restart"}, {Text: "stop"}} {
		t.Run(string(interrupt.Command)+interrupt.Text, func(t *testing.T) {
			e, _ := newTestEngine(t)
			c := &chat{t: t, e: e, id: "u"}
			walk(c)
			r := c.say("I don't see the point in anything anymore")
			if last(r).State != "concern#check" {
				t.Fatalf("no risk check: %+v", last(r))
			}
			c.do(interrupt)
			if interrupt.Text == "stop" {
				c.do(Input{Command: CommandOpen})
			}
			r = c.say("1")
			if !isCrisis(r) {
				t.Fatalf("the pending risk check was dropped: answering yes gave %+v", r.Messages)
			}
		})
	}
}

// finish answers a whole workplace intake up to the summary.
func finish(c *chat) {
	walk(c)
	for _, a := range []string{"workplace", "coworker", "position", "none", "no", "nothing", "a little", "days",
		"resources", "bot", "anonymous", "he also reads my messages"} {
		c.say(a)
	}
}

func TestCorrectingAnAnswerAsksWhatItBringsUp(t *testing.T) {
	e, st := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	finish(c)
	c.say("change")
	c.do(Input{Choices: []string{"risk_wish"}, State: "review#edit"})
	r := c.say("yes")
	if last(r).State != "risk_thoughts" {
		t.Fatalf("changing risk_wish to yes must ask about thoughts of suicide, got %+v", last(r))
	}
	r = c.say("no")
	if last(r).State != "review" {
		t.Fatalf("answered questions should be passed through to the summary, got %+v", last(r))
	}
	s := st.session(t, "u")
	if s.Answers["anything_else"].Text != "he also reads my messages" || s.Answers["wants"].Choices[0] != "resources" {
		t.Errorf("later answers were lost: %+v", s.Answers)
	}
}

func TestBackWhileCorrectingKeepsEveryAnswer(t *testing.T) {
	e, st := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	finish(c)
	c.say("change")
	r := c.say("back")
	if last(r).State != "review" {
		t.Fatalf("back from the edit menu should return to the summary: %+v", last(r))
	}
	if got := st.session(t, "u").Answers["anything_else"].Text; got != "he also reads my messages" {
		t.Errorf("back deleted an answer: %q", got)
	}
	c.say("change")
	c.do(Input{Choices: []string{"concern"}, State: "review#edit"})
	c.say("workplace")
	if got := st.session(t, "u"); got.State != "review" || got.Answers["work_who"].Choices[0] != "coworker" {
		t.Errorf("re-choosing the same concern should keep its answers and return to the summary: %s %+v", got.State, got.Answers["work_who"])
	}
}

func TestCouplesCounselingNeedsTheSafetyQuestion(t *testing.T) {
	e, _ := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	walk(c)
	c.say("1,3")       // workplace and relationship
	c.say("workplace") // primary: the relationship questions are never asked
	for _, a := range []string{"coworker", "position", "none", "no", "nothing", "a little", "days", "couples", "bot", "named", "skip"} {
		c.say(a)
	}
	r := c.say("send")
	if r.Handoff == nil {
		t.Fatalf("no handoff: %+v", last(r))
	}
	if slices.Contains(referralIDs(r.Handoff), "couples-counseling") {
		t.Error("couples counseling offered although nobody asked about abuse in the relationship")
	}
}

func TestCrisisClickDuringOutage(t *testing.T) {
	e, st := newTestEngine(t)
	st.fail = ErrUnavailable
	r, err := e.Handle(context.Background(), Input{SessionID: "u", Choices: []string{"unsafe"}, State: "safe_now", Region: "GB"})
	if err == nil || !isCrisis(r) {
		t.Fatalf("a crisis click during an outage got no resources: %+v", r.Messages)
	}
}

func TestEveryTurnAnswersAfterTheHandoff(t *testing.T) {
	e, _ := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	finish(c)
	c.say("send")
	c.say("I want to die")
	r := c.say("continue")
	if len(r.Messages) == 0 || !last(r).Waiting {
		t.Fatalf("continuing after a crisis after the handoff left silence: %+v", r.Messages)
	}
	r = c.say("back")
	if last(r).State != "handoff#done" {
		t.Errorf("back after the handoff should not reopen answered questions: %+v", last(r))
	}
}

func TestWordsThatWorkEverywhere(t *testing.T) {
	e, st := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	walk(c)
	c.say("stop")
	r := c.say("forget")
	if last(r).State != "concern#forget" {
		t.Fatalf("forget while paused: %+v", last(r))
	}
	r = c.say("forget")
	if !r.Forgotten || st.session(t, "u") != nil {
		t.Errorf("typing forget at the confirmation should confirm: %+v", last(r))
	}
}

func TestUnknownStateAfterAFlowChange(t *testing.T) {
	e, st := newTestEngine(t)
	raw := []byte(`{"id":"u","st":"gone_state","p":["gone_state","concern"],"a":{"gone_state":{"c":["x"]}},"t0":1,"t1":1}`)
	st.data["u"] = raw
	r, err := e.Handle(context.Background(), Input{SessionID: "u", Text: "hello"})
	if err != nil || len(r.Messages) == 0 {
		t.Fatalf("a session at a removed state should start again, got %v %+v", err, r.Messages)
	}
	_ = time.Second
}

// TestInCrisisMarksEveryCrisisStep: a session is in crisis from the direct risk question on, and stays so (urgent)
// after the crisis response; a session that never showed risk is not.
func TestInCrisisMarksEveryCrisisStep(t *testing.T) {
	e, st := newTestEngine(t)
	c := &chat{t: t, e: e, id: "u"}
	walk(c)
	if st.session(t, "u").InCrisis() {
		t.Fatal("a session without any risk signal is in crisis")
	}
	c.say("I don't see the point in anything anymore")
	if s := st.session(t, "u"); s.Sub == nil || s.Sub.Kind != subRiskCheck || !s.InCrisis() {
		t.Fatalf("at the direct risk question: sub %+v, in crisis %v", s.Sub, s.InCrisis())
	}
	c.say("yes")
	if s := st.session(t, "u"); !s.Urgent || !s.InCrisis() {
		t.Fatalf("after a crisis answer: urgent %v, in crisis %v", s.Urgent, s.InCrisis())
	}
}

func TestCrisisChoice(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		state   string
		choices []string
		want    bool
	}{
		{"risk_thoughts", []string{"yes"}, true},
		{"risk_thoughts", []string{"no"}, false},
		{"risk_behaviour", []string{"recent"}, true},
		{"concern", []string{"workplace"}, false},
		{"no_such_state", []string{"yes"}, false},
	}
	for _, tc := range cases {
		if got := f.CrisisChoice(tc.state, tc.choices); got != tc.want {
			t.Errorf("CrisisChoice(%s, %v) = %v, want %v", tc.state, tc.choices, got, tc.want)
		}
	}
}
