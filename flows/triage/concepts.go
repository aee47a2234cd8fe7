package triage

import (
	"regexp"
	"strings"
)

// The exact phrase rules miss what people say in their own words. This second detector looks for ideas, not
// phrases: a death wish, a method, a time or intent, hopelessness, self-injury, a threat from someone, sexual
// violence, a medical emergency, harm to a child or to others. Ideas that together mean danger raise the risk;
// one idea alone at most asks a direct question. It runs only where the rules found nothing, after the same
// vetoes: figures of speech, negation, abstract mentions, jokes and the resolved past.

// concept is one idea and the phrases that carry it.
type concept uint8

const (
	cDeath concept = iota
	cDeathWeak
	cMethod
	cMethodStrong
	cIntent
	cHopeless
	cHopelessWeak
	cSelfHarm
	cThreat
	cSexual
	cMedical
	cChild
	cHarmOthers
	cSelf
	numConcepts
)

func phrases(words ...string) *regexp.Regexp {
	return regexp.MustCompile(`\b(?:` + strings.Join(words, "|") + `)\b`)
}

var conceptRes = [numConcepts]*regexp.Regexp{
	cDeath: phrases(`suicide|suicidal|end it|ending it|end it all|end my life|ending my life|finish my life|end everything|take my life|(?:i|me) (?:\S+ ){0,3}(?:die|be dead)|not (?:be|being) (?:here|around|alive) (?:anymore|much longer|past|after|by|next)`,
		`(?:not|no longer) (?:gonna|going to) be (?:here|around)`, `be gone (?:forever|for good|soon|by)`, `gone (?:forever|for good)`, `(?:logging|log) off forever`,
		`final day|my last (?:day|night|message|week)|made peace with it|(?:wrote|written|writing|rewriting|rewrote) (?:my|a) (?:will|goodbye|suicide note|note)|goodbye (?:note|letter|letters|message)`,
		`letters (?:for|to) (?:my|everyone)|(?:the|my) note is|not wake up|never wake up|tonight is the night|it is time|do this anymore|(?:here|around) past (?:sunday|monday|tuesday|wednesday|thursday|friday|saturday|this week|the weekend|tomorrow)|not step off|not (?:coming|come) back|better off (?:without me|dead)|rather be dead|life insurance|take (?:her|him|them) with me`),
	cDeathWeak:    phrases(`die|dying|dead|death|funeral|goodbye|good bye|farewell|the end|gone`),
	cMethod:       phrases(`pills|pill|tablets|bottle|gun|guns|rifle|pistol|revolver|shotgun|knife|razor|blade|blades|bleach|insulin|the car|highway|overpass|balcony|window|drown|poison|train|bridge|roof|jump|jumping|cliff`),
	cMethodStrong: phrases(`medicine cabinet|overdose|overdosing|rope|cord|noose|tied (?:the|a|it)|hang myself|hanging myself|tracks|ledge|engine running|exhaust|closed garage|methods|a method|picked one|carbon monoxide|charcoal|the woods with|loaded (?:gun|pistol|revolver)|(?:gun|pills|bottle|razor|rope|blade|knife) (?:is |are )?(?:right )?(?:next to me|in front of me|on the table|in my hand|ready)`),
	cIntent:       phrases(`tonight|tomorrow|right now|rn|now|this weekend|sunday|monday|tuesday|wednesday|thursday|friday|saturday|decided|decide|deciding|picked|planning|plan|planned|ready|going to|gonna|finally|already|researching|looking at|in front of me|next to me|on the table|trying to decide|exactly how|how i would|how i d|know how|weeks|for days|soon|ill do it|i will do it|do it`),
	cHopeless:     phrases(`no future|(?:do not|dont) (?:really |even )?see (?:a|any) future|nothing (?:else )?(?:for|left for) me|nothing left (?:for me|to live)|can not picture (?:a|my|any)|do not want one|done with everything|done with life|easier if i|nothing without (?:him|her|them)|no way out|do not know what i (?:will|would|ll) do|no more strength|giving up on (?:life|everything|myself)|no point to me|(?:nobody|no one) (?:cares|would care|would notice|would miss me)|hopeless|can not go on|too much to bear|a burden|will not matter soon|wont matter soon|tired of (?:living|life|existing)|can not keep (?:going|living|doing this)|(?:do not|dont) want to (?:do this|be here|wake up) anymore`),
	cHopelessWeak: phrases(`no point|pointless|unbearable|worthless|give up|can not do this|can not take it|empty|numb|alone`),
	cSelfHarm:     phrases(`cut|cutting|cuts|bleeding|blood|punch the wall|punching the wall|hit myself|hitting myself|burn myself|burning myself|deeper|razor|scratching|scars|hurt myself|hurting myself|self harm|knuckles`),
	cThreat:       phrases(`threaten(?:s|ed)? (?:me|us) with|threatened my life|with (?:his|her|a) (?:gun|knife|bat)|(?:a|his|her) (?:gun|knife|bat) (?:at|to|on) (?:me|us|my)|burn (?:it|the house|us|the place) down|see you soon|outside my (?:house|apartment|door|shop|window|flat|room)|parked outside|smashed (?:the|my) (?:window|door|windows|car)|yelling slurs|locked in the back|bringing a gun|for you and the|watching me|following me|stalking me|stalks me|point(?:ed|s)? (?:it|a gun|his gun|the gun|a knife) at (?:me|us)|beat me|beats me|hit me|hits me|choked me|strangled me|punched me|kicked me|shoved me|slapped me|burn marks|bruises on|black eye|(?:daddy|mommy|dad|mom|he|she) did it`),
	cSexual:       phrases(`sex when i say no|said no|did not stop|didnt stop|touches me|touched me|touching me|comes in my room|came into my room|assaulted|too drunk to|nudes|make me do (?:it|things|stuff)|asking for (?:pics|pictures|photos)|did not (?:really )?ask|sleep with (?:him|her)|raped|rape|molest|groped|forced me|makes me have sex|made me have sex|without (?:my )?consent`),
	cMedical:      phrases(`seizure|not waking up|isnt waking up|is not waking up|wont wake up|will not wake up|lips (?:are |look |kinda |turning )*blue|turning blue|fainted|passing out|passed out|have not eaten|haven t eaten|heart (?:keeps|is|feels) (?:racing|pounding|doing|fluttering|weird)|flutters|swallowed everything|(?:can not|cant) (?:make )?the bleeding stop|bleeding (?:will not|wont) stop|unconscious|not breathing|can not breathe|chest pain|took something|overdosed`),
	cChild:        phrases(`\d+ ?(?:yo|y o|years old|year old)|i am (?:1[0-7]|[5-9])|my (?:son|daughter|baby|kid|kids|little brother|little sister|cousin|niece|nephew|toddler|child)|(?:his|her) (?:son|daughter|kids)|the kids|a child|a kid|baby`),
	cHarmOthers:   phrases(`shoot up|shooting up|take (?:her|him|them) with me|shake her|shake him|going to hurt (?:him|her|them|someone)|make them pay|kill (?:him|her|them|everyone)|hurt (?:him|her|them|someone)|(?:access to|get) (?:my |his |her |my uncle |my uncles )?guns`),
	cSelf:         phrases(`i|me|my|myself|im|mine`),
}

// figurative markers take the danger out of a message's words.
var figurative = phrases(`figuratively|not literally|metaphorically|(?:in|on) (?:a|the) (?:play|stage|game|story|novel|book|film|movie|show|song)|my character|high dive|diving board|trampoline|(?:band|song|album|game|show|movie|book|podcast|drink|cocktail) (?:is )?called|named`)

// conceptSignal judges the ideas in a message that the rules found nothing in.
func (m *message) conceptSignal() (signal, bool) {
	if figurative.MatchString(m.full) {
		return signal{}, false
	}
	var has [numConcepts]bool
	for _, c := range m.clauses {
		text := idioms.ReplaceAllStringFunc(c.text, blank)
		if abstract.MatchString(text) {
			continue
		}
		view := clause{words: c.words, text: text}
		for k, re := range conceptRes {
			for _, loc := range re.FindAllStringIndex(text, 4) {
				if concept(k) == cSelf || !negatedAt(view, loc[0]) {
					has[k] = true
					break
				}
			}
		}
	}
	if (m.past || m.resolved) && !m.recent {
		return signal{}, false
	}
	third := m.aboutOther()
	sig := func(risk Risk, kinds ...Kind) (signal, bool) {
		if m.joke {
			// Said lightly: a crisis is still asked about, a passing remark is let go.
			if risk == RiskCheck {
				return signal{}, false
			}
			risk = RiskCheck
		}
		return signal{risk: risk, kinds: kinds, third: third}, true
	}
	switch {
	case has[cMedical]:
		return sig(RiskCrisis, KindMedical)
	case has[cSexual] && (has[cChild] || m.minor):
		return sig(RiskCrisis, KindSexualAbuse, KindChildAtRisk)
	case has[cSexual]:
		return sig(RiskCrisis, KindSexualAbuse)
	case has[cHarmOthers] && (has[cIntent] || has[cMethod] || has[cHopeless]):
		return sig(RiskCrisis, KindHarmOthers)
	case has[cThreat] && has[cChild]:
		return sig(RiskCrisis, KindViolence, KindChildAtRisk)
	case has[cThreat]:
		return sig(RiskCrisis, KindViolence)
	case has[cDeath] && (has[cMethod] || has[cMethodStrong] || has[cIntent] || has[cHopeless]):
		return sig(RiskCrisis, KindSuicide)
	case has[cMethodStrong] && (has[cIntent] || has[cHopeless] || has[cHopelessWeak] || has[cDeathWeak]):
		return sig(RiskCrisis, KindSuicide)
	case has[cMethod] && has[cIntent] && (has[cHopeless] || has[cDeathWeak]):
		return sig(RiskCrisis, KindSuicide)
	case has[cHopeless] && (has[cMethod] || has[cIntent] && has[cDeathWeak]):
		return sig(RiskCrisis, KindSuicide)
	case has[cSelfHarm] && has[cChild] && third:
		return sig(RiskCrisis, KindSelfHarm, KindChildAtRisk)
	case has[cSelfHarm] && (has[cIntent] || has[cHopeless]):
		return sig(RiskCrisis, KindSelfHarm)
	case has[cDeath], has[cHopeless], has[cMethodStrong], has[cDeathWeak] && has[cHopelessWeak] && has[cSelf]:
		return sig(RiskCheck, KindSuicide)
	case has[cHarmOthers]:
		return sig(RiskCheck, KindHarmOthers)
	}
	return signal{}, false
}

// aboutOther reports whether the message is about someone else's danger: a third person is the subject and the
// writer is not the one at risk.
var otherSubject = phrases(`my (?:friend|roommate|flatmate|sister|brother|mom|dad|son|daughter|cousin|coworker|colleague|partner|boyfriend|girlfriend|husband|wife|grandpa|grandma|uncle|aunt|neighbor|neighbour|student|classmate|teammate|kid|child|niece|nephew)|someone in my|a (?:friend|coworker|classmate|guy|girl) (?:on|in|at) my|she is|he is|hes|shes|(?:she|he) (?:took|has|said|says|keeps|is|just|isnt|left|told)`)
var selfAtRisk = phrases(`i (?:want|will|am going|have|took|cut|swallowed|keep|can not|cant|do not|dont|think|feel|wish)|im (?:going|done|not)|myself|my life|to me`)

func (m *message) aboutOther() bool {
	return otherSubject.MatchString(m.full) && !selfAtRisk.MatchString(m.full)
}
