package triage

import (
	"regexp"
	"slices"
	"strings"
)

// message is one normalised message and what its markers say as a whole.
type message struct {
	lx      *lexicon
	clauses []clause
	full    string // the clauses joined by " . "
	starts  []int  // where each clause starts in full
	found   span   // what the lexicon found in full
	views   []clauseView
	scans   []*phraseScan // scratch space, returned by release
	joke, serious, past, resolved, recent,
	fear, sinister, trivial, minor, figurative, denial bool
	// vetoed is set when a risk rule matched but its context took the danger out (negation, the past, a joke, a
	// denial): the model, which reads the same words without their context, must not overrule that judgement.
	vetoed bool
}

// clauseView is a clause as the risk rules and ideas read it, with its idioms blanked out, and what the lexicon
// found in it and in the clause as written.
type clauseView struct {
	clause
	raw   span // the clause as written, a span of the whole message
	found span // the clause with its idioms blanked out; raw when it has none
	ready bool
	// explained are the stretches of found where a rule's object stood down for the ordinary life that explains
	// it (standsDown): the idea reader does not read a method there either.
	explained [][2]int
}

// explainedAt reports whether a match at loc in found lies within a stretch a rule's object stood down for.
func (v *clauseView) explainedAt(loc [2]int) bool {
	for _, e := range v.explained {
		if loc[0] >= e[0] && loc[1] <= e[1] {
			return true
		}
	}
	return false
}

func newMessage(cs []clause, lx *lexicon) *message {
	parts := make([]string, len(cs))
	starts := make([]int, len(cs))
	for i, c := range cs {
		parts[i] = c.text
		if i > 0 {
			starts[i] = starts[i-1] + len(cs[i-1].text) + len(" . ")
		}
	}
	m := &message{lx: lx, clauses: cs, full: strings.Join(parts, " . "), starts: starts, views: make([]clauseView, len(cs))}
	m.found = m.scan(m.full).whole()
	m.serious = m.found.has(lx.serious)
	m.joke = m.found.has(lx.joke) && !m.serious
	m.past = m.found.has(lx.pastMarkers)
	m.resolved = m.found.has(lx.resolved)
	m.recent = m.found.has(lx.recent)
	if m.resolved && (!m.found.has(lx.recentStrong) || m.found.has(lx.milestone) && !m.found.has(lx.relapse)) {
		// "Four years clean from self harm today" marks a milestone: its "today" is the anniversary, not a relapse.
		// "Eight years clean now; some days I still think about the scars" is history, not a present risk.
		m.recent = false
	}
	m.fear = m.found.has(lx.fear)
	m.sinister = m.found.has(lx.sinister)
	m.trivial = m.found.has(lx.trivial)
	m.minor = m.found.has(lx.minor)
	m.figurative = m.found.has(lx.figurative)
	m.denial = m.found.has(lx.denial) && !m.serious
	return m
}

// scan finds the lexicon's phrases in text, in scratch space from the lexicon's pool.
func (m *message) scan(text string) *phraseScan {
	sc := m.lx.scans.Get().(*phraseScan)
	m.lx.index.scan(text, sc)
	m.scans = append(m.scans, sc)
	return sc
}

// release returns the message's scratch space to the pool; the message must not be read afterwards.
func (m *message) release() {
	for _, sc := range m.scans {
		sc.text = ""
		m.lx.scans.Put(sc)
	}
	m.scans = nil
}

// view returns clause i as the rules read it, blanking its idioms on first use.
func (m *message) view(i int) *clauseView {
	v := &m.views[i]
	if v.ready {
		return v
	}
	v.ready, v.clause = true, m.clauses[i]
	v.raw = m.found.sc.span(m.starts[i], m.starts[i]+len(v.text))
	v.found = v.raw
	if idioms := v.raw.matches(m.lx.idioms, -1); len(idioms) > 0 {
		v.text = blankIdioms(v.text, idioms)
		m.vetoed = true
		v.found = m.scan(v.text).whole()
	}
	return v
}

// blankIdioms replaces each idiom found in text with a filler word of no meaning, keeping the clause's shape.
func blankIdioms(text string, idioms [][2]int) string {
	var b strings.Builder
	last := 0
	for _, loc := range idioms {
		b.WriteString(text[last:loc[0]])
		b.WriteString("xidiom")
		last = loc[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// negators turn what follows them around, within a few words and the same clause.
var negators = map[string]bool{
	"not": true, "never": true, "no": true, "nothing": false, "without": true, "neither": true, "nor": true,
	"hardly": true, "barely": true,
}

// pronouns start a new thought after a comma: "I'm not okay, I want to die".
var pronouns = map[string]bool{"i": true, "he": true, "she": true, "they": true, "we": true, "you": true, "it": true, "and": true, "so": true}

// negatedAt reports whether the words before byte offset off in the clause negate what starts there.
func negatedAt(c clause, off int) bool {
	before := strings.Fields(c.text[:off])
	for i, n := len(before)-1, 0; i >= 0 && n < 4; i, n = i-1, n+1 {
		w := before[i]
		if w == "," {
			if i+1 < len(before) && pronouns[before[i+1]] {
				return false
			}
			n--
			continue
		}
		if negators[w] && w == "no" && i == 0 && i+1 < len(before) && pronouns[before[i+1]] {
			// "no i just want to die": an answer, then a statement; "no" does not negate what follows.
			continue
		}
		if negators[w] {
			// "not only", "never mind" and "no one" do not negate.
			if i+1 < len(before) && (before[i+1] == "only" || before[i+1] == "one" || before[i+1] == "mind" || before[i+1] == "matter") {
				continue
			}
			return true
		}
	}
	return false
}

// signal is one judged risk match.
type signal struct {
	risk  Risk
	kinds []Kind
	third bool
}

// risks judges every risk rule that matches any clause.
func (m *message) risks() []signal {
	var out []signal
	for i := range m.clauses {
		v := m.view(i)
		if strings.TrimSpace(v.text) == "" || v.found.none() {
			continue // no phrase of any pattern is in the clause
		}
		isAbstract := v.raw.has(m.lx.abstract)
		for j := range m.lx.rules {
			rl := &m.lx.rules[j]
			locs := v.found.matches(rl.pat, -1)
			if len(locs) > 1 {
				// The scan reuses its slice for the next lookup, and standsDown and judge look up other patterns.
				locs = slices.Clone(locs)
			}
			for _, loc := range locs {
				if m.standsDown(rl, v, loc) {
					// A goodbye with its reason explains the message, model and all; a hobby's rope explains
					// only itself: the model may still ask.
					m.vetoed = m.vetoed || rl.flags&fFarewell != 0
					break
				}
				if s, ok := m.judge(rl, v, loc[0], isAbstract); ok {
					out = append(out, s)
					break
				}
				m.vetoed = true
			}
		}
	}
	return out
}

// standsDown reports whether a rule's match at loc gives way to the ordinary life its own clause names: a goodbye
// with its reason ("last day at the warehouse, said goodbye to everyone, new job Monday": fFarewell), or the
// rule's object with what explains it ("bought rope for my climbing course": rule.ordinary). Never when the message
// is said in earnest, when the clause turns the object on the writer ("the rope I bought is for myself"), or when
// the clause also speaks of death, hopelessness, a threat, sexual harm or harm to others, of a jump, of a gun made
// ready, or of any method outside the match ("rope from climbing and the pills ready").
func (m *message) standsDown(rl *rule, v *clauseView, loc [2]int) bool {
	switch {
	case m.serious || v.raw.has(m.lx.selfWord):
		return false
	case rl.flags&fFarewell != 0 && v.raw.has(m.lx.departure):
		return !m.speaksOfDanger(v) && !v.raw.has(m.lx.concepts[cMethodStrong])
	case rl.ordinary != "" && v.raw.has(rl.ord):
		if m.speaksOfDanger(v) || v.raw.has(m.lx.leap) || v.raw.has(m.lx.armed) {
			return false
		}
		for _, c := range []concept{cMethod, cMethodStrong} {
			for _, at := range v.found.matches(m.lx.concepts[c], -1) {
				if at[0] < loc[0] || at[1] > loc[1] {
					return false // another method in the clause
				}
			}
		}
		v.explained = append(v.explained, loc)
		return true
	}
	return false
}

// speaksOfDanger reports whether a clause holds an idea of danger: death, hopelessness, a threat, sexual harm,
// harm to others, self-harm in earnest.
func (m *message) speaksOfDanger(v *clauseView) bool {
	for _, c := range []concept{cDeath, cHopeless, cThreat, cSexual, cHarmOthers, cSelfHarmStrong} {
		if v.raw.has(m.lx.concepts[c]) {
			return true
		}
	}
	return false
}

// routineBlood reports whether a clause draws blood for an ordinary reason ("going to give blood today") and
// says nothing else of danger, so that the idea reader does not take the blood for an injury.
func (m *message) routineBlood(v *clauseView) bool {
	return !m.serious && v.raw.has(m.lx.routineCheck) && !v.raw.has(m.lx.selfWord) && !m.speaksOfDanger(v)
}

// judge decides what one match means in its context, or drops it.
func (m *message) judge(rl *rule, v *clauseView, start int, isAbstract bool) (signal, bool) {
	c := v.clause
	if rl.flags&fOwnNeg == 0 && negatedAt(c, start) {
		return signal{}, false
	}
	s := signal{risk: rl.risk, kinds: append([]Kind(nil), rl.kinds...), third: rl.flags&fThird != 0}
	if (isAbstract || m.figurative) && (rl.flags&fTopic != 0 || s.third || m.figurative) {
		return signal{}, false
	}
	self := s.kinds[0] == KindSuicide || s.kinds[0] == KindSelfHarm || s.kinds[0] == KindMedical
	if rl.flags&fNoPast == 0 && (m.past || m.resolved) && !m.recent {
		return signal{}, false
	}
	// A body in danger now (pills swallowed, insulin withheld) is not history because other words are.
	act := s.kinds[0] == KindMedical
	if m.resolved && self && !act && !m.recent {
		return signal{}, false
	}
	// "I was suicidal in 2019 and got help. Today I want to talk about my manager": the clause that names the
	// risk puts it in the past, whatever the rest of the message is about now.
	if rl.flags&fNoPast == 0 && self && (v.raw.has(m.lx.pastMarkers) || v.raw.has(m.lx.pastYear) || v.raw.has(m.lx.resolved)) && !v.raw.has(m.lx.recent) {
		return signal{}, false
	}
	// "It's a TikTok thing and she's fine", "I'm not going anywhere, it's a fantasy": a plain denial outweighs
	// words of risk, except an act or a plan in progress.
	if m.denial && rl.flags&fNoPast == 0 {
		return signal{}, false
	}
	switch {
	case rl.flags&fThreat != 0:
		// "She'll kill me if I'm late" is a figure of speech; "he'll break my legs if I'm late" is not.
		trivial := m.trivial && killWords.MatchString(c.text[start:])
		switch {
		case m.sinister:
			s.risk = RiskCrisis
		case m.joke || trivial || m.figurative:
			return signal{}, false
		case m.fear:
			s.risk = RiskCrisis
		}
	case rl.flags&fJokey != 0:
		switch {
		case v.raw.has(m.lx.joke) && !v.raw.has(m.lx.serious):
			// "kill me now lol ... but for real she wants my passwords": the laugh sits with the phrase.
			return signal{}, false
		case m.serious:
			s.risk = RiskCrisis
		case m.joke:
			return signal{}, false
		}
	case m.joke && self && !act && !m.serious && s.risk == RiskCrisis:
		// A body in danger (pills swallowed) is not made light by a laugh; words are.
		// "kill myself lol": said lightly, but asked about directly rather than ignored.
		s.risk = RiskCheck
	}
	if rl.flags&fUpgrade != 0 && m.serious && s.risk == RiskCheck {
		s.risk = RiskCrisis
	}
	if s.risk == RiskNone {
		return signal{}, false
	}
	if m.minor && (s.kinds[0] == KindViolence || s.kinds[0] == KindSexualAbuse) && !containsKind(s.kinds, KindChildAtRisk) {
		s.kinds = append(s.kinds, KindChildAtRisk)
	}
	return s, true
}

// killWords are the threats people also say in jest.
var killWords = regexp.MustCompile(`^(?:\S+ ){0,8}?(?:kill|murder|end|strangle)\b`)

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
