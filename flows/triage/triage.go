// Package triage reads one message and says two things about it: whether it carries a risk signal that must
// change what the bot does next (crisis resources now, or a direct question), and which power-dynamics areas it
// is about (workplace, family, relationship, oppression).
//
// It is a rule-based classifier, not a model, so that every decision can be read, tested and explained to a
// counselor. The text is normalised (case, accents, apostrophes and contractions, chat slang, leetspeak,
// stretched letters, common misspellings) and split into clauses; risk phrases are matched per clause and then
// judged in context: negation ("I'm not suicidal"), figures of speech ("this deadline is killing me"), distant
// or resolved past ("I used to self-harm years ago"), jokes, trivial threats ("she'll kill me if I'm late"),
// abstract mentions ("suicide prevention training") and who the risk is about (the writer or someone else).
//
// The rules lean towards safety: an ambiguous signal gives RiskCheck, so the bot asks directly instead of
// guessing. Missing a crisis is real harm; asking one question too many is not.
package triage

import "slices"

// Risk says how the bot must respond to a message before anything else.
type Risk string

const (
	// RiskNone means no risk signal was found.
	RiskNone Risk = "none"
	// RiskCheck means an ambiguous signal: the bot should ask directly.
	RiskCheck Risk = "check"
	// RiskCrisis means a clear present risk: show crisis resources now.
	RiskCrisis Risk = "crisis"
)

func (r Risk) rank() int {
	switch r {
	case RiskCrisis:
		return 2
	case RiskCheck:
		return 1
	}
	return 0
}

// Kind says what a risk signal is about; it picks which crisis resources fit.
type Kind string

const (
	// KindSuicide covers suicidal thoughts, intent, plan, preparation and attempts.
	KindSuicide Kind = "suicide"
	// KindSelfHarm covers cutting, burning or otherwise hurting oneself now.
	KindSelfHarm Kind = "self_harm"
	// KindViolence covers violence or threats from someone else and fear for one's safety.
	KindViolence Kind = "violence"
	// KindSexualAbuse covers rape, sexual assault, coerced sex and sexual abuse.
	KindSexualAbuse Kind = "sexual_abuse"
	// KindChildAtRisk covers a minor being abused or harmed.
	KindChildAtRisk Kind = "child_at_risk"
	// KindMedical covers medical emergencies: overdose, pills taken, heavy bleeding.
	KindMedical Kind = "medical"
	// KindHarmOthers covers a writer who intends to hurt or kill someone.
	KindHarmOthers Kind = "harm_to_others"
)

// severity orders kinds, most urgent first: a body in danger right now before intent, intent before disclosure.
func (k Kind) severity() int {
	switch k {
	case KindMedical:
		return 0
	case KindSuicide:
		return 1
	case KindHarmOthers:
		return 2
	case KindChildAtRisk:
		return 3
	case KindViolence:
		return 4
	case KindSexualAbuse:
		return 5
	case KindSelfHarm:
		return 6
	}
	return 7
}

// Area is a power-dynamics concern area a message is about.
type Area string

const (
	// AreaWorkplace is work: bosses, coworkers, pay, shifts, HR.
	AreaWorkplace Area = "workplace"
	// AreaFamily is family: parents, siblings, relatives, in-laws.
	AreaFamily Area = "family"
	// AreaRelationship is a romantic relationship: partners, dating, exes.
	AreaRelationship Area = "relationship"
	// AreaOppression is discrimination, racism, sexism, homophobia, police and prejudice.
	AreaOppression Area = "oppression"
	// AreaOther is a concern outside the four areas; it is never returned by Classify.
	AreaOther Area = "other"
)

// Result is what Classify found in one message.
type Result struct {
	// Risk is the strongest risk signal found.
	Risk Risk
	// Kinds lists what the risk is about, most serious first; empty when Risk is none.
	Kinds []Kind
	// ThirdParty is set when the risk concerns someone else ("my friend says she wants to die"), so the bot
	// gives resources for helping someone.
	ThirdParty bool
	// Concerns lists the concern areas found, most likely first; empty when none is recognised.
	Concerns []Area
}

// Crisis reports whether the bot must show crisis resources now.
func (r Result) Crisis() bool { return r.Risk == RiskCrisis }

// HasKind reports whether k is among the result's kinds.
func (r Result) HasKind(k Kind) bool { return slices.Contains(r.Kinds, k) }

// Classify classifies one message. It is safe for concurrent use and never panics on any string (invalid UTF-8,
// huge input, control characters, emoji).
func Classify(text string) Result {
	return classify(text, shippedModel())
}

func classify(text string, mdl *model) Result {
	lx := shippedLexicon()
	if len(text) > maxInput {
		text = text[:maxInput]
	}
	clauses := normalize(text)
	res := Result{Risk: RiskNone}
	if len(clauses) == 0 {
		return res
	}
	msg := newMessage(clauses, lx)
	defer msg.release()
	res.Concerns = msg.concerns()
	sigs := msg.risks()
	// The idea detector runs unless a rule already found a crisis: ideas together may mean more than the one
	// phrase a rule caught. The model speaks only when neither found anything.
	if !anyCrisis(sigs) {
		if s, ok := msg.conceptSignal(); ok {
			sigs = append(sigs, s)
		}
	}
	if len(sigs) == 0 {
		s, ok := msg.modelSignal(mdl)
		if !ok {
			return res
		}
		sigs = append(sigs, s)
	}
	third := true
	for _, s := range sigs {
		if s.risk.rank() > res.Risk.rank() {
			res.Risk = s.risk
		}
	}
	for _, s := range sigs {
		if s.risk != res.Risk {
			continue
		}
		if !s.third {
			third = false
		}
		for _, k := range s.kinds {
			if !slices.Contains(res.Kinds, k) {
				res.Kinds = append(res.Kinds, k)
			}
		}
	}
	slices.SortStableFunc(res.Kinds, func(a, b Kind) int { return a.severity() - b.severity() })
	res.ThirdParty = third
	// A message the rules, ideas or model only asked about is a crisis when the words of crises in the corpus
	// weigh far more in it than the words of messages a counselor would ask about: people tell a crisis in
	// words no list anticipates. Said lightly, as a figure of speech, or denied, it stays a question.
	if res.Risk == RiskCheck && !msg.joke && !msg.figurative && !msg.denial && mdl.urgent.score(clauses) > urgentThreshold {
		res.Risk = RiskCrisis
	}
	return res
}

func anyCrisis(sigs []signal) bool {
	for _, s := range sigs {
		if s.risk == RiskCrisis {
			return true
		}
	}
	return false
}

// maxInput bounds the work on one message; a person in crisis does not write 20,000 characters, and a flood
// must not cost more than a normal message or two.
const maxInput = 8 << 10
