package triage

import (
	"strings"
	"sync"
)

// compiled holds the rules, built once on first use and never changed afterwards.
var compiled = sync.OnceValue(riskRules)

// message is one normalised message and what its markers say as a whole.
type message struct {
	clauses []clause
	full    string
	joke, serious, past, resolved, recent,
	fear, sinister, trivial, minor, figurative bool
}

func newMessage(cs []clause) *message {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.text
	}
	m := &message{clauses: cs, full: strings.Join(parts, " . ")}
	m.serious = serious.MatchString(m.full)
	m.joke = joke.MatchString(m.full) && !m.serious
	m.past = pastMarkers.MatchString(m.full)
	m.resolved = resolved.MatchString(m.full)
	m.recent = recent.MatchString(m.full)
	if m.resolved && !recentStrong.MatchString(m.full) {
		// "Eight years clean now; some days I still think about the scars" is history, not a present risk.
		m.recent = false
	}
	m.fear = fear.MatchString(m.full)
	m.sinister = sinister.MatchString(m.full)
	m.trivial = trivial.MatchString(m.full)
	m.minor = minor.MatchString(m.full)
	m.figurative = figurative.MatchString(m.full)
	return m
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
	rules := compiled()
	for _, c := range m.clauses {
		text := idioms.ReplaceAllStringFunc(c.text, blank)
		if strings.TrimSpace(text) == "" {
			continue
		}
		view := clause{words: c.words, text: text}
		isAbstract := abstract.MatchString(c.text)
		for i := range rules {
			rl := &rules[i]
			locs := rl.re.FindAllStringIndex(text, -1)
			for _, loc := range locs {
				if s, ok := m.judge(rl, view, loc[0], isAbstract); ok {
					out = append(out, s)
					break
				}
			}
		}
	}
	return out
}

// blank replaces an idiom with filler of no meaning, keeping the clause's shape.
func blank(s string) string { return "xidiom" }

// judge decides what one match means in its context, or drops it.
func (m *message) judge(rl *rule, c clause, start int, isAbstract bool) (signal, bool) {
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
	if m.resolved && self && !m.recent {
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
		case m.serious:
			s.risk = RiskCrisis
		case m.joke:
			return signal{}, false
		}
	case m.joke && self && !m.serious && s.risk == RiskCrisis:
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
var killWords = mustGate(`^(?:\S+ ){0,8}?(?:kill|murder|end|strangle)\b`)

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
