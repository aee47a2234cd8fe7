package flows

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/fulcrum-intake/fulcrum/flows/triage"
)

// defaultLabels are the labels of the engine's own choices; a flow file overrides any with a message
// "label.<id>".
var defaultLabels = map[string]string{
	"yes":      "Yes",
	"no":       "No",
	"continue": "Continue the intake",
	"figure":   "I'm safe: it was a figure of speech",
	"stop":     "Stop for now",
	"resume":   "Resume where I left off",
	"restart":  "Start over",
	"forget":   "Delete everything I told you",
	"plan":     "Make a short safety plan with me",
	"skip":     "Skip this one",
	"keepplan": "Keep a copy with my intake",
	"dropplan": "Don't keep it; I've saved it myself",
	"new":      "Start a new intake",
	"summary":  "Back to the summary",
	"keep":     "No, keep my answers",
}

// subAliases are typed words that pick an engine choice.
var subAliases = map[string][]string{
	"yes":      {"y", "yeah", "yep", "yes please", "sure", "correct", "right", "thats right", "ok", "okay", "true", "i am", "yes i am"},
	"no":       {"n", "nope", "nah", "not really", "no its not", "wrong", "incorrect", "i am not", "no im not"},
	"continue": {"go on", "carry on", "keep going", "next", "ok", "okay", "ready", "im ready", "i am ready", "lets continue", "continue please", "yes continue", "lets go on"},
	"figure": {"figure of speech", "it was a figure of speech", "just a figure of speech", "it was just a figure of speech",
		"a figure of speech", "i was joking", "joking", "just joking", "it was a joke", "just a joke", "i was kidding",
		"just kidding", "i m fine", "im fine", "i am fine", "im okay", "i am okay", "im ok", "i am ok", "im safe",
		"i am safe", "i m safe", "you misunderstood", "you misunderstood me", "not serious", "i wasnt serious",
		"i didnt mean it", "i didn t mean it", "i did not mean it", "misunderstood", "didnt mean it literally",
		"i didnt mean it literally", "not literally", "it was an expression", "just an expression"},
	"resume":   {"continue", "yes", "carry on", "go on"},
	"restart":  {"start over", "start again", "new", "begin again"},
	"forget":   {"delete", "delete everything", "forget me", "yes", "y", "yes delete"},
	"new":      {"new intake", "start", "start again", "again", "yes"},
	"summary":  {"back", "summary", "none", "nothing"},
	"keep":     {"no", "keep", "cancel"},
	"plan":     {"safety plan", "make a plan", "plan", "make a safety plan"},
	"skip":     {"skip", "pass", "next", "none", "nothing", "dont know", "i dont know", "not sure"},
	"keepplan": {"keep", "keep it", "keep a copy", "yes", "save it", "save"},
	"dropplan": {"dont keep", "dont keep it", "no", "discard", "delete it", "i saved it"},
}

func (e *Engine) subChoice(id string) *ChoiceDef {
	label := e.flow.Messages["label."+id]
	if label == "" {
		label = defaultLabels[id]
	}
	return &ChoiceDef{ID: id, Label: label, Aliases: subAliases[id]}
}

// subChoices lists the choices of the pending sub-step.
func (t *turn) subChoices() []*ChoiceDef {
	e, sub := t.e, t.s.Sub
	ids := func(ids ...string) []*ChoiceDef {
		out := make([]*ChoiceDef, len(ids))
		for i, id := range ids {
			out[i] = e.subChoice(id)
		}
		return out
	}
	switch sub.Kind {
	case subConfirmConcern, subRiskCheck:
		return ids("yes", "no")
	case subForget:
		return ids("forget", "keep")
	case subCrisis:
		if t.s.Dismissed > 0 {
			return ids("continue", "plan", "stop")
		}
		return ids("continue", "plan", "figure", "stop")
	case subPlan:
		return ids("skip")
	case subPlanKeep:
		return ids("keepplan", "dropplan")
	case subResume:
		return ids("resume", "restart", "forget")
	case subDone:
		return ids("new", "forget")
	case subPrimary:
		st, _ := e.flow.State(t.s.State)
		var out []*ChoiceDef
		for _, id := range sub.Concerns {
			if c := st.choice(id); c != nil {
				out = append(out, c)
			}
		}
		return out
	case subEdit:
		var out []*ChoiceDef
		for _, id := range t.s.Path {
			if st, ok := e.flow.State(id); ok && st.Summary != "" {
				out = append(out, &ChoiceDef{ID: st.ID, Label: st.Summary})
			}
		}
		return append(out, e.subChoice("summary"))
	}
	return nil
}

// askSub shows the pending sub-step's question.
func (t *turn) askSub() {
	f, sub := t.e.flow, t.s.Sub
	var text string
	switch sub.Kind {
	case subConfirmConcern:
		text = strings.ReplaceAll(f.Msg("confirm_concern"), "{concerns}", t.e.concernPhrase(sub.Concerns))
	case subPrimary:
		text = f.Msg("which_primary")
	case subRiskCheck:
		text = f.Msg("risk_check")
		if len(sub.Kinds) > 0 && sub.Kinds[0] == string(triage.KindViolence) && f.Msg("risk_check_violence") != "" {
			text = f.Msg("risk_check_violence")
		}
	case subCrisis:
		text = f.Msg("crisis_next")
	case subResume:
		text = f.Msg("resume")
	case subEdit:
		text = f.Msg("edit_which")
	case subDone:
		text = strings.ReplaceAll(f.Msg("done"), "{ref}", t.s.Ref)
	case subForget:
		text = f.Msg("forget_confirm")
	case subPlan:
		text = f.Msg(planSteps[sub.Step])
		if sub.Step == 0 {
			text = f.Msg("plan_intro") + "\n\n" + text
		}
	case subPlanKeep:
		text = f.Msg("plan_keep")
	}
	m := Message{Text: text, State: t.questionState()}
	for _, c := range t.subChoices() {
		m.Choices = append(m.Choices, Choice{ID: c.ID, Label: c.Label})
	}
	t.say(m)
}

// answerSub reads the answer to a pending sub-step.
func (t *turn) answerSub(ctx context.Context, text string) (*Session, error) {
	s, sub := t.s, t.s.Sub
	var c *ChoiceDef
	choices := t.subChoices()
	switch {
	case len(t.in.Choices) == 1:
		for _, x := range choices {
			if x.ID == t.in.Choices[0] {
				c = x
			}
		}
	case text != "" && sub.safety():
		// Safety questions take exact answers only, and anything else is screened first.
		c = exactChoice(choices, text)
	case text != "":
		c = matchOne(choices, text)
	}
	if c == nil && t.full != "" {
		switch sub.Kind {
		case subRiskCheck, subCrisis, subPlanKeep:
			// The person is answering a safety question: a new signal in their words is a crisis now.
			if t.screenAgain(t.full) {
				return s, nil
			}
		case subPlan:
			// Every typed answer is a step of the plan. Risk the crisis response already covers is expected
			// here ("my warning sign is wanting to die"); a new kind of risk gets its resources and alert too.
			t.screenPlan(t.full)
			return s, t.planStep(ctx, text)
		}
	}
	if sub.Kind == subPlan && c == nil {
		t.sayText("empty")
		t.askSub()
		return s, nil
	}
	if c == nil {
		if sub.Kind == subConfirmConcern && text != "" {
			// They may have named the area instead of saying yes or no.
			s.Sub = nil
			return s, t.answer(ctx, text, nil)
		}
		return s, t.unclear(ctx)
	}
	switch sub.Kind {
	case subConfirmConcern:
		s.Sub = nil
		if c.ID == "no" {
			t.sayText("concern_no")
			t.ask(ctx)
			return s, nil
		}
		st, _ := t.e.flow.State(s.State)
		if len(sub.Concerns) > 1 {
			s.Sub = &Sub{Kind: subPrimary, Concerns: sub.Concerns, Pending: sub.Pending}
			t.askSub()
			return s, nil
		}
		return s, t.record(ctx, st, Answer{Choices: sub.Concerns, Text: sub.Pending}, choicesOf(st, sub.Concerns))
	case subPrimary:
		st, _ := t.e.flow.State(s.State)
		order := []string{c.ID}
		for _, id := range sub.Concerns {
			if id != c.ID {
				order = append(order, id)
			}
		}
		s.Sub = nil
		return s, t.record(ctx, st, Answer{Choices: order, Text: sub.Pending}, choicesOf(st, order))
	case subRiskCheck:
		s.Sub = nil
		if c.ID == "yes" {
			t.crisis(sub.Kinds, sub.Third, sub.Pending, sub.Next)
			return s, nil
		}
		s.Dismissed++
		t.sayText("risk_check_ok")
		return s, t.continueAfter(ctx, sub)
	case subCrisis:
		s.Sub = nil
		switch c.ID {
		case "stop":
			s.Paused = true
			t.sayText("stopped")
			return s, nil
		case "figure":
			s.Dismissed++
			t.sayText("dismissed")
		case "plan":
			s.Sub = &Sub{Kind: subPlan, Pending: sub.Pending, Next: sub.Next, Kinds: sub.Kinds, Third: sub.Third}
			t.askSub()
			return s, nil
		}
		return s, t.continueAfter(ctx, sub)
	case subPlan:
		return s, t.planStep(ctx, "")
	case subPlanKeep:
		s.Sub = nil
		plan := formatPlan(t.e.flow, sub.Plan)
		if c.ID == "keepplan" {
			s.SafetyPlan = plan
			t.sayText("plan_kept")
		} else {
			t.sayText("plan_dropped")
		}
		return s, t.continueAfter(ctx, sub)
	case subResume:
		s.Sub = nil
		switch c.ID {
		case "restart":
			return s, t.restart(ctx)
		case "forget":
			s.Sub = &Sub{Kind: subForget}
			t.askSub()
			return s, nil
		}
		t.ask(ctx)
		return s, nil
	case subEdit:
		s.Sub = nil
		if c.ID == "summary" {
			return s, t.enter(ctx, t.e.flow.summaryID())
		}
		s.Editing, s.EditTarget = true, c.ID
		return s, t.enter(ctx, c.ID)
	case subDone:
		s.Sub = nil
		if c.ID == "forget" {
			s.Sub = &Sub{Kind: subForget}
			t.askSub()
			return s, nil
		}
		return s, t.restart(ctx)
	case subForget:
		s.Sub = sub.Prev
		if c.ID == "forget" {
			t.reply.Deleted, t.reply.Forgotten = true, true
			t.ended = true
			t.say(Message{Text: t.e.flow.Msg("deleted"), Done: true})
			return nil, nil
		}
		t.ask(ctx)
		return s, nil
	}
	return s, nil
}

// screenAgain runs crisis detection while a safety question is open. Any signal now goes to the crisis
// response: the person has already been asked once.
func (t *turn) screenAgain(text string) bool {
	if isYesNoWord(text) {
		return false
	}
	res := triage.Classify(text)
	if res.Risk == triage.RiskNone {
		return false
	}
	t.crisis(kindsOf(res), res.ThirdParty, t.s.Sub.Pending, t.s.Sub.Next)
	return true
}

func isYesNoWord(text string) bool {
	n := norm(text)
	for _, id := range []string{"yes", "no"} {
		if n == id {
			return true
		}
		for _, a := range subAliases[id] {
			if n == a {
				return true
			}
		}
	}
	return false
}

// continueAfter goes on after a risk check or crisis response: to the next state when the answer was already
// recorded, or reading the held-back text as the answer to the current question.
func (t *turn) continueAfter(ctx context.Context, sub *Sub) error {
	switch {
	case t.s.Done:
		t.s.Sub = &Sub{Kind: subDone}
		t.askSub()
		return nil
	case sub.Next != "":
		return t.enter(ctx, sub.Next)
	case sub.Pending != "" && !t.isGlobalOrStart():
		t.answered = true
		return t.answer(ctx, sub.Pending, nil)
	}
	t.ask(ctx)
	return nil
}

// isGlobalOrStart reports whether held-back text should not be read as an answer: at the welcome the first
// message was not an answer to anything.
func (t *turn) isGlobalOrStart() bool {
	_, answered := t.s.Answers[t.s.State]
	return t.s.State == t.e.flow.Start && !answered && len(t.s.Path) == 0
}

func choicesOf(st *State, ids []string) []*ChoiceDef {
	var out []*ChoiceDef
	for _, id := range ids {
		if c := st.choice(id); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// screenPlan answers new kinds of risk typed while writing a safety plan: their resources and an alert, then the
// plan goes on.
func (t *turn) screenPlan(text string) {
	res := triage.Classify(text)
	if res.Risk == triage.RiskNone {
		return
	}
	var fresh []string
	for _, k := range kindsOf(res) {
		if !slices.Contains(t.s.Risks, k) {
			fresh = append(fresh, k)
		}
	}
	if len(fresh) == 0 {
		return
	}
	t.s.Urgent = true
	t.s.addRisk(fresh...)
	m := t.e.crisisMessage(t.s.Region, fresh, res.ThirdParty)
	m.State = t.s.State
	t.say(m)
	t.alert(fresh, res.ThirdParty)
}

// planSteps are the Stanley-Brown safety plan's steps, as message keys.
var planSteps = []string{"plan_warning", "plan_coping", "plan_places", "plan_people", "plan_professionals", "plan_safe"}

// planStep keeps one answer of the safety plan (empty means skipped) and asks the next step, or shows the plan.
func (t *turn) planStep(ctx context.Context, text string) error {
	sub := t.s.Sub
	sub.Plan = append(sub.Plan, text)
	sub.Step++
	if sub.Step < len(planSteps) {
		t.askSub()
		return nil
	}
	t.say(Message{Text: formatPlan(t.e.flow, sub.Plan), State: t.s.State})
	t.s.Sub = &Sub{Kind: subPlanKeep, Plan: sub.Plan, Pending: sub.Pending, Next: sub.Next, Kinds: sub.Kinds, Third: sub.Third}
	t.askSub()
	return nil
}

// formatPlan writes the safety plan as one message the member can keep.
func formatPlan(f *Flow, answers []string) string {
	var b strings.Builder
	b.WriteString(f.Msg("plan_title"))
	for i, key := range planSteps {
		a := ""
		if i < len(answers) {
			a = answers[i]
		}
		if a == "" {
			a = "—"
		}
		b.WriteString("\n" + strconv.Itoa(i+1) + ". **" + f.Msg(key+"_title") + "**: " + a)
	}
	return b.String()
}
