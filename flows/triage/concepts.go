package triage

import (
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
	cSelfHarmStrong
	cThreat
	cSexual
	cMedical
	cChild
	cHarmOthers
	cSelf
	numConcepts
)

// phrases is the pattern matching any of the alternations words, as whole words.
func phrases(words ...string) string {
	return `\b(?:` + strings.Join(words, "|") + `)\b`
}

// conceptPatterns are the phrases that carry each idea.
var conceptPatterns = [numConcepts]string{
	cDeath: phrases(`suicide|suicidal|end it|ending it|end it all|end my life|ending my life|finish my life|end everything|take my life|(?:i|me) (?:\S+ ){0,3}(?:die|be dead)|not (?:be|being) (?:here|around|alive) (?:anymore|much longer|past|after|by|next)`,
		`(?:not|no longer) (?:gonna|going to) be (?:here|around)`, `be gone (?:forever|for good|soon|by)`, `gone (?:forever|for good)`, `(?:logging|log) off forever`,
		`final day|my last (?:day|night|message|week)|(?:made|make|at) peace with (?:it|my decision|dying|death|this)|(?:letters|letter|notes|note) (?:are|is) (?:written|done|ready)|(?:wanted|want|needed) to tell (?:someone|somebody|you) why|(?:wont|will not|not) be (?:in|back|around) (?:again|ever again)|(?:wrote|written|writing|rewriting|rewrote) (?:my|a) (?:will|goodbye|suicide note|note)|goodbye (?:note|letter|letters|message)`,
		`letters (?:for|to) (?:my|everyone)|(?:the|my) note is|not wake up|never wake up|tonight is the night|it is time|do this anymore|(?:here|around) past (?:sunday|monday|tuesday|wednesday|thursday|friday|saturday|this week|the weekend|tomorrow)|not step off|not (?:coming|come) back|better off (?:without me|dead)|rather be dead|life insurance|take (?:her|him|them) with me`, `(?:put|putting|got|get|getting) my (?:affairs|things|stuff|papers) in order|(?:affairs|everything) (?:is |are )?in order|nothing left to do|(?:find|found) me (?:till|until|before)|good innings|(?:go|goes|going|gone|went) quiet forever|(?:get|got) their wish|make it true|(?:i will|ill|i) not live in|stopped being a bother|(?:wont|will not|won t) have to put up with me|how quiet it would be|(?:wouldnt|would not) (?:even )?notice (?:till|until)|when i am gone|when im gone|after i am gone|once i am gone|(?:is|be) (?:always )?fatal|prefer it to be certain|not pull up|how easy it would be|it (?:wont|will not) matter what they do to me|nothing left (?:of me|behind)|sorry for everything|(?:scheduled|schedule) the email|i am not going travelling|not going travelling|(?:not|never) (?:going|coming) home|(?:already )?decided how|will make it true|(?:whole|the) country wants us gone|how many more (?:of these )?days|the tide|into the water|into the sea`, `written the note|wrote the note|the note (?:is|was) (?:in|on)|in an envelope|look after (?:\S+ ){0,2}for me|gave me (?:her|his) (?:wedding ring|ring|watch|things|medals)|(?:isnt|is not|not) answering (?:the door|her phone|his phone|the phone)|curtains are still shut|(?:this weekend|tonight|today|tomorrow|friday|saturday|sunday|monday|tuesday|wednesday|thursday) is it|decided (?:\S+ ){0,3}is it`, `voices (?:keep )?(?:telling|tell|told) me to|only way out|way out of this|(?:do not|dont) think (?:i will|ill|i ll|i am going to) (?:be here|be around|make it)|after tonight|(?:wont|will not) have to (?:be|deal with me|see me|worry about me)|deal with me ever again|ever again|before i go|while it lasted|nice knowing|keeping me here|kept me here|nothing left now|if i (?:do not|dont) make it|(?:wont|will not) have me (?:soon|much longer|anymore|around)|(?:so|to make sure) (?:it is|its) (?:for sure|certain)|how high (?:does|do|would|should)|drafted the note|scheduled to send|not for protection|posted a goodbye|(?:nobody|no one) can reach (?:her|him|them)|(?:cant|can not) reach (?:her|him|them)`, `(?:wont|won t|will not) be (?:here|around|alive) (?:in the morning|by morning|tomorrow)|my last conversation (?:to be|will be|should be|is)|(?:gave|given|giving) (?:away )?(?:my|our) (?:\S+ ){0,8}(?:its|it s|it is) not for a while|(?:wont|won t|will not) be around (?:to see|for) (?:\S+ ){0,3}(?:again|anymore|grow up|any more)|my body will be (?:in|at|by|under|found|behind|near)|(?:so|where) (?:they|someone|people|you) can find (?:me|my body) (?:easily|quickly|after|when|first)|(?:dont|don t|do not) try to stop me|tell (?:my )?\S+ (?:that )?i (?:loved|love) (?:him|her|them|you)$|(?:next time|this time) i (?:wont|won t|will not) (?:walk back|come back)|(?:wont|won t|will not) fail (?:this time|again)$|before (?:i go|i do it|it happens)`),
	cDeathWeak:      phrases(`die|dying|dead|death|funeral|goodbye|good bye|farewell|the end|gone|bye|grave`),
	cMethod:         phrases(`pills|pill|tablets|bottle|gun|guns|rifle|pistol|revolver|shotgun|knife|razor|blade|blades|bleach|insulin|the car|highway|overpass|balcony|window|drown|poison|train|bridge|roof|jump|jumping|cliff`),
	cMethodStrong:   phrases(`medicine cabinet|overdose|overdosing|rope|cord|noose|tied (?:the|a|it)|hang myself|hanging myself|the tracks|train tracks|railway tracks|ledge|engine running|exhaust|closed garage|methods|a method|picked one|carbon monoxide|charcoal|the woods with|loaded (?:gun|pistol|revolver)|(?:gun|pills|bottle|razor|rope|blade|knife) (?:is |are )?(?:right )?(?:next to me|in front of me|on the table|in my hand|ready)`, `hose|petrol|pills (?:are )?counted|counted out|(?:the|a) pier|terrace|(?:9th|tenth|10th|top|high) floor|very high|it is very high|the edge of the bath|drug cupboard|(?:keeping|kept|saving|saved) (?:back )?my (?:night )?(?:tablets|pills|meds)|whole week of|bottle of (?:\S+ ){0,2}and the pills|pills in hand|sniper|insecticide|pesticide|weedkiller|rat poison|paraquat|button batteries|the ute keys|put it into a (?:gum )?tree|shotgun is out|out of the cabinet|a fall from`, `morphine|oxycodone|opioids|codeine|fentanyl|(?:worked out|figured out|calculated) (?:it is|its|that it is|how much|that its) enough|enough to (?:do it|kill|not wake)|(?:got|took|have|grabbed|taken) (?:\S+ ){0,3}(?:gun|pistol|rifle|shotgun) out`, `top floor|(?:standing|sitting|sat|stood) on (?:the )?(?:top floor|edge|ledge|roof|bridge|railing)|saved (?:them|it|my meds|my pills) (?:all )?up|almost enough|(?:i have|i ve got|ive got|i got|i ve saved|ive saved|i finally have|there s|theres) enough now|how much (?:of )?(?:my |her |his )?(?:insulin|pills|meds|medication|tylenol|paracetamol|sleeping pills) (?:\S+ ){0,3}(?:take|kill|enough)|bought a gun|got the stuff ready|stuff ready`, `platform edge|edge of the (?:platform|cliff|roof|bridge)|in front of (?:it|the train|a train|the express|a bus|a truck)|the hose and the garage|gun safe code|pesticide|weedkiller|lighter fluid|practi[cs]ing (?:tying )?(?:the|a) (?:knot|noose)|(?:tying|tied|tie) (?:the|a) (?:knot|noose) (?:over and over|again and again|till|until)|without fences|no fences|tallest car park|top level|at the top now|up there now|counted (?:\S+ ){0,3}(?:\d+ (?:of them|tablets|pills)|them)|(?:saved|saving|stockpiled|hoarded|hoarding) (?:up )?(?:\S+ ){0,3}(?:tablets|pills|meds)|swallowed them|took too many|taken too many|(?:took|taken|swallowed|had) (?:half|all) of them|(?:bottle|pills|packet) (?:is|are) (?:open|opened)|(?:knife|gun|pills|rope|blade|razor) (?:is|are) under my (?:pillow|bed|mattress)|(?:tall|high|tallest|highest) (?:building|tower|car park|parking garage) (?:\S+ ){0,8}(?:going up|go up|climb)`),
	cIntent:         phrases(`tonight|tomorrow|right now|rn|now|this weekend|sunday|monday|tuesday|wednesday|thursday|friday|saturday|decided|decide|deciding|picked|planning|plan|planned|ready|going to|gonna|finally|already|researching|looking at|in front of me|next to me|on the table|trying to decide|exactly how|how i would|how i d|know how|weeks|for days|soon|ill do it|i will do it|do it`, `till midnight|by 11|by midnight|this morning|(?:is|are) (?:out|in) (?:on|at) |at 3|after that|thursday|bank holiday|scheduled|yet`, `waiting (?:for|until|till)|fall asleep|im ready|i am ready|almost`, `i have decided|ive decided|in \d+ (?:minutes|mins)|before tonight|after (?:dinner|school|work|class|everyone (?:is asleep|goes to bed|leaves))|this time|next time|im done waiting|i m done waiting`),
	cHopeless:       phrases(`no future|(?:do not|dont) (?:really |even )?see (?:a|any) future|nothing (?:else )?(?:for|left for) me|nothing left (?:for me|to live)|can not picture (?:a|my|any)|do not want one|done with everything|done with life|easier if i|nothing without (?:him|her|them)|no way out|do not know what i (?:will|would|ll) do|no more strength|giving up on (?:life|everything|myself)|no point to me|(?:nobody|no one) (?:cares|would care|would notice|would miss me)|hopeless|can not go on|too much to bear|a burden|will not matter soon|wont matter soon|tired of (?:living|life|existing)|can not keep (?:going|living|doing this)|(?:do not|dont) want to (?:do this|be here|wake up) anymore`, `(?:do not|dont) (?:know|think) how many more|how many more (?:of these )?days|shamed the whole family|(?:can not|cant) go home|not to show my face|dead to (?:him|her|them|me)|worn down|(?:better off|sooner) if i (?:just )?(?:was not|wasnt|were not|werent|stopped)|(?:wasnt|was not|were not) around|all they want from me|frightened of what i will do|what i will do next`),
	cHopelessWeak:   phrases(`no point|pointless|unbearable|worthless|give up|can not do this|can not take it|empty|numb|alone`),
	cSelfHarm:       phrases(`cut|cutting|cuts|bleeding|blood|punch the wall|punching the wall|hit myself|hitting myself|burn myself|burning myself|deeper|razor|scratching|scars|hurt myself|hurting myself|self harm|knuckles`),
	cSelfHarmStrong: phrases(`did my (?:arms|arm|thighs|thigh|wrists|wrist|legs|leg|skin|stomach)|sharpener blade|pencil sharpener|(?:the )?urges? (?:is|are) back|urge to (?:cut|hurt myself|self harm)|nails into my (?:arms|skin|legs) until|until (?:they|it) bleed|(?:burned|burnt|burning) myself|(?:hit|hitting|punching|punched) myself|(?:cut|cutting) myself|scratched (?:myself|my arms)|(?:bleeding|blood) (?:wont|will not) stop|deeper than (?:i meant|usual)`, `(?:till|until) (?:they|it) bleed|covered in (?:fresh )?cuts|fresh cuts`),
	cThreat:         phrases(`threaten(?:s|ed)? (?:me|us) with|threatened my life|with (?:his|her|a) (?:gun|knife|bat)|(?:a|his|her) (?:gun|knife|bat) (?:at|to|on) (?:me|us|my)|burn (?:it|the house|us|the place) down|see you soon|outside my (?:house|apartment|door|shop|window|flat|room)|parked outside|smashed (?:the|my) (?:window|door|windows|car)|yelling slurs|locked in the back|bringing a gun|for you and the|watching me|following me|stalking me|stalks me|point(?:ed|s)? (?:it|a gun|his gun|the gun|a knife) at (?:me|us)|beat me|beats me|hit me|hits me|choked me|strangled me|punched me|kicked me|shoved me|slapped me|burn marks|bruises on|black eye|(?:daddy|mommy|dad|mom|he|she) did it`, `(?:kicking|banging on|trying to break) (?:the|my) (?:door|bathroom door|bedroom door)|(?:followed|following) me (?:off|from|home|for)|still behind me|(?:is|are) behind me|sharpening (?:the|a|his) (?:big )?knife|(?:throws|threw|throwing) (?:things|the kettle|a kettle|plates|a plate|a glass) (?:at me)?|blistered|put me through|through the (?:next one|wall)|getting it worse|worse than last time|(?:came|come) (?:back )?with (?:men|a cane|a bat|a knife|guns|sticks)|finish (?:the job|us|me)|honour|honor|to run\b|taken abroad|forced (?:to )?marr|marry her cousin|marry my cousin|beat (?:my|our) (?:father|mother|brother|sister|dad|mum|mom)|will do the same to me|(?:threw|thrown) something through the window|through the window|hole in the wall|hid(?:den)? my (?:insulin|meds|medication|inhaler|pills)|withh[eo]ld(?:ing)? my (?:insulin|meds|medication)|a pillow (?:near|over) (?:her|his|my) face|pack a bag|somewhere quiet to sort this out|waiting outside|told him to stop|^(?:he|she) (?:did not|didnt)$|i am in his bathroom|post the ones|post (?:my|the) (?:pics|photos|pictures)|send them to my|calls immigration|call immigration|(?:he|she) is picking (?:her|him) up`, `burns (?:her|him|me) with|(?:put|left|placed|laid) (?:a|his|her|the) gun on (?:the|my)|(?:saying|says|said|told me) (?:i am|im) next|shakes the baby|shaking the baby|shook the baby|who has hit (?:her|him|them)|not leaving (?:the house|here|this house) alive|leave (?:the house |here )?alive|locked (?:me|us) in`, `loading (?:the|a|his|her) (?:gun|shotgun|rifle|pistol)|(?:no one|nobody) will hear (?:me|you|her|us) scream|(?:throw|throws|threw) acid|let it loose on me|trained to attack|do me in|throw (?:us|me) off|(?:car|truck|van) just pulled up|(?:photo|picture|pic) of my (?:\S+ ){0,2}school|nobody leaves this house|if (?:she|he|i|we) (?:goes|go|report|reports|tell|tells) (?:\S+ ){0,3}(?:he ll|he will|she ll|she will|they ll|they will) (?:kill|throw|hurt)`),
	cSexual:         phrases(`sex when i say no|said no|did not stop|didnt stop|touches me|touched me|touching me|comes in my room|came into my room|assaulted|too drunk to|nudes|make me do (?:it|things|stuff) with|asking for (?:pics|pictures|photos)|did not (?:really )?ask|sleep with (?:him|her)|raped|rape|molest|groped|forced me|makes me have sex|made me have sex|without (?:my )?consent`, `(?:got|came) into my bed|in my room drunk|jeans were undone|clothes were undone|do not remember anything after|dont remember anything after|second drink|hand up my skirt|(?:his|the) hotel room|the promotion is mine if|wants more pics|(?:post|send|share) (?:the|my) (?:pics|photos|pictures|nudes|ones i already sent)|do what he wants|plays games with (?:him|her) in the shower|in the shower|it is a secret|(?:comes|came) to my room when|told him to stop`, `(?:has to|have to|must) (?:stay|be|remain) (?:a )?secret|keep it (?:a )?secret|our (?:little )?secret|(?:send|post|show) it to my (?:parents|family|school|boss)|unless i do what (?:he|she|they) (?:says|wants)|recorded us|recorded me`, `getting into (?:her|his|my) bed|send some back|(?:sleep|sleeping) with (?:him|her) (?:or|he ll|she ll)|comes into my room when`),
	cMedical:        phrases(`seizure|not waking up|isnt waking up|is not waking up|wont wake up|will not wake up|lips (?:are |look |kinda |turning )*blue|turning blue|fainted|passing out|passed out|have not eaten|haven t eaten|heart (?:keeps|is|feels) (?:racing|pounding|doing|fluttering|weird)|flutters|swallowed everything|(?:can not|cant) (?:make )?the bleeding stop|bleeding (?:will not|wont) stop|unconscious|not breathing|can not breathe|chest pain|took something|overdosed`, `face (?:is )?drooping|(?:can not|cant) lift (?:his|her|my) arm|slurring|breath smells|being sick|keep being sick|shaky and|dizzy|button batter|swallowed (?:a|some|two|a couple)|(?:blood|bleeding) (?:is )?not stopping|its not stopping|it is not stopping|deeper than i meant|(?:bit|ate|swallowed|drank) (?:a|the) (?:dishwasher tab|laundry pod|tide pod|bleach)|strangl|choked (?:me )?(?:until|till)|blacked out|chest (?:is )?(?:tight|hurts)|left arm`, `(?:wont|will not|doesnt|does not|isnt|is not) respond(?:ing)?|unresponsive|collapsed|not answering properly|(?:very|really|so) (?:sleepy|drowsy) and|shaking on the floor|throwing up|head (?:is )?(?:still )?pounding|concussion|hit my head|ran out of food|no food left|(?:hasnt|has not) come home in`, `throat (?:is )?(?:swelling|closing)|epipen is|button batter(?:y|ies)|(?:face|mouth) (?:\S+ ){0,2}(?:droopy|drooping)|(?:words|speech) (?:\S+ ){0,2}slurred|fell and (?:cant|can t|cannot|can not) get up|(?:feel|feeling|felt) (?:very |really |so )?(?:faint|sick|sleepy and weird)|took (?:my )?(?:\S+ ){0,2}(?:tablets|pills|meds) twice|put something in my (?:food|drink|tea|coffee)|(?:hidden|hid|hides|took away|withholding) (?:her|his|their) (?:insulin|inhaler|epipen|meds|medication|heart medication)|(?:stopped|stop) taking my (?:\S+ )?(?:medication|meds|insulin|pills) on purpose`),
	cChild:          phrases(`\d+ ?(?:yo|y o|years old|year old)|i am (?:1[0-7]|[5-9])|my (?:son|daughter|baby|kid|kids|little brother|little sister|cousin|niece|nephew|toddler|child)|(?:his|her) (?:son|daughter|kids)|the kids|a child|a kid|baby`, `year (?:[5-9]|1[01])|year 8|in year \d+|school ipad|my 4yo|my \d+ ?yo|(?:\d+) year old (?:brother|sister|son|daughter|girl|boy)|a (?:year \d+|young) (?:girl|boy)|nursery|for wetting the bed|with a belt|my niece|babysitting|children`, `\d+ ?(?:yr|yrs) old|\d+ yo`, `little girl|little boy|small child|the toddler|the kids next door|the kid next door|the kid upstairs|the kid downstairs`),
	cHarmOthers:     phrases(`shoot up|shooting up|take (?:her|him|them) with me|shake her|shake him|going to hurt (?:him|her|them|someone)|make them pay|kill (?:him|her|them|everyone)|hurt (?:him|her|them|someone)|(?:access to|get) (?:my |his |her |my uncle |my uncles )?guns`, `(?:dropping|drop|dropped) a pallet on him|making it look like an accident|make it look like an accident|(?:gonna|going to|will) pay\b|can of petrol|(?:i|ive|i have) (?:got )?(?:a |the )?(?:tyre iron|tire iron|crowbar|bat|knife) (?:by|and|in)|thoughts about children|held a pillow|(?:i am|im) frightened of what i will do|what i will do next|urges? to (?:shake|hurt|hit|smother)`, `make (?:them|him|her) (?:all )?(?:pay|bleed|suffer)|find (?:them|him|her) and|(?:ive|i have) got a list|i have a list|(?:they will|theyll|they ll) see|bring (?:\S+ ){0,2}(?:rifle|gun|knife) to (?:work|school|class)`, `(?:set|setting) (?:her|his|their|the) (?:bed|room|house|car) on fire|(?:pillow|hands?) over (?:her|his|their) face|tire iron|tyre iron|poisoning (?:the|his|her|their) (?:coffee|food|drink|tea)|i know where (?:\S+ ){0,2}parks`),
	cSelf:           phrases(`i|me|my|myself|im|mine`),
}

// figurative markers take the danger out of a message's words.
var figurative = phrases(`figuratively|not literally|metaphorically|(?:in|on) (?:a|the) (?:play|stage|game|story|novel|book|film|movie|show|song)|my character|high dive|diving board|trampoline|(?:band|song|album|game|show|movie|book|podcast|drink|cocktail) (?:is )?called|named`)

// conceptSignal judges the ideas in a message that the rules found nothing in.
func (m *message) conceptSignal() (signal, bool) {
	if m.found.has(m.lx.figurative) {
		return signal{}, false
	}
	var has [numConcepts]bool
	for i := range m.clauses {
		v := m.view(i)
		if v.found.has(m.lx.abstract) {
			continue
		}
		if (v.raw.has(m.lx.pastMarkers) || v.raw.has(m.lx.pastYear) || v.raw.has(m.lx.resolved)) && !v.raw.has(m.lx.recent) && !v.raw.has(m.lx.concepts[cMedical]) {
			// "I was suicidal in 2019 and got help": this clause is history, whatever the others say.
			continue
		}
		routine := m.routineBlood(v)
		for k, id := range m.lx.concepts {
			for _, loc := range v.found.matches(id, 4) {
				if routine && concept(k) == cSelfHarm && v.text[loc[0]:loc[1]] == "blood" {
					continue // the blood of a blood test is no injury; cuts beside it still are
				}
				if (concept(k) == cMethod || concept(k) == cMethodStrong) && v.explainedAt(loc) {
					continue // the rope of a climbing course
				}
				if concept(k) == cSelf || !negatedAt(v.clause, loc[0]) {
					has[k] = true
					break
				}
			}
		}
	}
	if (m.past || m.resolved) && !m.recent {
		return signal{}, false
	}
	if m.denial && !has[cMedical] {
		return signal{}, false
	}
	third := m.aboutOther()
	sig := func(risk Risk, kinds ...Kind) (signal, bool) {
		if m.joke && !has[cMedical] {
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
	case has[cHarmOthers] && has[cChild]:
		return sig(RiskCrisis, KindHarmOthers, KindChildAtRisk)
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
	case has[cHarmOthers]:
		return sig(RiskCheck, KindHarmOthers)
	case has[cDeath]:
		return sig(RiskCrisis, KindSuicide)
	case has[cMethodStrong] && has[cMethod]:
		return sig(RiskCrisis, KindSuicide)
	case has[cMethodStrong] && (has[cIntent] || has[cHopeless] || has[cHopelessWeak] || has[cDeathWeak]):
		return sig(RiskCrisis, KindSuicide)
	case has[cMethod] && has[cIntent] && (has[cHopeless] || has[cDeathWeak]):
		return sig(RiskCrisis, KindSuicide)
	case has[cHopeless] && (has[cMethod] || has[cIntent] && has[cDeathWeak]):
		return sig(RiskCrisis, KindSuicide)
	case has[cSelfHarmStrong]:
		return sig(RiskCrisis, KindSelfHarm)
	case has[cSelfHarm] && has[cChild] && third:
		return sig(RiskCrisis, KindSelfHarm, KindChildAtRisk)
	case has[cSelfHarm] && (has[cIntent] || has[cHopeless]):
		return sig(RiskCrisis, KindSelfHarm)
	case has[cHopeless], has[cMethodStrong], has[cDeathWeak] && has[cHopelessWeak] && has[cSelf]:
		return sig(RiskCheck, KindSuicide)
	case has[cHarmOthers]:
		return sig(RiskCheck, KindHarmOthers)
	}
	return signal{}, false
}

// aboutOther reports whether the message is about someone else's danger: a third person is the subject and the
// writer is not the one at risk.
var otherSubject = phrases(`my (?:little |younger |older |big |best |baby )?(?:friend|roommate|flatmate|sister|brother|mom|dad|son|daughter|cousin|coworker|colleague|partner|boyfriend|girlfriend|husband|wife|grandpa|grandma|uncle|aunt|neighbor|neighbour|student|classmate|teammate|kid|child|niece|nephew)|someone in my|a (?:friend|coworker|classmate|guy|girl) (?:on|in|at) my|she is|he is|hes|shes|(?:she|he) (?:took|has|said|says|keeps|is|just|isnt|left|told)`)
var selfAtRisk = phrases(`i (?:want|will|am going|have|took|cut|swallowed|keep|can not|cant|do not|dont|think|feel|wish)|im (?:going|done|not)|myself|my life|to me`)

func (m *message) aboutOther() bool {
	return m.found.has(m.lx.otherSubject) && !m.found.has(m.lx.selfAtRisk)
}
