package flows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows/crisis"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
)

// Engine runs intakes: for each Input it loads the person's Session, steps the flow, and saves it, in one atomic
// store call. It keeps no per-person state in memory and is safe for concurrent use.
type Engine struct {
	flow        *Flow
	store       SessionStore
	resources   *crisis.Directory
	machines    *machines
	log         *slog.Logger
	now         func() time.Time
	resumeAfter time.Duration
}

// Options tune an Engine. The zero value is ready to use.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ResumeAfter is how long a session may sit idle before the next message asks whether to resume or start
	// over; zero means 6 hours.
	ResumeAfter time.Duration
	// Logger receives internal errors only, never what a person wrote; nil discards.
	Logger *slog.Logger
}

// NewEngine returns an Engine for a validated flow.
func NewEngine(f *Flow, st SessionStore, resources *crisis.Directory, opts Options) *Engine {
	e := &Engine{flow: f, store: st, resources: resources, machines: newMachines(f), log: opts.Logger,
		now: opts.Now, resumeAfter: opts.ResumeAfter}
	if e.now == nil {
		e.now = time.Now
	}
	if e.resumeAfter == 0 {
		e.resumeAfter = 6 * time.Hour
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	return e
}

// Flow returns the engine's flow.
func (e *Engine) Flow() *Flow { return e.flow }

// Handle applies one input and returns what the bot says. On ErrDuplicate nothing changed and nothing should be
// sent. When the store fails, the reply still holds a kind sentence and, when the text shows risk, the crisis
// resources: safety never depends on state. The error is for logs and metrics only.
func (e *Engine) Handle(ctx context.Context, in Input) (Reply, error) {
	var t *turn
	err := e.store.Update(ctx, in.SessionID, in.EventID, func(s *Session) (*Session, error) {
		t = &turn{e: e, in: in, now: e.now()}
		next, err := t.run(ctx, s)
		if t.ended {
			return nil, err
		}
		if err == nil && next != nil && len(t.reply.Messages) == 0 {
			// Every turn answers: a person must never be left with silence.
			t.ask(ctx)
		}
		return next, err
	})
	switch {
	case errors.Is(err, ErrDuplicate):
		return Reply{}, err
	case err != nil:
		return e.unavailableReply(in), fmt.Errorf("handle input for session: %w", err)
	}
	t.finish()
	return t.reply, nil
}

// unavailableReply answers when the session cannot be loaded or saved: a pause notice, and crisis resources
// first when the text needs them.
func (e *Engine) unavailableReply(in Input) Reply {
	var r Reply
	if text := cleanFull(in.Text); text != "" {
		if res := triage.Classify(text); res.Risk != triage.RiskNone {
			r.Messages = append(r.Messages, e.crisisMessage(in.Region, kindsOf(res), res.ThirdParty))
		}
	} else if kinds := e.crisisChoices(in); len(kinds) > 0 {
		// A click on an answer that signals a crisis ("I'm not safe") needs the resources just as much.
		r.Messages = append(r.Messages, e.crisisMessage(in.Region, kinds, false))
	}
	r.Messages = append(r.Messages, Message{Text: e.flow.Msg("unavailable"), Waiting: true})
	return r
}

// crisisChoices returns the crisis kinds of the clicked choices, known from the flow alone.
func (e *Engine) crisisChoices(in Input) []string {
	id, _, _ := strings.Cut(in.State, "#")
	st, ok := e.flow.State(id)
	if !ok {
		return nil
	}
	var kinds []string
	for _, cid := range in.Choices {
		if c := st.choice(cid); c != nil && c.Crisis != "" {
			kinds = append(kinds, c.Crisis)
		}
	}
	return kinds
}

// Triage runs crisis and concern detection on one message without any session: for the triage command and for
// adapters that must answer when nothing else works.
func (e *Engine) Triage(text string) triage.Result {
	clean, _ := cleanText(text)
	return triage.Classify(clean)
}

// CrisisMessage is the crisis response for a region and risk, usable without a session.
func (e *Engine) CrisisMessage(region string, res triage.Result) Message {
	return e.crisisMessage(region, kindsOf(res), res.ThirdParty)
}

// turn is the work of one Handle call. It is rebuilt when the store retries, so it has no effects of its own.
type turn struct {
	e     *Engine
	in    Input
	now   time.Time
	s     *Session
	reply Reply
	steps int
	// ended is set when the conversation ended without a handoff: the session is deleted.
	ended bool
	// full is the typed text as screened: cleaned but not cut.
	full string
	// answered is set when held-back text that already brought a crisis response is read as an answer: a
	// choice that signals the same crisis must not send the response twice.
	answered bool
}

func (t *turn) say(m Message) { t.reply.Messages = append(t.reply.Messages, m) }

func (t *turn) sayText(key string) { t.say(Message{Text: t.e.flow.Msg(key), State: t.s.State}) }

// finish marks the last message of the turn as the one the bot waits after.
func (t *turn) finish() {
	if n := len(t.reply.Messages); n > 0 && !t.reply.Messages[n-1].Done {
		t.reply.Messages[n-1].Waiting = true
	}
}

func (t *turn) run(ctx context.Context, s *Session) (*Session, error) {
	if t.in.Command == CommandForget {
		t.reply.Deleted, t.reply.Forgotten = true, true
		t.ended = true
		t.say(Message{Text: t.e.flow.Msg("deleted"), Done: true})
		return nil, nil
	}
	// What is kept is cut to a bounded length; what is screened is the whole message (triage bounds its own
	// work), so that a crisis at the end of a long message is never cut away.
	text, cut := cleanText(t.in.Text)
	t.full = cleanFull(t.in.Text)
	if s == nil {
		t.s = newSession(t.in.SessionID, t.now)
		t.context()
		t.s.remember(t.in.EventID)
		t.s.State = t.e.flow.Start
		if t.full != "" && t.screen(t.full) {
			// The first words showed risk: the response comes before the welcome, which follows when they go on.
			return t.s, nil
		}
		return t.s, t.enter(ctx, t.e.flow.Start)
	}
	t.s = s
	t.context()
	idle := t.now.Sub(time.Unix(s.Updated, 0))
	s.remember(t.in.EventID)
	s.Updated = t.now.Unix()
	if _, ok := t.e.flow.State(s.State); !ok {
		// The operator's flow changed under a stored session: start again rather than fail forever.
		s.State, s.Sub = t.e.flow.Start, nil
		return s, t.restart(ctx)
	}

	if len(t.in.Choices) > 0 && t.in.State != "" && t.in.State != t.questionState() {
		t.reply.Stale = true
		t.say(Message{Text: t.e.flow.Msg("stale"), State: t.questionState()})
		return s, nil
	}
	// Safety first: every typed word passes crisis detection before it is read as an answer. Inside a safety
	// question the answer itself is screened, in answerSub.
	if t.full != "" && (s.Sub == nil || !s.Sub.safety()) && t.screen(t.full) {
		if cut {
			t.sayText("text_too_long")
		}
		return s, nil
	}
	if cut {
		t.sayText("text_too_long")
	}
	word := ""
	if text != "" && len(t.in.Choices) == 0 && !(s.Sub != nil && exactChoice(t.subChoices(), text) != nil) {
		word = globalWord(text)
	}

	// A pending safety question comes before everything but pausing and deleting.
	if s.Sub != nil && s.Sub.safety() {
		switch {
		case word == "stop":
			return s, t.stop()
		case word == "forget":
			t.askForget()
			return s, nil
		case word == "help":
			t.sayText("help")
			t.askSub()
			return s, nil
		case word != "":
			t.sayText("safety_first")
			t.askSub()
			return s, nil
		case t.in.Command == CommandOpen || s.Paused:
			s.Paused = false
			t.askSub()
			return s, nil
		}
		return t.answerSub(ctx, text)
	}

	switch word {
	case "stop":
		return s, t.stop()
	case "back":
		switch {
		case s.Done:
			t.sayText("back_none")
			s.Sub = &Sub{Kind: subDone}
			t.askSub()
			return s, nil
		case s.Editing || s.Sub != nil && s.Sub.Kind == subEdit:
			// While correcting an answer, back returns to the summary with every answer as it was.
			s.Editing, s.EditTarget, s.Sub = false, "", nil
			return s, t.enter(ctx, t.e.flow.summaryID())
		}
		return s, t.back(ctx)
	case "restart":
		return s, t.restart(ctx)
	case "help":
		t.sayText("help")
		t.ask(ctx)
		return s, nil
	case "forget":
		t.askForget()
		return s, nil
	}

	switch {
	case s.Done && s.Sub == nil:
		s.Sub = &Sub{Kind: subDone}
		t.askSub()
		return s, nil
	case t.in.Command == CommandOpen, s.Paused, idle > t.e.resumeAfter && s.Sub == nil && len(s.Path) > 0 && len(t.in.Choices) == 0:
		if s.Done {
			s.Sub = &Sub{Kind: subDone}
		} else if len(s.Path) > 0 || s.Paused {
			s.Paused = false
			s.Sub = &Sub{Kind: subResume}
		}
		t.ask(ctx)
		return s, nil
	}
	if s.Sub != nil {
		return t.answerSub(ctx, text)
	}
	if text == "" && len(t.in.Choices) == 0 {
		t.sayText("empty")
		t.ask(ctx)
		return s, nil
	}
	return s, t.answer(ctx, text, t.in.Choices)
}

// stop pauses the intake; a pending safety question stays, to be asked first when the person comes back.
func (t *turn) stop() error {
	t.s.Paused = true
	if t.s.Sub != nil && !t.s.Sub.safety() {
		t.s.Sub = nil
	}
	t.say(Message{Text: t.e.flow.Msg("stopped"), State: t.s.State})
	return nil
}

// askForget asks to confirm deleting everything, remembering the pending step to return to on "keep".
func (t *turn) askForget() {
	prev := t.s.Sub
	if prev != nil && prev.Kind == subForget {
		prev = prev.Prev
	}
	t.s.Sub = &Sub{Kind: subForget, Prev: prev}
	t.s.Paused = false
	t.askSub()
}

// context records what the adapter knows about where the person is.
func (t *turn) context() {
	if t.in.Region != "" {
		t.s.Region = t.in.Region
	}
	if t.in.Community != "" {
		t.s.Community = t.in.Community
	}
}

// questionState is the id a click must carry to count: the state, or the state and the pending sub-step.
func (t *turn) questionState() string {
	if t.s.Sub != nil {
		return t.s.State + "#" + t.s.Sub.Kind
	}
	return t.s.State
}

// screen runs crisis detection on typed text. It answers a crisis at once, or asks directly when the signal is
// ambiguous, and reports whether it did either. A signal after the person dismissed one goes straight to the
// crisis response: dropping the check after "you misunderstood" is how other bots miss people.
func (t *turn) screen(text string) bool {
	res := triage.Classify(text)
	switch {
	case res.Risk == triage.RiskCrisis, res.Risk == triage.RiskCheck && t.s.Dismissed > 0:
		t.crisis(kindsOf(res), res.ThirdParty, text, "")
		return true
	case res.Risk == triage.RiskCheck:
		t.s.Sub = &Sub{Kind: subRiskCheck, Pending: text, Kinds: kindsOf(res), Third: res.ThirdParty}
		t.askSub()
		return true
	}
	return false
}

// crisis sends the crisis response, marks the session urgent and alerts the moderators, and only then offers to
// continue. pending is typed text to read as an answer when the person goes on; next is where going on leads
// when the answer was already recorded.
func (t *turn) crisis(kinds []string, third bool, pending, next string) {
	if len(kinds) == 0 {
		kinds = []string{string(triage.KindSuicide)}
	}
	t.s.Urgent = true
	t.s.addRisk(kinds...)
	m := t.e.crisisMessage(t.s.Region, kinds, third)
	m.State = t.s.State
	t.say(m)
	t.alert(kinds, third)
	t.s.Sub = &Sub{Kind: subCrisis, Pending: pending, Kinds: kinds, Third: third, Next: next}
	t.askSub()
}

// alert raises an urgent alert for risk kinds the moderators have not heard of in this session.
func (t *turn) alert(kinds []string, third bool) {
	var fresh []triage.Kind
	for _, k := range kinds {
		if !slices.Contains(t.s.Alerted, k) {
			t.s.Alerted = append(t.s.Alerted, k)
			fresh = append(fresh, triage.Kind(k))
		}
	}
	if len(fresh) == 0 {
		return
	}
	t.reply.Alert = &Alert{
		Ref: newRef(), SessionID: t.s.ID, Community: t.s.Community, Region: t.s.Region, Kinds: fresh,
		ThirdParty: third, Anonymous: t.e.flow.tags(t.s)["anonymous"], Created: t.now,
	}
}

// answer reads an answer to the current question, typed or clicked.
func (t *turn) answer(ctx context.Context, text string, clicked []string) error {
	s := t.s
	st, ok := t.e.flow.State(s.State)
	if !ok {
		return fmt.Errorf("session state %q is not in the flow", s.State)
	}
	switch st.Kind {
	case KindSummary:
		return t.answerSummary(ctx, st, text, clicked)
	case KindAsk:
	default:
		// Nothing to answer in a say, handoff or end state: show where we are.
		t.ask(ctx)
		return nil
	}
	var ans Answer
	var picked []*ChoiceDef
	switch st.Input {
	case InputText:
		if text == "" {
			t.sayText("empty")
			t.ask(ctx)
			return nil
		}
		if st.Optional && isSkip(text) {
			break
		}
		ans.Text = text
	case InputChoice:
		c := clickedChoice(st, clicked)
		if c == nil && text != "" {
			c = matchOne(st.Choices, text)
		}
		if c == nil {
			return t.unclear(ctx)
		}
		picked = []*ChoiceDef{c}
	case InputMulti:
		picked = clickedChoices(st, clicked)
		if picked == nil && text != "" {
			picked = matchMany(st.Choices, text)
		}
		if picked == nil && st.Concerns && text != "" {
			if proposal := proposeConcerns(text); len(proposal) > 0 {
				s.Sub = &Sub{Kind: subConfirmConcern, Concerns: proposal, Pending: text}
				t.askSub()
				return nil
			}
		}
		if picked == nil {
			return t.unclear(ctx)
		}
	}
	for _, c := range picked {
		ans.Choices = append(ans.Choices, c.ID)
	}
	if st.Concerns && len(ans.Choices) > 1 {
		s.Sub = &Sub{Kind: subPrimary, Concerns: ans.Choices}
		t.askSub()
		return nil
	}
	return t.record(ctx, st, ans, picked)
}

// answerSummary reads the person's choice at the summary: send it, change an answer, or cancel.
func (t *turn) answerSummary(ctx context.Context, st *State, text string, clicked []string) error {
	c := clickedChoice(st, clicked)
	if c == nil && text != "" {
		c = matchOne(st.Choices, text)
	}
	if c == nil {
		return t.unclear(ctx)
	}
	if c.Next == "" {
		t.s.Sub = &Sub{Kind: subEdit}
		t.askSub()
		return nil
	}
	return t.enter(ctx, c.Next)
}

// record keeps an answer and moves on; a choice that signals a crisis brings the crisis response first.
func (t *turn) record(ctx context.Context, st *State, ans Answer, picked []*ChoiceDef) error {
	s := t.s
	s.Answers[st.ID] = ans
	if i := slices.Index(s.Path, st.ID); i >= 0 {
		// Answering again: what came after is asked again, or, while correcting an answer from the summary,
		// passed through with its earlier answer where the flow still goes that way.
		s.Path = s.Path[:i]
	}
	s.Path = append(s.Path, st.ID)
	if s.EditTarget == st.ID {
		s.EditTarget = ""
	}
	next := t.next(st, picked)
	var kinds []string
	for _, c := range picked {
		if c.Crisis != "" {
			kinds = append(kinds, c.Crisis)
		}
	}
	switch {
	case len(kinds) > 0 && t.answered:
		t.s.Urgent = true
		t.s.addRisk(kinds...)
	case len(kinds) > 0:
		// The crisis follow-up stays in this state; continuing moves on to next.
		t.crisis(kinds, false, "", next)
		return nil
	}
	return t.enter(ctx, next)
}

// next picks where an answer leads: the choice's own next, else the first rule that holds.
func (t *turn) next(st *State, picked []*ChoiceDef) string {
	for _, c := range picked {
		if c.Next != "" {
			return c.Next
		}
	}
	tags := t.e.flow.tags(t.s)
	for _, r := range st.Next {
		if r.When.Holds(tags) {
			return r.To
		}
	}
	return st.ID // unreachable: validation requires an unconditional last rule
}

// enter moves to a state and says what it says, following say states on to the next question.
func (t *turn) enter(ctx context.Context, id string) error {
	if t.s.State != id {
		event := "to:" + id
		if !t.canMove(id) {
			event = jumpEvent + id
		}
		if err := t.e.machines.move(ctx, t.s, event); err != nil {
			return err
		}
	}
	t.s.Sub = nil
	t.steps++
	if t.steps > 4*len(t.e.flow.States) {
		return fmt.Errorf("flow loops at %q", id)
	}
	st, _ := t.e.flow.State(id)
	if ans, ok := t.s.Answers[id]; ok && t.s.Editing && st.Kind == KindAsk && id != t.s.EditTarget {
		// Correcting an answer: questions the person answered before are passed through with their answers,
		// and only questions the new answer brings up are asked.
		picked := choicesOf(st, ans.Choices)
		t.s.Path = append(t.s.Path, id)
		t.answered = true
		return t.enter(ctx, t.next(st, picked))
	}
	switch st.Kind {
	case KindSay:
		t.say(Message{Text: st.Say, State: st.ID})
		return t.enter(ctx, t.next(st, nil))
	case KindSummary:
		// Back at the summary: answers no longer on the path (a branch left by a correction) are not kept.
		t.s.Editing, t.s.EditTarget = false, ""
		for q := range t.s.Answers {
			if !slices.Contains(t.s.Path, q) {
				delete(t.s.Answers, q)
			}
		}
	case KindHandoff:
		h := t.e.buildHandoff(t.s, t.now)
		t.s.Done, t.s.Ref, t.s.Sub, t.s.Editing = true, h.Ref, nil, false
		t.reply.Handoff = h
		t.say(Message{Text: t.e.memberSummary(st, h), State: st.ID, Done: true, Handoff: h})
		return nil
	case KindEnd:
		t.say(Message{Text: st.Say, State: st.ID, Done: true})
		t.reply.Deleted = true
		t.ended = true
		return nil
	}
	t.ask(ctx)
	return nil
}

func (t *turn) canMove(id string) bool {
	st, ok := t.e.flow.State(t.s.State)
	return ok && slices.Contains(t.e.flow.edges(st), id)
}

// ask (re)shows the current question or pending sub-step.
func (t *turn) ask(ctx context.Context) {
	if t.s.Sub == nil && t.s.Done {
		t.s.Sub = &Sub{Kind: subDone}
	}
	if t.s.Sub != nil {
		t.askSub()
		return
	}
	st, ok := t.e.flow.State(t.s.State)
	if !ok {
		return
	}
	m := Message{Text: st.Say, State: st.ID}
	switch st.Kind {
	case KindSummary:
		m.Text = strings.ReplaceAll(st.Say, "{summary}", t.e.summaryText(t.s))
	case KindHandoff, KindEnd, KindSay:
		return
	}
	m.Multi = st.Input == InputMulti
	for _, c := range st.Choices {
		m.Choices = append(m.Choices, Choice{ID: c.ID, Label: c.Label})
	}
	t.say(m)
}

func (t *turn) unclear(ctx context.Context) error {
	t.sayText("unclear")
	t.ask(ctx)
	return nil
}

func (t *turn) back(ctx context.Context) error {
	s := t.s
	s.Sub, s.Editing = nil, false
	if len(s.Path) == 0 {
		t.sayText("back_none")
		t.ask(ctx)
		return nil
	}
	prev := s.Path[len(s.Path)-1]
	s.Path = s.Path[:len(s.Path)-1]
	delete(s.Answers, prev)
	return t.enter(ctx, prev)
}

// restart clears the answers and starts again. What the session learned about risk stays: safety never resets.
func (t *turn) restart(ctx context.Context) error {
	s := t.s
	s.Path, s.Answers, s.Sub, s.Editing, s.Paused, s.Done, s.Ref = nil, map[string]Answer{}, nil, false, false, false, ""
	t.sayText("restarted")
	return t.enter(ctx, t.e.flow.Start)
}

func isSkip(text string) bool {
	switch norm(text) {
	case "skip", "no", "nothing", "none", "n a", "na", "nope", "no thanks", "pass":
		return true
	}
	return false
}

func clickedChoice(st *State, ids []string) *ChoiceDef {
	if len(ids) != 1 {
		return nil
	}
	return st.choice(ids[0])
}

func clickedChoices(st *State, ids []string) []*ChoiceDef {
	var out []*ChoiceDef
	for _, id := range ids {
		c := st.choice(id)
		if c == nil {
			return nil
		}
		if !containsChoice(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// proposeConcerns ranks concern areas from free text, at most two, for the person to confirm.
func proposeConcerns(text string) []string {
	res := triage.Classify(text)
	var out []string
	for _, a := range res.Concerns {
		if a == triage.AreaOther && len(out) > 0 {
			continue
		}
		out = append(out, string(a))
		if len(out) == 2 {
			break
		}
	}
	return out
}

func kindsOf(res triage.Result) []string {
	out := make([]string, 0, len(res.Kinds))
	for _, k := range res.Kinds {
		out = append(out, string(k))
	}
	return out
}
