package flows

import (
	_ "embed"
	"fmt"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed intake.yaml
var defaultFlow []byte

// State kinds.
const (
	KindAsk     = "ask"     // a question: choices, several choices, or free text
	KindSay     = "say"     // a message, then straight on
	KindSummary = "summary" // the person reviews the summary: send, change an answer, or cancel
	KindHandoff = "handoff" // the intake is complete and handed to the moderators
	KindEnd     = "end"     // the conversation ends without a handoff
)

// Input kinds of an ask state.
const (
	InputChoice = "choice"
	InputMulti  = "multi"
	InputText   = "text"
)

// Flow is a validated intake definition.
type Flow struct {
	Version   int               `yaml:"version"`
	Start     string            `yaml:"start"`
	Messages  map[string]string `yaml:"messages"`
	States    []*State          `yaml:"states"`
	Referrals []*ReferralRule   `yaml:"referrals"`

	name    string
	byID    map[string]*State
	events  []fsmEvent
	tagsSet map[string]bool
}

// State is one step of the intake.
type State struct {
	ID   string `yaml:"id"`
	Kind string `yaml:"kind"`
	// Say is the message or question text.
	Say string `yaml:"say"`
	// Input is choice (default when there are choices), multi, or text.
	Input   string       `yaml:"input"`
	Choices []*ChoiceDef `yaml:"choices"`
	// Next lists transitions: the first rule whose condition holds wins. A choice's own next overrides it.
	Next Rules `yaml:"next"`
	// Summary is this answer's label in the summary; empty keeps it out of the summary.
	Summary string `yaml:"summary"`
	// Optional lets a text question be skipped with "skip".
	Optional bool `yaml:"optional"`
	// Concerns marks the concern question: free text is classified and confirmed, and several choices lead to
	// asking which matters most.
	Concerns bool `yaml:"concerns"`
	// Field names what the answer means to the handoff: wants, contact, anonymous, or words.
	Field string `yaml:"field"`

	line int
}

// ChoiceDef is one option of a question as the flow file defines it.
type ChoiceDef struct {
	ID      string   `yaml:"id"`
	Label   string   `yaml:"label"`
	Aliases []string `yaml:"aliases"`
	Tags    []string `yaml:"tags"`
	Next    string   `yaml:"next"`
	// Crisis names the risk kind this answer signals (e.g. suicide); choosing it brings the crisis response.
	Crisis string `yaml:"crisis"`

	line int
	// keys are the normalised id, label and aliases an answer is matched against, worked out once when the flow
	// is parsed (see matchKeys).
	keys []string
}

// Rule is one transition: go to To when When holds.
type Rule struct {
	When Cond   `yaml:"when"`
	To   string `yaml:"to"`
	line int
}

// Rules is a list of transitions; in YAML a single state id is short for one unconditional rule.
type Rules []Rule

// Cond is a condition over the session's tags: all of All, at least one of Any (when given), none of None.
type Cond struct {
	All  []string `yaml:"all"`
	Any  []string `yaml:"any"`
	None []string `yaml:"none"`
}

// ReferralRule is a referral option and the condition under which it is offered.
type ReferralRule struct {
	Referral `yaml:",inline"`
	When     Cond `yaml:"when"`
	line     int
}

// UnmarshalYAML reads a state and remembers its line for error messages.
func (s *State) UnmarshalYAML(n *yaml.Node) error {
	type plain State
	if err := knownKeys(n, "id", "kind", "say", "input", "choices", "next", "summary", "optional", "concerns", "field"); err != nil {
		return err
	}
	if err := n.Decode((*plain)(s)); err != nil {
		return err
	}
	s.line = n.Line
	return nil
}

// UnmarshalYAML reads a choice and remembers its line.
func (c *ChoiceDef) UnmarshalYAML(n *yaml.Node) error {
	type plain ChoiceDef
	if err := knownKeys(n, "id", "label", "aliases", "tags", "next", "crisis"); err != nil {
		return err
	}
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.line = n.Line
	return nil
}

// UnmarshalYAML reads a referral rule and remembers its line.
func (r *ReferralRule) UnmarshalYAML(n *yaml.Node) error {
	var p struct {
		ID    string `yaml:"id"`
		Title string `yaml:"title"`
		Text  string `yaml:"text"`
		Link  string `yaml:"link"`
		Phone string `yaml:"phone"`
		When  Cond   `yaml:"when"`
	}
	if err := knownKeys(n, "id", "title", "text", "link", "phone", "when"); err != nil {
		return err
	}
	if err := n.Decode(&p); err != nil {
		return err
	}
	*r = ReferralRule{Referral: Referral{ID: p.ID, Title: p.Title, Text: p.Text, Link: p.Link, Phone: p.Phone}, When: p.When, line: n.Line}
	return nil
}

// UnmarshalYAML accepts a single state id or a list of rules.
func (rs *Rules) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*rs = Rules{{To: n.Value, line: n.Line}}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("line %d: next must be a state id or a list of rules", n.Line)
	}
	out := make(Rules, 0, len(n.Content))
	for _, item := range n.Content {
		var r struct {
			When Cond   `yaml:"when"`
			To   string `yaml:"to"`
		}
		if err := knownKeys(item, "when", "to"); err != nil {
			return err
		}
		if err := item.Decode(&r); err != nil {
			return err
		}
		out = append(out, Rule{When: r.When, To: r.To, line: item.Line})
	}
	*rs = out
	return nil
}

// knownKeys rejects a mapping with a key the format does not have: a typo must not silently drop a setting.
// (The decoder's own check does not reach into custom unmarshalers.)
func knownKeys(n *yaml.Node, keys ...string) error {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(keys, k.Value) {
			return fmt.Errorf("line %d: field %s not found (expected one of %s)", k.Line, k.Value, strings.Join(keys, ", "))
		}
	}
	return nil
}

// Holds reports whether the condition holds for a set of tags.
func (c Cond) Holds(tags map[string]bool) bool {
	for _, t := range c.All {
		if !tags[t] {
			return false
		}
	}
	for _, t := range c.None {
		if tags[t] {
			return false
		}
	}
	if len(c.Any) == 0 {
		return true
	}
	for _, t := range c.Any {
		if tags[t] {
			return true
		}
	}
	return false
}

func (c Cond) empty() bool { return len(c.All)+len(c.Any)+len(c.None) == 0 }

// requiredMessages are the engine's own texts, which every flow file must give.
var requiredMessages = []string{
	"unclear", "help", "stopped", "resume", "restarted", "deleted", "forget_confirm", "restart_confirm",
	"done", "back_none", "crisis", "crisis_other", "crisis_next", "risk_check", "risk_check_ok",
	"dismissed", "confirm_concern", "which_primary", "edit_which", "text_too_long", "empty",
	"unavailable", "stale", "concern_no", "referrals_intro", "safety_first",
	"plan_intro", "plan_title", "plan_keep", "plan_kept", "plan_dropped",
	"plan_warning", "plan_coping", "plan_places", "plan_people", "plan_professionals", "plan_safe",
	"plan_warning_title", "plan_coping_title", "plan_places_title", "plan_people_title",
	"plan_professionals_title", "plan_safe_title",
}

// builtinTagPrefixes are tags the engine sets itself, so conditions may use them without a choice adding them.
var builtinTagPrefixes = []string{"concern:", "primary:", "risk:", "want:"}
var builtinTags = []string{"urgent", "crisis", "third_party", "dismissed"}

// LoadFile reads and validates an operator's flow file.
func LoadFile(path string) (*Flow, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read flow file: %w", err)
	}
	return Parse(path, data)
}

// Default returns the embedded intake.
func Default() (*Flow, error) { return Parse("intake.yaml", defaultFlow) }

// Parse reads and validates a flow file; name is used in error messages. Every problem found is reported, each
// naming the file, line and state.
func Parse(name string, data []byte) (*Flow, error) {
	f := &Flow{name: name}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidFlow, name, err)
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	f.events = buildEvents(f)
	for _, st := range f.States {
		for _, c := range st.Choices {
			c.keys = choiceKeys(c)
		}
	}
	return f, nil
}

type problems struct {
	name string
	list []string
}

func (p *problems) add(line int, format string, args ...any) {
	p.list = append(p.list, fmt.Sprintf("%s:%d: %s", p.name, line, fmt.Sprintf(format, args...)))
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return fmt.Errorf("%w:\n  %s", ErrInvalidFlow, strings.Join(p.list, "\n  "))
}

func (f *Flow) validate() error {
	p := &problems{name: f.name}
	if f.Version != 1 {
		p.add(1, "version must be 1, not %d", f.Version)
	}
	for _, key := range requiredMessages {
		if strings.TrimSpace(f.Messages[key]) == "" {
			p.add(1, "messages: %q is missing", key)
		}
	}
	// An empty list item ("- " with nothing after it) decodes as nil: report it and leave it out.
	f.States = dropNil(p, f.States, "states")
	f.Referrals = dropNil(p, f.Referrals, "referrals")
	for _, s := range f.States {
		s.Choices = dropNil(p, s.Choices, fmt.Sprintf("state %q choices", s.ID))
	}
	f.byID = make(map[string]*State, len(f.States))
	for _, s := range f.States {
		if s.ID == "" {
			p.add(s.line, "a state has no id")
			continue
		}
		if _, dup := f.byID[s.ID]; dup {
			p.add(s.line, "state %q is defined twice", s.ID)
			continue
		}
		f.byID[s.ID] = s
	}
	if _, ok := f.byID[f.Start]; !ok {
		p.add(1, "start: unknown state %q", f.Start)
	}

	// Tags any choice can add; conditions may only use these and the engine's own.
	f.tagsSet = map[string]bool{}
	for _, t := range builtinTags {
		f.tagsSet[t] = true
	}
	for _, s := range f.States {
		for _, c := range s.Choices {
			for _, t := range c.Tags {
				f.tagsSet[t] = true
			}
		}
	}

	for _, s := range f.States {
		f.validateState(p, s)
	}
	ids := map[string]bool{}
	for _, r := range f.Referrals {
		if r.ID == "" || r.Title == "" || r.Text == "" {
			p.add(r.line, "referral %q needs an id, a title and a text", r.ID)
		}
		if ids[r.ID] {
			p.add(r.line, "referral %q is defined twice", r.ID)
		}
		ids[r.ID] = true
		f.checkCond(p, r.line, "referral "+r.ID, r.When)
	}
	if len(p.list) == 0 {
		f.checkGraph(p)
	}
	return p.err()
}

// dropNil removes nil entries from a decoded list, reporting each.
func dropNil[T any](p *problems, list []*T, where string) []*T {
	out := list[:0]
	for _, x := range list {
		if x == nil {
			p.add(1, "%s: an empty entry", where)
			continue
		}
		out = append(out, x)
	}
	return out
}

func (f *Flow) validateState(p *problems, s *State) {
	where := fmt.Sprintf("state %q", s.ID)
	if s.Kind == "" {
		s.Kind = KindAsk
	}
	switch s.Kind {
	case KindAsk:
		if strings.TrimSpace(s.Say) == "" {
			p.add(s.line, "%s: a question needs say", where)
		}
		if s.Input == "" {
			s.Input = InputChoice
			if len(s.Choices) == 0 {
				s.Input = InputText
			}
		}
		switch s.Input {
		case InputChoice, InputMulti:
			if len(s.Choices) == 0 {
				p.add(s.line, "%s: input %s needs choices", where, s.Input)
			}
		case InputText:
			if len(s.Choices) > 0 {
				p.add(s.line, "%s: a text question has no choices", where)
			}
		default:
			p.add(s.line, "%s: unknown input %q (choice, multi or text)", where, s.Input)
		}
	case KindSay:
		if strings.TrimSpace(s.Say) == "" {
			p.add(s.line, "%s: say needs text", where)
		}
	case KindSummary:
		// The one choice without a next is "change an answer", which the engine handles.
		without := 0
		for _, c := range s.Choices {
			if c.Next == "" {
				without++
			}
		}
		if len(s.Choices) < 2 || without != 1 {
			p.add(s.line, "%s: a summary needs choices with next (send, cancel) and exactly one without (change an answer)", where)
		}
		if !strings.Contains(s.Say, "{summary}") {
			p.add(s.line, "%s: a summary's say must contain {summary}", where)
		}
	case KindHandoff, KindEnd:
	default:
		p.add(s.line, "%s: unknown kind %q (ask, say, summary, handoff, end)", where, s.Kind)
	}
	if s.Concerns && s.Input != InputMulti {
		p.add(s.line, "%s: the concerns question must be input multi", where)
	}
	switch s.Field {
	case "", "wants", "contact", "anonymous", "words":
	default:
		p.add(s.line, "%s: unknown field %q (wants, contact, anonymous, words)", where, s.Field)
	}
	seen := map[string]bool{}
	for _, c := range s.Choices {
		if c.ID == "" || c.Label == "" {
			p.add(c.line, "%s: a choice needs an id and a label", where)
		}
		if seen[c.ID] {
			p.add(c.line, "%s: choice %q is defined twice", where, c.ID)
		}
		seen[c.ID] = true
		if c.Next != "" {
			f.checkTarget(p, c.line, where+" choice "+c.ID, c.Next)
		}
		if c.Crisis != "" && !slices.Contains(riskKinds, c.Crisis) {
			p.add(c.line, "%s choice %q: unknown crisis kind %q", where, c.ID, c.Crisis)
		}
	}
	for i, r := range s.Next {
		f.checkTarget(p, r.line, where+" next", r.To)
		f.checkCond(p, r.line, where+" next", r.When)
		if i == len(s.Next)-1 && !r.When.empty() {
			p.add(r.line, "%s: the last next rule must have no condition, or the intake could stop here", where)
		}
	}
	needsNext := s.Kind == KindSay || (s.Kind == KindAsk && !allChoicesHaveNext(s))
	if needsNext && len(s.Next) == 0 {
		p.add(s.line, "%s: dead end: no next", where)
	}
	if (s.Kind == KindHandoff || s.Kind == KindEnd) && len(s.Next) > 0 {
		p.add(s.line, "%s: a %s state ends the intake and has no next", where, s.Kind)
	}
}

func allChoicesHaveNext(s *State) bool {
	if len(s.Choices) == 0 {
		return false
	}
	for _, c := range s.Choices {
		if c.Next == "" {
			return false
		}
	}
	return true
}

func (f *Flow) checkTarget(p *problems, line int, where, to string) {
	if to == "" {
		p.add(line, "%s: empty target", where)
		return
	}
	if _, ok := f.byID[to]; !ok {
		p.add(line, "%s: unknown state %q", where, to)
	}
}

func (f *Flow) checkCond(p *problems, line int, where string, c Cond) {
	for _, list := range [][]string{c.All, c.Any, c.None} {
		for _, t := range list {
			if !f.knownTag(t) {
				p.add(line, "%s: unknown tag %q (no choice adds it)", where, t)
			}
		}
	}
}

func (f *Flow) knownTag(t string) bool {
	if f.tagsSet[t] {
		return true
	}
	for _, pre := range builtinTagPrefixes {
		if strings.HasPrefix(t, pre) && len(t) > len(pre) {
			return true
		}
	}
	return false
}

// edges lists every state a state can move to.
func (f *Flow) edges(s *State) []string {
	var out []string
	for _, c := range s.Choices {
		if c.Next != "" {
			out = append(out, c.Next)
		}
	}
	for _, r := range s.Next {
		out = append(out, r.To)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkGraph finds states no one can reach and states from which the intake can never finish.
func (f *Flow) checkGraph(p *problems) {
	reached := map[string]bool{f.Start: true}
	queue := []string{f.Start}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, to := range f.edges(f.byID[id]) {
			if !reached[to] {
				reached[to] = true
				queue = append(queue, to)
			}
		}
	}
	// finishing: states from which a handoff or end state can be reached.
	finishing := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, s := range f.States {
			if finishing[s.ID] {
				continue
			}
			ok := s.Kind == KindHandoff || s.Kind == KindEnd
			for _, to := range f.edges(s) {
				ok = ok || finishing[to]
			}
			if ok {
				finishing[s.ID], changed = true, true
			}
		}
	}
	summaries, handoffs := 0, 0
	for _, s := range f.States {
		if !reached[s.ID] {
			p.add(s.line, "state %q is unreachable from %q", s.ID, f.Start)
		}
		if !finishing[s.ID] {
			p.add(s.line, "state %q is a dead end: no handoff or end can be reached from it", s.ID)
		}
		switch s.Kind {
		case KindSummary:
			summaries++
		case KindHandoff:
			handoffs++
		}
	}
	if summaries != 1 || handoffs < 1 {
		p.add(1, "a flow needs exactly one summary state and at least one handoff state (has %d and %d)", summaries, handoffs)
	}
}

// State returns the state with the given id.
func (f *Flow) State(id string) (*State, bool) {
	s, ok := f.byID[id]
	return s, ok
}

// CrisisChoice reports whether choosing any of choices at the state brings the crisis response (a choice with
// `crisis:`), so that an adapter never drops such an answer, even from a member over a rate limit.
func (f *Flow) CrisisChoice(stateID string, choices []string) bool {
	st, ok := f.byID[stateID]
	if !ok {
		return false
	}
	for _, id := range choices {
		if c := st.choice(id); c != nil && c.Crisis != "" {
			return true
		}
	}
	return false
}

// Msg returns one of the engine's texts.
func (f *Flow) Msg(key string) string { return f.Messages[key] }

func (s *State) choice(id string) *ChoiceDef {
	for _, c := range s.Choices {
		if c.ID == id {
			return c
		}
	}
	return nil
}
