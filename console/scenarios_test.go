package console

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// crisisFirst checks that a turn opens with the crisis response and then offers to continue.
func crisisFirst(t *testing.T, ms []msg, wantInText string) {
	t.Helper()
	if len(ms) < 2 || !ms[0].Crisis {
		t.Fatalf("the turn does not open with the crisis response: %s", texts(ms))
	}
	if wantInText != "" && !strings.Contains(ms[0].Text, wantInText) {
		t.Errorf("crisis response lacks %q: %q", wantInText, ms[0].Text)
	}
	last := lastOf(ms)
	if !strings.HasSuffix(last.State, "#crisis") || len(last.Choices) == 0 {
		t.Fatalf("after the crisis response the bot should offer to continue: %+v", last)
	}
}

func TestCrisisAtSeveralStates(t *testing.T) {
	e := newEnv(t)
	t.Run("first words, before the welcome", func(t *testing.T) {
		c, _ := e.open(t, "crisis-first", "US")
		ms := c.send("I'm going to kill myself tonight")
		crisisFirst(t, ms, "988")
		if ms[0].Alert == nil || ms[0].Alert.Ref == "" || len(ms[0].Alert.Kinds) == 0 {
			t.Errorf("the crisis message carries no alert: %+v", ms[0])
		}
		ms = c.expect("continue", "welcome")
		_ = ms
	})
	t.Run("risk screen answer", func(t *testing.T) {
		c, _ := e.open(t, "crisis-screen", "GB")
		c.expect("start", "risk_wish")
		c.expect("yes", "risk_thoughts")
		ms := c.send("yes")
		crisisFirst(t, ms, "116 123")
		c.expect("continue", "safe_now")
		c.expect("safe", "age")
		c.expect("no", "concern")
		c.expect("work", "work_who")
		for _, a := range [][2]string{{"1", "work_power"}, {"1", "work_harm"}, {"none", "work_retaliation"}, {"no", "work_tried"}, {"nothing", "impact_level"}} {
			c.expect(a[0], a[1])
		}
		m := c.finish("therapist", "bot", "named")
		if !m.Handoff.Urgent || !slices.Contains(m.Handoff.Risks, "suicide") {
			t.Errorf("handoff not urgent with the suicide risk: %+v", m.Handoff)
		}
		if ids := referralIDs(m); !slices.Contains(ids, "crisis-line") {
			t.Errorf("crisis line not among referrals: %v", ids)
		}
		if !strings.Contains(m.Handoff.Summary, "urgent") {
			t.Errorf("summary does not say urgent: %q", m.Handoff.Summary)
		}
	})
	t.Run("free text at the concern question", func(t *testing.T) {
		c, _ := e.open(t, "crisis-concern", "AU")
		c.screen()
		ms := c.send("my boyfriend hit me and said next time will be worse")
		crisisFirst(t, ms, "1800")
		ms = c.send("continue")
		if got := lastOf(ms).State; got != "concern#confirm" {
			t.Fatalf("after continuing, the words should be read as the concern: %s", texts(ms))
		}
		if !strings.Contains(lastOf(ms).Text, "romantic relationship") {
			t.Errorf("confirmation does not name the relationship: %q", lastOf(ms).Text)
		}
		c.expect("yes", "rel_who")
	})
	t.Run("not safe at the safety question", func(t *testing.T) {
		c, _ := e.open(t, "crisis-unsafe", "CA")
		c.expect("1", "risk_wish")
		c.expect("no", "risk_behaviour")
		c.expect("no", "safe_now")
		ms := c.send("I'm not safe")
		crisisFirst(t, ms, "911")
		c.expect("continue", "age")
	})
	t.Run("late, in the anything-else text", func(t *testing.T) {
		c, _ := e.open(t, "crisis-late", "")
		c.screen()
		c.expect("other", "other_describe")
		c.expect("people at my church keep judging me", "impact_level")
		c.expect("1", "impact_duration")
		c.expect("1", "wants")
		c.expect("1", "contact")
		c.expect("1", "anonymity")
		c.expect("1", "anything_else")
		ms := c.send("honestly I want to end my life")
		crisisFirst(t, ms, "findahelpline")
		c.expect("continue", "review")
	})
}

func TestFigureOfSpeechThenSecondSignal(t *testing.T) {
	e := newEnv(t)
	c, _ := e.open(t, "dismiss", "US")
	c.screen()
	ms := c.send("kill me now, I mean it, I can't do this")
	crisisFirst(t, ms, "")
	if !slices.ContainsFunc(lastOf(ms).Choices, func(ch flows.Choice) bool { return ch.ID == "figure" }) {
		t.Fatal("first crisis response should let the person say it was a figure of speech")
	}
	ms = c.send("it was a figure of speech")
	if got := lastOf(ms).State; got != "concern" {
		t.Fatalf("after a dismissal the intake should go on: %s", texts(ms))
	}
	ms = c.send("I'm going to kill myself tonight")
	crisisFirst(t, ms, "988")
	if slices.ContainsFunc(lastOf(ms).Choices, func(ch flows.Choice) bool { return ch.ID == "figure" }) {
		t.Error("after one dismissal, a second signal must not be dismissable the same way")
	}
}

func TestFreeTextConcernIsClassifiedAndConfirmed(t *testing.T) {
	e := newEnv(t)
	c, _ := e.open(t, "freetext", "")
	c.screen()
	ms := c.expect("my boss makes me stay late every day without pay", "concern#confirm")
	if !strings.Contains(lastOf(ms).Text, "It sounds like this is about your workplace") {
		t.Errorf("confirmation = %q", lastOf(ms).Text)
	}
	ms = c.expect("no", "concern")
	if !strings.Contains(ms[0].Text, "Which of these") {
		t.Errorf("a 'no' should ask for the area with the choices: %s", texts(ms))
	}
	c.expect("my mother-in-law makes every holiday about her", "concern#confirm")
	c.expect("yes", "family_who")
}

func TestBackRestartStopAndResume(t *testing.T) {
	e := newEnv(t)
	c, _ := e.open(t, "nav", "")
	ms := c.send("back")
	if lastOf(ms).State != "welcome" || !strings.Contains(ms[0].Text, "first question") {
		t.Fatalf("back at the start: %s", texts(ms))
	}
	c.expect("1", "risk_wish")
	c.expect("no", "risk_behaviour")
	c.expect("back", "risk_wish")
	c.expect("no", "risk_behaviour")
	c.expect("no", "safe_now")
	c.expect("help", "safe_now")
	ms = c.send("stop")
	if !strings.Contains(ms[0].Text, "pause") {
		t.Fatalf("stop: %s", texts(ms))
	}
	c.close()

	// A new console run for the same person offers to resume.
	c2, first := e.open(t, "nav", "")
	if lastOf(first).State != "safe_now#resume" {
		t.Fatalf("returning person not asked to resume: %s", texts(first))
	}
	ms = c2.expect("resume", "safe_now")
	if !strings.Contains(lastOf(ms).Text, "safe") {
		t.Errorf("resume did not re-ask the question: %s", texts(ms))
	}
	c2.expect("safe", "age")
	c2.close()

	// EOF alone also keeps the session; starting over clears the answers.
	c3, first := e.open(t, "nav", "")
	if lastOf(first).State != "age#resume" {
		t.Fatalf("after EOF: %s", texts(first))
	}
	c3.expect("start over", "welcome")
	c3.expect("restart", "welcome")
	c3.expect("1", "risk_wish")
}

// stored loads a session without changing it; nil when there is none.
func (e env) stored(t *testing.T, id string) *flows.Session {
	t.Helper()
	var got *flows.Session
	err := e.st.Update(context.Background(), id, "", func(s *flows.Session) (*flows.Session, error) {
		got = s
		return s, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestForgetDeletesTheSession(t *testing.T) {
	e := newEnv(t)
	c, _ := e.open(t, "forget", "")
	c.expect("1", "risk_wish")
	if e.stored(t, "forget") == nil {
		t.Fatal("session not stored before forget")
	}
	c.expect("forget", "risk_wish#forget")
	ms := c.send("yes")
	if !lastOf(ms).Done || !strings.Contains(lastOf(ms).Text, "deleted") {
		t.Fatalf("forget: %s", texts(ms))
	}
	if s := e.stored(t, "forget"); s != nil {
		t.Errorf("session still stored after forget: state %s", s.State)
	}
}

func TestBadInputNeverBreaksTheSession(t *testing.T) {
	e := newEnv(t)
	c, _ := e.open(t, "bad", "")
	c.screen()
	c.expect("other", "other_describe")
	for _, line := range []string{"", "   ", "\x00\x01\x02", "\xff\xfe\xfd", "🙂🙂🙂", "@everyone <@&123> @here"} {
		ms := c.send(line)
		if got := lastOf(ms).State; got != "other_describe" && got != "impact_level" {
			t.Fatalf("input %q moved the session to %s: %s", line, got, texts(ms))
		}
		if lastOf(ms).State == "impact_level" {
			c.expect("back", "other_describe")
		}
	}
	long := strings.Repeat("my landlord is unfair. ", 500) // over 10,000 characters
	ms := c.expect(long, "impact_level")
	if !strings.Contains(ms[0].Text, "1,000") {
		t.Errorf("a long message should be cut with a note: %s", texts(ms))
	}
	s := e.stored(t, "bad")
	if s == nil {
		t.Fatal("session lost")
	}
	if n := utf8.RuneCountInString(s.Answers["other_describe"].Text); n > 1000 || n < 900 {
		t.Errorf("stored text is %d runes, want it capped at 1000", n)
	}
}

func TestTypedAnswersCloseToAChoice(t *testing.T) {
	e := newEnv(t)
	c, _ := e.open(t, "typed", "")
	c.expect("Yes, let's begin", "risk_wish")
	c.expect("nope", "risk_behaviour")
	c.expect("4", "safe_now") // "I'd rather not say"
	c.expect("im safe", "age")
	c.expect("no, I'm 18 or older", "concern")
	c.expect("1 3", "concern#primary")
	c.expect("work", "work_who")
	c.expect("my boss", "work_power")
	c.expect("posiiton", "work_harm") // a typo
	ms := c.expect("banana", "work_harm")
	if len(lastOf(ms).Choices) == 0 || !strings.Contains(ms[0].Text, "catch") {
		t.Errorf("unclear input should be re-asked gently with the choices: %s", texts(ms))
	}
}
