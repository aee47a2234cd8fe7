package triage

import (
	"strings"
)

// flag adjusts how a rule is judged in its context.
type flag uint16

const (
	fOwnNeg   flag = 1 << iota // the pattern carries its own negation ("no reason to live"): ignore negators
	fThird                     // the risk concerns someone else
	fThreat                    // a threat from someone: judged by fear, sinister and trivial conditions, jokes
	fTopic                     // a topic word: dropped where the message talks about the topic in the abstract
	fJokey                     // a phrase people also use in jest ("kill me now"): none with a joke, crisis when serious
	fNoPast                    // past markers do not soften it (a plan or an act now)
	fUpgrade                   // "I mean it" turns check into crisis
	fFarewell                  // a goodbye: an ordinary departure named in the same clause (a new job, a move) explains it
)

// rule is one risk pattern and what it means.
type rule struct {
	src   string    // the pattern, `\b(?:...)\b` over normalised words
	pat   patternID // where the lexicon holds it
	kinds []Kind
	risk  Risk
	flags flag
	// ordinary, when set, is the ordinary life that explains the rule's object in the same clause (a rope and
	// climbing, a gun and hunting season, a bridge and the fireworks), and ord where the lexicon holds it; see
	// message.standsDown.
	ordinary string
	ord      patternID
}

// explainedBy returns the rule with the ordinary life that explains its object.
func (r rule) explainedBy(ordinary string) rule {
	r.ordinary = ordinary
	return r
}

// macros shorten the patterns; each expands to a regexp fragment over normalised words.
var macros = strings.NewReplacer(
	"{gap}", `(?:\S+ ){0,3}`,
	"{gap1}", `(?:\S+ ){0,1}`,
	"{gap2}", `(?:\S+ ){0,2}`,
	"{gap6}", `(?:\S+ ){0,6}`,
	"{i}", `(?:i|i am|i have|i will|i would|i was|i m|ive)`,
	"{end}", `(?:end|ending|ended|take|taking|took)`,
	"{pills}", `(?:pills|pill|tablets|meds|medication|medications|medicine|sleeping pills|painkillers|paracetamol|tylenol|acetaminophen|advil|ibuprofen|xanax|insulin|antidepressants|oxy|oxys|percs|benzos|sleeping tablets|aspirin)`,
	"{fam}", `(?:husband|wife|partner|boyfriend|girlfriend|ex|ex boyfriend|ex girlfriend|ex husband|ex wife|dad|mom|father|mother|stepdad|stepmom|brother|sister|uncle|aunt|cousin|grandpa|grandma|boss|manager|supervisor|coworker|roommate|landlord|neighbor|neighbour|son|daughter|fiance|spouse|parents|parent|family|teacher|coach|pastor|priest|bf|gf|man|guy|girl|date|abuser|stepfather|stepmother|step dad|step mom|brother in law|father in law|mother in law)`,
	"{other}", `(?:my (?:\S+ ){0,2}(?:friend|friends|bestie|roommate|sister|brother|mom|dad|cousin|partner|boyfriend|girlfriend|husband|wife|son|daughter|classmate|coworker|colleague|student|kid|child|niece|nephew|teammate|neighbor|neighbour|mate|buddy|ex|aunt|uncle|sibling|flatmate|girl|boy|cousins|kids|grandma|grandpa|best friend)|a friend|someone i know|this girl|this guy|one of my (?:\S+ ){0,1}friends)`,
	"{kill}", `(?:kill|killing|killed|kil|end|hang|hanging|shoot|shooting|off|drown|poison|stab|suffocate)`,
	"{selfword}", `(?:myself|my self|my life|my own life)`,
	"{hurt}", `(?:hit|hits|hitting|punched|punches|punch|kicked|kicks|choked|chokes|choking|strangled|strangles|beat|beats|beating|slapped|slaps|shoved|shoves|pushed|attacked|attacks|stabbed|burned|burnt|threw|throws|bit|smacked|smacks|whipped|whips|dragged|grabbed|pinned|raped|rapes|molested|molests|abused|abuses|assaulted)`,
)

func r(pat string, risk Risk, flags flag, kinds ...Kind) rule {
	return rule{src: `\b(?:` + macros.Replace(pat) + `)\b`, kinds: kinds, risk: risk, flags: flags}
}

// riskRules are checked against every clause. Order does not matter: every rule that matches is judged.
func riskRules() []rule {
	return []rule{
		// Suicide: intent, ideation, plan, preparation.
		r(`(?:kill|killing|kil|unalive|unaliving|off|offing|hang|hanging|drown|drowning|shoot|shooting|poison|poisoning|suffocate|stab) (?:myself|my self)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`{end} {gap1}(?:my own life|my life|it all|everything|it tonight|things|it for good|my existence)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:want|wanna|going|gonna|ready|decided|plan|planning|about|tempted|thinking|think) to (?:end|finish) it\b(?: all)?`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:just|to) end it(?: all)?$|^ *end it(?: all)?`, RiskCheck, fUpgrade, KindSuicide),
		r(`suicide|suicidal|sucidal|suicidality|su icide|sui cide|ctb|catch the bus|sewer slide|self deletion|self delete|delete myself|unalive|unalived`, RiskCrisis, fTopic|fUpgrade, KindSuicide),
		r(`(?:want|wanna|wish|wishing|ready|going|gonna|deserve|hoping|hope|rather|prefer|like) {gap1}to (?:die|be dead|not exist|stop existing|not be alive|not be here|disappear forever|be gone|sleep forever|never wake up|not wake up)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:wish|wishing|hope) {gap1}(?:i|i was|i were|i d|i would) (?:die|died|be dead|was dead|were dead|never born|never been born|wasnt born|not born|disappear|not wake up|never wake up|gone|was gone|were gone)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:do not|dont|not|no longer|never) (?:want|wanna|wish|care) {gap1}(?:to )?(?:live|be alive|exist|be here|wake up|go on|keep going|stay alive|survive|continue)`, RiskCrisis, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:not|no) (?:sure|certain) {gap1}(?:i|if i) (?:want to|wanna|can|should) (?:live|be alive|go on|keep going|stay alive)`, RiskCrisis, fOwnNeg, KindSuicide),
		r(`(?:no|not any|not a|zero|nothing|lost (?:my|any|all)) (?:reason|reasons|point|will|purpose) {gap2}(?:to|in|for|of) (?:live|living|life|being alive|going on|keep going|keep living|go on|be here|staying alive|stay alive|exist|existing|wake up)`, RiskCrisis, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:can not|cant|cannot|could not|do not|dont|did not|no longer) (?:see|find|think of|have) (?:a|any|one|much|the) (?:reason|point) (?:to|in|for) (?:live|living|go on|going on|keep going|stay|staying)`, RiskCrisis, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:can not|cant|cannot|could not|can no longer|unable to) (?:go on|keep going|do this anymore|live like this|take it anymore|take this anymore|keep living|carry on)`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:better off|happier|better|easier|fine|relieved) {gap2}(?:without me|if i (?:was|were|am|died|killed|disappeared|was gone|were gone|wasnt here|was not here|were not here|was dead|were dead|didnt exist|did not exist)|with me (?:gone|dead)|when i am gone|once i am gone|after i am gone)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:better off|be better) dead`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:nobody|no one|noone|none of them|who) (?:would|will|is going to|gonna) (?:care|notice|miss me|even notice|cry)(?: {gap}if i (?:died|was gone|were gone|disappeared|killed myself|was dead|were dead))?`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:not|never) (?:be|being) (?:here|around|alive) (?:anymore|much longer|for long|tomorrow|next week)`, RiskCrisis, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:will|would|gonna|going to) be (?:gone|dead) (?:by|before|soon|tomorrow|tonight|next)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:i will|ill|i am going to|im going to|i am gonna) be gone (?:soon|forever|for good|before|by)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:go to sleep|sleep|fall asleep) and (?:never|not) wake up|(?:never|not) wake (?:up )?again`, RiskCrisis, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:praying|pray|hoping|hope) {gap1}(?:i|that i) (?:do not|dont|never|wont|will not) wake up`, RiskCrisis, fOwnNeg|fUpgrade, KindSuicide),
		r(`disappointed (?:i|that i) (?:woke up|am still alive|am still here|survived)|(?:sad|upset|angry) (?:i|that i) woke up`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:wrote|written|writing|write|left|leaving|finished) {gap2}(?:suicide note|goodbye note|goodbye letter|goodbye letters|note for|notes for|letters to|letter to|goodbye)`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:saying|said|say) (?:my )?goodbyes?`, RiskCrisis, fUpgrade|fFarewell, KindSuicide),
		r(`this is (?:my )?goodbye|goodbye (?:everyone|forever|world)|final goodbye|last goodbye`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:giving|gave|give|gave away|giving away) {gap2}(?:my|all my) (?:stuff|things|belongings|possessions|cat|dog|pets|guitar|games|clothes|stuff away)`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:wont|will not|won t) (?:be )?(?:need|needing) (?:them|it|this|these|any of it|anything)`, RiskCrisis, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:bought|buy|buying|got|have|found|tied|tying|hung|hanging|getting) {gap1}(?:a )?(?:rope|noose)|(?:a|the) (?:rope|noose) (?:ready|tied|is ready)|(?:the|a) (?:rope|noose) (?:i|ive|i ve) (?:bought|got|made|tied|have)`, RiskCrisis, fNoPast, KindSuicide).explainedBy(ropeHobby),
		r(`(?:bought|buy|buying|got|have|loaded|loading|found|took) {gap1}(?:a|my|dads|dad|the|fathers|father|his|her) (?:gun|pistol|rifle|firearm|revolver|shotgun)`, RiskCheck, fUpgrade, KindSuicide).explainedBy(gunHobby),
		r(`(?:gun|pistol|rifle|revolver|shotgun|pills|rope) and (?:i am|im) not (?:scared|afraid) (?:anymore|now)`, RiskCrisis, fOwnNeg, KindSuicide),
		r(`^(?:i have|ive|i) (?:finally )?decided$|(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday|tomorrow|tonight|today|this weekend|next week) is the (?:day|night)|(?:not|isnt) (?:sleepy|physically) tired|tired tired`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:have been|been|keep|kept|am|started|start|was) cutting(?: (?:every|again|myself|more|deeper|at night|tonight|for|since|my|a lot|badly))?|(?:did|done) it again (?:before|after|tonight|today|last night)`, RiskCrisis, fNoPast, KindSelfHarm),
		r(`(?:saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting|collected|counting|counted|stashing|stashed) {gap2}(?:up )?{gap1}{pills}`, RiskCrisis, fNoPast, KindSuicide),
		r(`(?:how many|enough) {pills} {gap}(?:to|would|it would|will|kill|die|take|overdose|od)`, RiskCrisis, fNoPast, KindSuicide),
		r(`(?:how to|how do i|how can i|best way to|easiest way to|painless way to|quickest way to|ways to) {gap1}(?:die|kill myself|end it|end my life|overdose|hang myself|unalive myself|not wake up|disappear forever)`, RiskCrisis, fNoPast, KindSuicide),
		r(`(?:jump|jumping|leap|leaping|throw myself) (?:off|from|in front of|into|out) (?:a|the|this|my) (?:bridge|building|roof|cliff|train|window|balcony|car|bus|tower|overpass|river)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:stepping|step|walk|walking) in front of (?:a|the) (?:train|bus|car|truck)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:hold|holds|held|take|support) my weight`, RiskCrisis, fNoPast, KindSuicide),
		r(`(?:know|found|picked|chose|choose|scouted) (?:where|how|when) (?:i am going|im going|i will|ill|i m going|to) (?:do it|go|end it)|where i am going to do it|already know (?:where|how) (?:i am going to do it|to do it|i will do it)`, RiskCrisis, fNoPast, KindSuicide),
		r(`(?:made up my mind|my mind is made up)(?: about it| to go| to do it)?|(?:i have|ive|i) decided (?:to do it|to go|it is time|tonight|when)`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:attempted|attempt|tried) (?:suicide|to kill myself|to end my life|to end it|to die|to hang myself|to overdose)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:thinking|thought|thoughts|think) (?:about|of) (?:dying|death|not being here|not existing|killing myself|ending it|ending my life|suicide|being dead|disappearing forever)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:do not|dont) (?:really |even )?(?:see|have) (?:a|any) future|no future for me|(?:life|living) is (?:pointless|not worth it|meaningless)|not worth living|life is not worth`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:what is|whats) (?:even )?the point(?: of (?:anything|living|life|going on|trying|it all|being alive|me|existing))?(?: anymore)?`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:tired|sick|exhausted) of (?:living|life|existing|being alive|everything|it all|being here|breathing)`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:want|wish|wanna|wishing) {gap}(?:to )?(?:disappear|vanish|stop existing|not exist|fade away|just stop|it to stop|it all to stop|it all to end|everything to stop|everything to end|it to end|it to be over|it all to be over)`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:would|will|does|do|did) (?:anyone|anybody|people|they|she|he) (?:even )?(?:notice|care|miss me)|(?:world|anyone|they|people|nobody) (?:would|will|wouldnt|would not) (?:even )?(?:miss me|notice)|if i (?:was|were) gone (?:for good|forever)`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:how much longer|how long) (?:i|can i) (?:can )?(?:keep (?:doing|going|living)|do this|take (?:this|it)|last|hold on)|(?:do not|dont) know how much (?:more|longer) i (?:have in me|can take|can do)|(?:if|whether) i can (?:do|take) (?:this|it) (?:much )?(?:longer|anymore)`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`nothing (?:matters|matters anymore)|(?:feel|feeling) (?:so )?(?:empty|numb|hopeless|worthless)(?: all the time| inside| anymore)?|(?:nothing|never) (?:is )?(?:ever )?going to get better|no way out|(?:can not|cant|do not|dont) see (?:a|any) way out|waiting for it (?:all )?to (?:be over|end)`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`why (?:i am|im|am i) still (?:here|alive|around)|why i should (?:keep going|go on|bother|live)|not sure why i (?:bother|keep going|am still here)|(?:what if|if only) i (?:just )?(?:did not|didnt) exist|(?:if|once) i (?:just )?(?:stopped|stop) existing|easier if i (?:just )?(?:was not|wasnt|were not|werent) (?:here|around|alive)|(?:do not|dont) (?:really )?care (?:what happens to me|if i live|if i die|about living)`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:wish|hope|hoping|praying) (?:a|that a|the) (?:bus|car|truck|train|plane) (?:would )?(?:hit|hits|run over|crash)|(?:not|never) (?:turning|turn) at the (?:curve|bend|corner)|(?:crash|swerve) (?:into|off)|fading (?:out|away)|let it happen`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:giving|gave|give) away (?:a lot of |all of |most of |all )?(?:my|our)? ?(?:things|stuff|belongings|possessions|clothes)|(?:who|whom) gets my (?:stuff|things)|sorted (?:out )?my (?:accounts|passwords|affairs|will)|(?:tying|tie) up loose ends|(?:my|a) will (?:ready|written|sorted)|life insurance`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:i have|ive|have|got|made|making|with) (?:a|the) plan\b|(?:planning|planned|plan|plans) (?:how|when|where|my death|my suicide|it out|the day)|i know (?:how|when|where) (?:i will|ill|i am going to|im going to|i would) do it|decide when|(?:the|my) note is (?:written|ready|done)|going to do it|gonna do it|am doing it tonight|doing it tonight|(?:i am|im) not coming back|(?:do not|dont) try to stop me|(?:wont|will not) be (?:here|around) (?:for|by|next|tomorrow|much)`, RiskCrisis, fNoPast|fOwnNeg, KindSuicide),
		r(`(?:think|thinking|thought) about using (?:it|them|the gun|the rope|the pills)|(?:loaded|cleaned and loaded) (?:in|and|by)|(?:gun|revolver|pistol|rifle) (?:loaded|cleaned|in my (?:lap|hand|mouth))|(?:pills|tablets|razor|blade|rope|noose|gun|pistol) (?:lined up|ready|in my hand|on my desk|next to me|in front of me)|(?:lined up|counting) (?:the |my )?(?:pills|them)|(?:have|got|holding) (?:the|my|a) (?:pills|razor|blade|rope|pistol|gun)(?: ready| right here| now)?$|(?:in the bathroom|on the bridge|on the roof|on the ledge|on the platform) with (?:the|a|my) (?:razor|pills|rope|knife|gun)`, RiskCrisis, fNoPast, KindSuicide),
		r(`(?:climbed|climb|climbing|standing|stood|sitting|sat|hanging) (?:over|on|off) (?:the|a) (?:railing|ledge|edge|roof|bridge|balcony)|walk to the bridge|look down|(?:on|at) the (?:roof|top) of (?:my|the) (?:building|garage|parking)|standing on the platform|next train|going to jump|gonna jump|(?:i will|ill) jump|jump (?:off|from)|jumping off|(?:car|engine) running in (?:the|a|my) (?:closed )?garage|(?:in|inside) (?:the|my|a) (?:closed |locked |shut )?garage with the (?:car|engine) (?:running|on)|driving to the (?:lake|river|bridge|cliff|sea|ocean)|into the (?:lake|river|sea)`, RiskCrisis, fNoPast, KindSuicide).explainedBy(heightView),
		r(`how many (?:\S+ ){0,4}(?:pills|tablets|tylenol|advil|paracetamol|sleeping pills|of (?:my|her|his|the) (?:pills|meds)) (?:\S+ ){0,3}(?:it takes|would it take|to take|it would take|does it take|would kill|to die|to overdose|is enough|are enough)|(?:know|found out) the number now|(?:where|what) (?:she|he|mom|dad|my mom|my dad) keeps (?:her|his|the) (?:pills|gun|rifle|meds)`, RiskCrisis, fNoPast, KindSuicide),
		r(`(?:want|wanna) to (?:actually )?be dead|(?:want|wanting|wanted) to be gone (?:for good|forever)|grant (?:her|his|their) wish|(?:make|making) it to (?:18|my birthday|next year|christmas)|not (?:going to|gonna) make it to`, RiskCrisis, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:slam|slamming|slammed|bang|banging|banged|hit|hitting|punch|punching) my (?:head|fists|fist) (?:into|against|on) (?:the|a) (?:wall|floor|desk|door)|(?:scratch|scratching|scratched|pick|picking) (?:my )?(?:arms|skin|legs) until (?:they|it) bleed|(?:with|have) (?:the|a) (?:razor|blade)`, RiskCrisis, fNoPast, KindSelfHarm),
		r(`(?:what is|whats) (?:left )?(?:to live for|worth living for)|nothing (?:left )?to live for|(?:whats|what is) left for me`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:everyone|everybody|they|world|my family|people) (?:would|will) (?:be )?(?:fine|ok|okay|move on|not care|forget me) without me`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:kill|end|shoot) me (?:now|already|please)|please (?:just )?(?:kill me|let me die)|let me die`, RiskNone, fJokey, KindSuicide),
		r(`(?:i am|im) (?:done|finished) with (?:life|living|everything|it all|this life|existing)|(?:i am|im) done\b`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:burden|waste of space|waste of air|mistake) (?:to|on|for) (?:everyone|everybody|my family|the world)|i am a burden|im a burden|(?:everyone|everybody) hates me and`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:drive|driving|crash|crashing|swerve) (?:my car )?(?:into|off) (?:a|the) (?:tree|wall|bridge|cliff|traffic|oncoming)`, RiskCrisis, fUpgrade, KindSuicide),

		// Self-harm, present.
		r(`(?:cut|cutting|cuts|slit|slitting|slashed|slashing|sliced|slicing|burn|burning|burned|scratch|scratching|hurt|hurting|harm|harming|punish|punishing|bruise|bruising|carve|carving|starve|starving) {gap1}(?:myself|my self|my (?:arm|arms|wrist|wrists|leg|legs|thigh|thighs|skin|stomach|hips|body))`, RiskCrisis, fUpgrade, KindSelfHarm),
		r(`self harm|self harming|self harmed|self injury|self injure|selfharm|sh again|relapsed|relapse`, RiskCrisis, fTopic|fUpgrade, KindSelfHarm),
		r(`(?:started|start|back to|went back to|going back to) (?:cutting|burning|hurting myself|self harming|harming myself)(?: again)?|cutting again|(?:cut|burned|hurt) (?:myself )?again`, RiskCrisis, fNoPast, KindSelfHarm),
		r(`(?:razor|blade|blades|knife) {gap}(?:on|to|against|across) my (?:arm|arms|wrist|wrists|leg|legs|skin|thigh|thighs)`, RiskCrisis, fNoPast, KindSelfHarm),
		r(`(?:urge|urges|want|wanting|craving|need) to (?:cut|hurt myself|self harm|burn myself)`, RiskCrisis, fUpgrade, KindSelfHarm),
		r(`(?:cut|cutting|self harm|self harming|hurt myself|hurting myself|burn myself|burning myself) (?:\S+ ){0,12}(?:started|doing it|did it|relapsed|it|cutting) again`, RiskCrisis, fNoPast, KindSelfHarm),

		// Medical emergency.
		r(`(?:took|taken|swallowed|swallow|downed|ate|take|taking|injected|mixed) (?:too many|way too many|way too much|too much|a lot of|lots of|a bunch of|a bottle of|a whole bottle of|the whole bottle of|all (?:of )?(?:my|the|mums|moms|her|his)|a handful of|handfuls of|a (?:strip|pack|packet|box|sheet|blister|tub|jar) of|(?:strips|packs|packets|boxes) of|like \d+|about \d+|around \d+|\d+|twenty|thirty|fifty|forty|extra|double|half a bottle) {gap}{pills}`, RiskCrisis, fNoPast, KindMedical, KindSuicide),
		r(`(?:too much|too many|way too much) (?:of )?(?:my )?(?:insulin|pills|meds|medication)|(?:{pills}|xanax|oxy|fentanyl|heroin|pills) and (?:\S+ ){0,3}(?:vodka|alcohol|wine|beer|whiskey|drinks)|(?:downed|drank|swallowed|took) (?:\S+ ){0,4}(?:vodka|alcohol|wine|whiskey|gin|rum|tequila) (?:and|with) (?:\S+ ){0,4}{pills}|(?:turning|turned|is) blue|(?:barely|hardly) (?:breathe|breathing)|(?:sweaty|shaking) and confused|heart (?:is )?racing|(?:fentanyl|heroin|carfentanil)`, RiskCrisis, fNoPast|fOwnNeg, KindMedical),
		r(`{pills} {gap}(?:all at once|at once|to sleep forever|to not wake up)`, RiskCrisis, fNoPast, KindMedical, KindSuicide),
		r(`overdosed|overdosing|overdose|od d|oded|just od|drank bleach|swallowed bleach|drinking bleach`, RiskCrisis, fUpgrade|fTopic, KindMedical),
		r(`(?:can not|cant|cannot|could not) (?:breathe|stop the bleeding|feel my (?:legs|arms|face))|bleeding (?:a lot|heavily|badly|everywhere|wont stop|will not stop|and it)|(?:losing|lost) (?:a lot of )?blood|passing out|(?:chest|heart) (?:pain|hurts)(?: and)?`, RiskCrisis, fOwnNeg|fUpgrade, KindMedical),

		// Violence and threats from someone else.
		r(`(?:he|she|they|{fam}) {gap1}(?:is going to|gonna|will|would|is gonna|might|could|wants to|is trying to|tried to|threatened to|threatens to|threatening to|said he would|said she would|said they would|says he will|says she will|swore to|promised to) {gap1}(?:kill|murder|hurt|shoot|stab|strangle|choke|beat|end|get|harm|bury|break) (?:me|us|my|our)\b`, RiskCrisis, fThreat, KindViolence),
		r(`(?:he|she|they|{fam}) {gap1}(?:will|would|gonna|is going to|going to) kill me`, RiskCrisis, fThreat, KindViolence),
		r(`(?:he|she|they|{fam}) {gap1}(?:said|says|told me|threatened|threatens|swore)(?: that)? (?:he|she|they)(?: would| will| is going to| are going to| d| ll)? (?:kill|hurt|shoot|stab|murder|end|find) (?:me|us)`, RiskCrisis, fThreat, KindViolence),
		r(`(?:he|she|they|{fam}|someone|somebody|a man|a guy|a stranger|they all) {gap1}(?:{hurt}) (?:me|my face|my head|my neck|my arm|my arms|my body|us|my mom|my little|my sister|my brother|my kids|my son|my daughter)`, RiskCrisis, fThreat, KindViolence),
		r(`(?:hit|punched|kicked|choked|strangled|beat|slapped|shoved|attacked|stabbed|abused|hurt) me (?:again|last night|yesterday|today|tonight|this morning|and|so|until|when|every|because|for|in front)`, RiskCrisis, fThreat, KindViolence),
		r(`(?:he|she|they|{fam}) (?:hurts|hurt|is hurting|keeps hurting|has been hurting|was hurting) (?:me|us|my (?:little |baby )?(?:brother|sister|mom|son|daughter))`, RiskCrisis, fThreat, KindViolence),
		r(`next time (?:will be|is going to be|it will be|is gonna be|he will|she will|it will|it ll) (?:be )?(?:worse|the last|from the top)`, RiskCrisis, 0, KindViolence),
		r(`(?:he|she|they|{fam}) (?:\S+ ){0,5}(?:kill|murder|shoot|stab|strangle) (?:me|us)\b`, RiskCheck, fThreat, KindViolence),
		r(`(?:pointed|aimed|held|holding|points|pointing) (?:a |the |his |her |it )?(?:gun|knife|it|a weapon)? ?at me|(?:threw|throws|thrown) (?:boiling water|hot water|a knife|a glass|a chair|a bottle|bleach) at me|(?:broke|broken|break|breaks) my (?:arm|wrist|nose|ribs|rib|jaw|legs|leg|hand|fingers|mom s arm|moms arm)|said (?:i am|im) next|(?:be )?waiting for me in the|put me in the ground|(?:gonna|going to) regret this|slashed my tires|(?:burn|burned) (?:it|the house|us|the mosque|my car) (?:down|with)|with us inside|(?:shoved|pushed|threw) me (?:off|down|into|against|out)|(?:showing|shows|showed) up (?:outside|at) my (?:apartment|house|work|door|school|job)|(?:following|followed|follows) me home|tried to (?:open|break|get in) (?:my|the) door|banging on (?:the|my) door|(?:has|had|got|holding) (?:a|the|his|her) (?:bat|knife|gun|weapon)`, RiskCrisis, fOwnNeg, KindViolence),
		r(`(?:scared|afraid|terrified|frightened|fear|fearing|worried) {gap1}(?:for my life|for my safety|of what he will do|of what she will do|of what they will do|he will kill|she will kill|to go home|of him|of her|to leave|he is going to|she is going to)`, RiskCrisis, fThreat, KindViolence),
		r(`(?:not|do not|dont) feel safe (?:at home|in my home|in my house|with him|with her|with them|around him|around her|going home|here)|(?:i am|im) not safe|unsafe at home|fear for my life`, RiskCrisis, fOwnNeg, KindViolence),
		r(`(?:locked|locks|locking) me (?:in|out)|(?:wont|will not|doesnt|does not) let me leave|(?:took|takes|took away|hid) my (?:phone|keys|passport) so|(?:has|had|with|pulled|holding|held) (?:a|his|her) (?:gun|knife) (?:to|on|at|against)`, RiskCrisis, fOwnNeg, KindViolence),
		r(`(?:showed|shows|pointed|waved) (?:me )?(?:a|his|her|the) (?:gun|knife)`, RiskCrisis, 0, KindViolence),
		r(`(?:domestic violence|domestic abuse|abusive (?:relationship|partner|husband|wife|boyfriend|girlfriend|father|dad|mother|mom|home|household|stepdad))`, RiskCrisis, fTopic, KindViolence),
		r(`(?:bruises|bruise|black eye|marks|bleeding|broken (?:rib|nose|arm)) (?:from|that|where|because) (?:him|her|he|she|them|they|my)`, RiskCrisis, 0, KindViolence),

		// Sexual abuse and assault.
		r(`(?:raped|molested|groped|sexually assaulted|sexually abused) me|(?:i was|i got|i ve been|ive been|i have been|i m being|im being|i am being|got) (?:raped|molested|groped|sexually assaulted|sexually abused)`, RiskCrisis, fThreat, KindSexualAbuse),
		r(`raped|rape me|rapes me|raping me|sexually (?:assaulted|abused|harassed me|touched)|sexual (?:assault|abuse)|molested|molests|molesting|groped|gropes|groping me`, RiskCrisis, fTopic|fThreat, KindSexualAbuse),
		r(`(?:forced|forces|forcing|pressured|pressures|pressuring|made|makes|coerced|coerces) me (?:to|into)? {gap1}(?:have sex|sex|do sexual|sexual|sleep with|touch him|touch her|perform|give him|suck|undress|send nudes|watch porn)`, RiskCrisis, fThreat, KindSexualAbuse),
		r(`(?:touched|touches|touching|grabbed|grabs) (?:me|my (?:body|breasts|chest|butt|ass|bum|thigh|thighs|leg|legs|private|privates|crotch|boobs)) {gap2}(?:inappropriately|private|privates|breasts|chest|down there|between my legs|under my|without|when i said no|at night|in my sleep|while i slept)`, RiskCrisis, fThreat, KindSexualAbuse),
		r(`(?:comes|came|sneaks|sneaked|snuck) into my (?:room|bed) at night|(?:would not|wouldnt|did not|didnt) stop when i said no|forced (?:himself|herself) on me|(?:did not|didnt) take no for an answer|(?:did|does|made me do) (?:stuff|things) i (?:said no to|didnt want|did not want)|(?:put|slipped|spiked) (?:something )?(?:in|into) my drink|spiked my drink|woke up (?:in|next to) (?:a )?(?:stranger|strangers|someone)|(?:making|made|makes) me do (?:things|stuff)|only pass if i (?:slept|sleep) with|(?:sleep|slept) with (?:him|her) or|(?:wouldnt|would not|didnt|did not) let me (?:out|leave)|touches (?:her|him|me) when|touched (?:her|him|me) (?:when|while)`, RiskCrisis, fOwnNeg|fThreat, KindSexualAbuse),

		// Harm to others: the writer intends it.
		r(`(?:i|i am|im|i will|ill|i m) (?:going to|gonna|will|want to|wanna|about to|planning to|ready to|could|might) {gap1}(?:kill|murder|shoot|stab|strangle|hurt|poison|beat) (?:him|her|them|my|someone|somebody|everyone|people|that|this|the)`, RiskCrisis, fThreat, KindHarmOthers),
		r(`(?:thoughts|fantasies|fantasize|fantasizing|thinking) (?:about|of) (?:killing|hurting|stabbing|shooting) (?:him|her|them|my|someone|people)`, RiskCrisis, fThreat, KindHarmOthers),
		r(`(?:bring|bringing|take|taking) (?:a|my|dads|my dads|my dad|the|his|her) (?:gun|knife|rifle|pistol|shotgun) to (?:school|work|class)`, RiskCrisis, 0, KindHarmOthers),
		r(`(?:putting|put|slip|slipping) (?:something|poison|bleach|rat poison|pills) (?:in|into) (?:his|her|their|my \S+|my \S+ \S+) (?:food|drink|coffee|tea)|(?:make|making) (?:them|him|her) pay|(?:is|are|they are|theyre) (?:going|gonna) to pay for (?:it|this)|i have what i need|(?:knife|gun|bat) (?:ready|under my pillow|in my bag)|next time (?:i am|im|i will|ill) (?:stabbing|stab|shoot|shooting|hit|hitting) (?:him|her)|(?:hurt|hurting) (?:her|him) the way (?:she|he) hurt me|(?:know|knows) where (?:she|he|they) (?:parks|lives|live|works)`, RiskCrisis, fThreat, KindHarmOthers),

		// Someone else at risk.
		r(`{other} {gap6}(?:kill (?:himself|herself|themselves|themself)|suicide|suicidal|end (?:his|her|their) (?:own )?life|(?:wants?|wanna|going|gonna|trying) to die|(?:cut|cutting|cuts|burning|hurting|harming|hurt|harm) (?:himself|herself|themselves|themself|her arms|his arms|her wrists|his wrists)|self harm|self harming|overdosed|overdose|took (?:too many|a bunch of|all) {gap1}{pills}|not wake up|be better off dead|no reason to live)`, RiskCrisis, fThird|fOwnNeg|fTopic, KindSuicide),
		r(`(?:he|she|they) (?:wants?|wanna|is going|are going|is gonna|said (?:he|she|they) (?:wants?|would|was going)|keeps saying (?:he|she|they) (?:wants?|will)) {gap1}to (?:die|kill (?:himself|herself|themselves)|end (?:his|her|their) life|end it)`, RiskCrisis, fThird, KindSuicide),
		r(`(?:kill|killing|hurt|hurting|cut|cutting|harm|harming|shoot|shooting|hang|hanging) (?:himself|herself|themselves|themself)`, RiskCrisis, fThird|fTopic, KindSuicide),
		r(`(?:texted|messaged|called|told) me goodbye|(?:said|saying) goodbye and (?:\S+ ){0,4}(?:isnt|is not|not) answering|(?:fresh |new )?cuts (?:all )?(?:over|on) (?:her|his|their) (?:arms|wrists|thighs|legs|body)|(?:showed|show|shows|showing) me (?:her |his |their )?(?:fresh |new )?(?:cuts|scars|burns|wounds)|(?:she|he|they) (?:said )?(?:she|he|they)? ?(?:can not|cant) stop (?:cutting|doing it|hurting)|(?:blood|cuts) on (?:her|his|their) (?:sheets|arms|wrists)|(?:she|he|they) (?:can not|cant) stop (?:cutting|doing it)|(?:asked|asking) (?:me )?where (?:\S+ ){0,2}keeps (?:the|his|her) (?:gun|rifle|pills|shells|ammo)|(?:went|gone) (?:in)?to the garage and (?:\S+ ){0,2}(?:not|hasnt|has not|hasn t) come out|(?:done|so done) with life|a burden on (?:us|everyone|the family)|(?:she|he|they) (?:has|have|had) a plan|giving (?:her|his|their) (?:things|stuff|belongings) away`, RiskCrisis, fThird|fOwnNeg, KindSuicide),
		r(`(?:husband|boyfriend|wife|partner|dad|father|stepdad|he) (?:\S+ ){0,3}(?:beats|hits|hurts|chokes) her|(?:said|says) (?:he|she)(?: would| will| d| ll)? kill (?:her|him) if|(?:he s|he has|he is|hes) got a knife|(?:locks|locked|lock) (?:him|her|them) in (?:the|a) (?:closet|room|basement|cupboard)|(?:new|fresh) bruises every|(?:screaming|crying) through the wall|kneel on rice|left (?:me|us|them|him|her) alone (?:\S+ ){0,4}(?:days|no food)|(?:there is|theres) no food|(?:who|that) hits (?:her|him)|black eye|touches (?:her|him) when`, RiskCrisis, fThird|fOwnNeg, KindChildAtRisk, KindViolence),
		r(`(?:he|she|they|{other}) {gap1}(?:overdosed|is overdosing|took too many|is not breathing|isnt breathing|stopped breathing|wont wake up|will not wake up|is unconscious|passed out and)`, RiskCrisis, fThird, KindMedical),
		r(`(?:{fam}|he|she|they) {gap1}(?:hits|hit|hitting|beats|beat|beating|hurts|hurt|hurting|kicking|choking|burning|whipping|whips|touches|touched|abuses|abused|molests|molested|kicks|kicked|burns|burned|chokes|choked) (?:(?:my|our) (?:little |younger |baby |step |half )?(?:brother|sister|brothers|sisters|siblings|son|daughter|kids|kid|child|children|baby|cousin))`, RiskCrisis, fThird|fThreat, KindChildAtRisk, KindViolence),

		// A child harmed with an object, or marked by it: "beating him with a belt", "cigarette burns on his arms".
		r(`(?:beating|beats|beat|hitting|hits|hit|whipping|whips|whipped|smacking|smacks|spanking|spanks) (?:him|her|them|my \S+|our \S+|(?:his|her|their) (?:\S+ )?(?:kids|kid|son|sons|daughter|daughters|children|child|baby|boy|girl|stepson|stepdaughter)) with (?:a|the|his|her|an) (?:belt|stick|cane|cord|hanger|wooden spoon|spoon|shoe|slipper|ruler|wire|cable|hose|broom)|(?:covered in|full of) (?:\S+ )?(?:welts|bruises|burns)|cigarette burns|(?:burns|welts|bruises) (?:on|all over|across) (?:his|her|their) (?:arms|legs|back|body|face|hands|neck|bum|butt)`, RiskCrisis, fThird, KindChildAtRisk, KindViolence),
		// A child's sexual abuse told in everyday words: touching, "doing stuff to her", "makes her do", secrets.
		r(`(?:touching|touches|touched|fondling|fondles|fondled|feeling up) my (?:\S+ ){0,3}(?:son|daughter|kid|child|boy|girl|little sister|little brother|niece|nephew|grandson|granddaughter)|(?:touching|touches|touched|fondling|fondles|fondled|feeling up) (?:me|her|him)(?: and| when| in| at| under| private| privates| down there| every| again)|(?:touched|touching|touches) (?:his|her|their|my) (?:private|privates|private parts|genitals|penis|vagina|crotch|chest|breasts)|(?:doing|does|did|done) (?:stuff|things) to (?:her|him|me|them|my \S+)|(?:makes|made|making) (?:her|him|them) (?:do (?:stuff|things)|touch (?:him|her))|what (?:he|she) makes (?:her|him|me) do|sexually (?:abusing|abuses|abusive to)|(?:showed|shows|showing|exposed|exposes|exposing|flashed|flashes) (?:\S+ ){0,4}(?:his|her) (?:private parts|privates|penis|genitals|dick)|(?:exposed|exposes|exposing) (?:himself|herself)|(?:made|makes|making|told|tells|asked|asks|forced|forces) (?:me|him|her|them) (?:to )?(?:take (?:off )?(?:my|his|her|their) clothes(?: off)?|undress|get undressed|get naked|strip naked)|(?:drugged|roofied) (?:my|me|her|him)`, RiskCrisis, fThreat, KindSexualAbuse),
		r(`our (?:little )?secret|(?:a|their) (?:little )?secret (?:game|between (?:us|them)|from (?:mum|mom|dad|your|her|his|my))|secret game|(?:sit|sitting|sat) on (?:his|her) lap|(?:asks|asked|asking|wants|tells|told|makes) (?:her|him|me|them|my \S+|my \S+ \S+) to keep (?:it|this|things|what happened|(?:their|our|the|your) (?:chats|messages|texts|talks|conversations|photos)) (?:a )?secret|(?:is|she is|he is|im|i am) (?:1[0-7]|[5-9]) (?:and|but) (?:\S+ ){0,2}(?:dating|seeing|sleeping with|going out with|talking to|with) (?:a|an|this|some) (?:[2-9]\d)|(?:[2-9]\d) (?:year old|yo|yr old) (?:\S+ ){0,3}(?:and|but) (?:i am|im|she is|he is|they are) (?:1[0-7])`, RiskCheck, fThreat, KindSexualAbuse, KindChildAtRisk),
		// A medical emergency in progress: pills taken in any quantity word, someone collapsed, medicine withheld.
		r(`(?:took|taken|swallowed|downed|ate) (?:the|a|my|her|his) (?:whole|entire|full) (?:pack|packet|bottle|box|strip|blister|jar|tub|sheet)|(?:took|taken|swallowed|downed) (?:a handful|handfuls|the lot|all of them|them all)|(?:have|ve|just|already) (?:taken|took|swallowed) (?:the |all the |some |a lot of |loads of )?{pills}|(?:took|taken|swallowed) (?:the|those|all the|my) {pills} (?:\d+|an|a|half an|a few|few|ten|twenty|thirty) (?:min|mins|minutes|hour|hours|hr|hrs) ago`, RiskCrisis, fNoPast, KindMedical, KindSuicide),
		r(`(?:hides|hid|hidden|hiding|took away|takes away|taking away|withholds|withheld|withholding|keeps back|throws away|threw away|wont give me|will not give me|refuses to give me|stopped giving me) my (?:insulin|inhaler|epipen|epi pen|heart meds|heart medication|heart pills|seizure meds|seizure medication|meds|medication|medicine|pills|oxygen)`, RiskCrisis, fNoPast, KindMedical, KindViolence),
		r(`(?:just|has|have|suddenly|then) collapsed|collapsed (?:on|in|at|after) (?:the|a|his|her) |(?:collapsed|passed out|unconscious|unresponsive|not breathing|went limp) (?:after|from) (?:injecting|using|taking|shooting up|drinking|snorting)|(?:not|isnt|is not|wont|will not) (?:answering|responding|waking) (?:properly|right|at all)|(?:can not|cant) (?:keep|stay) (?:her|his|their|my) eyes open|(?:can not|cant|wont) stay awake`, RiskCrisis, fNoPast|fOwnNeg, KindMedical),
		r(`(?:is|s|are|was|he is|she is) (?:drunk|high|wasted|hammered) and (?:driving|behind the wheel|at the wheel)|(?:driving|drives|drove) (?:us|me|the kids|my \S+) (?:home )?(?:drunk|while drunk|high|while high)|(?:swerving|weaving) (?:\S+ ){0,4}(?:wont|will not|refuses to) (?:pull over|stop|let (?:us|me) out)`, RiskCrisis, fNoPast|fOwnNeg, KindViolence),
		// Suicide in the writer's own words and slang.
		r(`(?:i am|im|i m|i|i will|ill) (?:going to|gonna|about to|finna|ready to|want to|wanna|will|might) (?:just |finally |actually |really )?kill yourself|(?:top|topping|topped) (?:myself|himself|herself|themselves)|(?:step|stepping|jump|jumping|walk|walking|throw myself|throwing myself|lie|lying) in front of (?:the|a) next (?:one|train|bus|tram|truck|lorry)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`kill yourself to myself|(?:told|tell|telling|said|say|saying) (?:myself|to myself) (?:to )?(?:kill yourself|kill myself|die|go die)|(?:world|everyone|they|nobody|people|society|this country|this world|the world) (?:does not|doesnt|dont|do not|wont|will not) want (?:me|people like me|us|people like us) (?:alive|here|to exist|around|to live)`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:hope|hoping|wish|wishing|pray|praying) (?:\S+ ){0,2}(?:get|got|gets) (?:sick|ill|cancer|hit|run over|killed|in an accident|into an accident) (?:and|so) (?:\S+ ){0,2}(?:never|not|dont|do not) (?:recover|get better|wake up|come back|make it|survive)|(?:hope|hoping|wish|wishing|pray|praying) (?:i|that i) (?:get|got|catch) (?:sick|ill|cancer|hit|run over|killed|in an accident|something)`, RiskCheck, fOwnNeg|fUpgrade, KindSuicide),
		r(`(?:i am|im|i m) (?:standing |sitting |stood |sat )?(?:on|at) (?:the|a|this) (?:bridge|ledge|edge|rooftop|roof|cliff|cliff edge|tracks|train tracks|railway tracks|railway|overpass)$`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:cut|cutting|sliced|slicing|slit) (?:\S+ )?(?:deep|deeper|too deep|so deep|really deep|my wrists?)|(?:punch|punching|punched|punches|hit|hitting|hits|kick|kicking|slam|slamming|bang|banging|headbutt|headbutting) (?:the )?walls?(?: until| till| so hard| and|$)|(?:knuckles|fists|knuckle|fist) (?:are |is )?(?:\S+ ){0,2}(?:bleeding|messed up|busted|broken|bloody|swollen|raw|split)|addicted to (?:hurting|cutting|burning|self harm)|(?:kinda |really |still )?miss (?:cutting|hurting myself|self harming|the blade)|(?:mostly |basically |pretty much |almost |kind of |kinda )?stopped eating(?: (?:altogether|completely|entirely|again|properly|for days))?$`, RiskCheck, fUpgrade, KindSelfHarm),
		// Violence: strangling (a mark of lethal danger), a weapon taken up in a fight, an abuser present now, injuries.
		r(`(?:hands|hand|fingers) (?:around|round|on) (?:my|her|his) (?:neck|throat)|by (?:the|my|her|his) (?:throat|neck)|(?:strangled|choked|strangling|choking|strangles|chokes|throttled) (?:me|her|him|them|my \S+)(?: until| till| last| again| so|$| and| when)`, RiskCrisis, fThreat, KindViolence),
		r(`(?:he|she|they|{fam}) {gap1}(?:picked up|grabbed|pulled out|pulled|took out|got out|reached for|came at me with|went for|was holding|is holding|waved|brandished) (?:a|the|his|her) (?:kitchen |big |bread )?(?:knife|gun|bat|hammer|machete|blade|axe|scissors|pistol|rifle)`, RiskCheck, fThreat, KindViolence),
		r(`(?:is|are) (?:in|inside|outside|at|in front of) (?:my|our) (?:house|home|apartment|flat|door|front door|window|driveway|bedroom|room|work|car) (?:right now|now)`, RiskCheck, fThreat, KindViolence),
		r(`(?:is|are) (?:in|inside|outside|at|in front of) (?:my|our|her|his|the) (?:house|home|apartment|flat|door|front door|window|driveway|bedroom|room|work|car) with (?:a|his|her) (?:gun|knife|bat|weapon)|(?:i am|im|i m|we are|were) (?:hiding|locked|hidden|shut) (?:in|under) (?:the|my|a) (?:closet|wardrobe|bathroom|bed|cupboard|car|basement|attic|toilet|room)|(?:i am|im|i m) in (?:the|my) (?:closet|wardrobe|cupboard|attic)$`, RiskCrisis, fOwnNeg, KindViolence),
		r(`(?:grabs|grabbed|grabbing|squeezes|squeezed|twists|twisted|pins|pinned|yanks|yanked) (?:me|my (?:wrists?|arms?|neck|throat|hair|face|jaw)) (?:\S+ ){0,2}(?:hard|so hard|until|till|down)|(?:has|have|it has|its|it s|it is) left (?:marks|bruises|a mark|a bruise|welts)|bruises? (?:on|around) (?:her|his|their) (?:neck|throat|face|arms?|wrists?|eye)|(?:locks|locked) the (?:front |back )?door (?:\S+ ){0,5}(?:only (?:he|she|they) (?:has|have)|(?:his|her) key)|(?:key|keys) only (?:he|she) (?:has|have)|(?:doesnt|does not|wont|will not) let (?:her|him|them) see (?:us|anyone|her family|his family|her friends|his friends)`, RiskCheck, fThreat, KindViolence),
		// Harm to others: a plan with a weapon or a step towards it, the writer's or someone else's.
		r(`(?:bringing|bring|taking|take|carrying|carry) (?:\S+ ){0,2}(?:gun|rifle|pistol|knife|shotgun|weapon|machete) (?:in|into|to)\b|(?:going to|gonna|will|ill|about to|planning to) (?:\S+ ){0,8}and (?:kill|stab|shoot|strangle|murder|attack) (?:him|her|them|everyone|my \S+|the \S+)`, RiskCrisis, fThreat, KindHarmOthers),
		r(`(?:he|she|they|{other}) (?:said |says |keeps saying |told me )?(?:he is|she is|hes|shes|they are|is|he s|she s)? ?(?:going to|gonna|will|wants to|about to|planning to) (?:kill|stab|shoot|murder|hurt) (?:his|her|their) (?:\S+ ){0,1}(?:{fam}|kids|bully|classmates?)`, RiskCrisis, fThird, KindHarmOthers),
		r(`(?:picture|imagine|imagining|picturing|visualize|visualise|visualizing|fantasize about|fantasise about|daydream about|dream about|dreaming about) (?:\S+ ){0,1}(?:hurting|killing|stabbing|shooting|strangling|punching|beating|attacking|poisoning) (?:him|her|them|my|someone|people|the)`, RiskCheck, fUpgrade, KindHarmOthers),
		// A child left in danger: outside at night, alone, crying for hours.
		// Indirect crisis, by category: a method with a time or place, a goodbye, a threat quoted or acted on,
		// strangling, being locked in, a child's disclosure in a child's words, an emergency happening now, and a
		// plan to hurt someone. Each names the category broadly, not one message's words.
		r(`(?:i am|im|i m|i ve|ive|i have|am) (?:\S+ ){0,2}(?:on|at|by|parked at|parked by|standing on|standing at|sitting on|sitting at|stood on|sat on) (?:the )?(?:bridge|cliff|cliffs|cliff top|cliff edge|quarry|viaduct|overpass|railway line|train tracks|tracks|top of the multi storey|multi storey roof)|(?:going|heading|walking|driving|off) to the (?:bridge|cliff|cliffs|cliff top|quarry|viaduct|tracks|railway line|river|multi storey) (?:\S+ ){0,4}(?:tonight|at midnight|now|today|after|so|when|at \d+)|(?:sitting|standing|stood|sat) (?:at|on) the edge$|\d+ ?(?:ft|feet|foot|m|metre|metres|meter|meters) drop|(?:tonight|today) (?:i am|im|i m) not coming (?:back )?down|not coming (?:back )?down (?:tonight|today|this time)`, RiskCrisis, fNoPast|fUpgrade, KindSuicide),
		r(`(?:know|knows|picked|chosen|chose|worked out) (?:exactly )?where (?:i d|i would|i will|ill|i ll|to) (?:stand|jump|step off|step out|go in)|(?:step|stepping|walk|walking|jump|jumping) in front of (?:a|the) (?:lorry|van|tram|coach|traffic|truck|train|bus)`, RiskCrisis, fNoPast|fUpgrade, KindSuicide),
		r(`loaded (?:\S+ ){0,3}(?:gun|shotgun|rifle|pistol|revolver)|(?:garage|hose|rope|noose) is (?:all )?(?:ready|set up|in the car)|(?:made|making|make|tied|tying) (?:\S+ ){0,1}(?:a |the )?(?:noose|rope)`, RiskCrisis, fNoPast|fUpgrade, KindSuicide),
		r(`(?:wont|will not|won t) be (?:a )?(?:problem|burden|bother|trouble) (?:for|to) (?:anyone|anybody|you|them|everyone|anybody)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`bye (?:everyone|everybody|discord|world|all)`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:googling|googled|searching|searched|looking up|looked up|researching|researched) (?:\S+ ){0,2}(?:how much|how many|lethal dose|fatal dose|overdose)`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:drunk|drank|drink|drinking|swallowed|took|taken|ate|eaten) (?:\S+ ){0,2}(?:pesticide|weedkiller|weed killer|rat poison|antifreeze|paraquat|insecticide|drain cleaner|poison)`, RiskCrisis, fNoPast, KindMedical, KindSuicide),
		r(`(?:i|i ve|ive|i have|i keep|i m|im|i am)(?: been)? (?:punching|punched|punch|hitting|slamming|slammed) (?:the )?walls?|(?:pick|picking|picked|scratch|scratching|scratched|dig|digging) (?:at )?(?:my )?(?:arms|skin|legs|face) (?:until|till|til) (?:they|it) (?:bleed|bleeds|bled)`, RiskCheck, fUpgrade, KindSelfHarm),
		r(`foaming at the mouth|went floppy|gone floppy|(?:passed out|collapsed|unconscious) and (?:is )?not (?:responding|breathing)|(?:can t|cant|cannot|could not) (?:wake|rouse) (?:her|him|them) up|(?:fell|fallen|collapsed) (?:\S+ ){0,6}(?:can t|cant|cannot) (?:move|get up|stand)|blood (?:on|from|coming from) (?:her|his|my) head|having a (?:heart attack|stroke)|chest (?:is )?crushing|crushing (?:chest|pain)`, RiskCrisis, fNoPast, KindMedical),
		r(`(?:just|has|again|already) (?:let|lets) (?:himself|herself|themselves) in|hiding (?:in|inside) (?:the|my|a) (?:wardrobe|closet|bathroom|cupboard|attic|toilet|car)|hiding under (?:the|my) bed|hiding from (?:him|her|them) (?:in|now|right now)|finish what (?:he|she|they) started|kill (?:me|us|her|him) and (?:say|make it look|call it|pretend)|(?:hands?|arm|rope|belt|cord) (?:round|around) my (?:neck|throat)|(?:keeps|kept|keeping|has|have) (?:me|us|her|him) locked (?:in|up)`, RiskCrisis, 0, KindViolence),
		r(`(?:coming|driving|on his way|on her way|coming over|coming round|driving here|coming here) (?:\S+ ){0,3}to (?:teach me a lesson|sort me out|deal with me|hurt me|get me)|(?:pics|photos|pictures|videos) of (?:a|his|her|the) (?:knife|knives|weapon|machete)|(?:brought|brings|bring|put|left|placed|laid) (?:a|his|her|the) (?:gun|knife|machete|rifle|pistol) (?:\S+ ){0,4}(?:on the table|to the house|in front of me|on the bed)`, RiskCrisis, 0, KindViolence),
		r(`(?:is|s|are|re) (?:beating|hitting|strangling|choking|kicking|punching|attacking|hurting) (?:her|him|them|my \S+) (?:right now|now|as we speak|in the next room|downstairs|upstairs)|(?:i can|can) hear (?:her|him|them) screaming`, RiskCrisis, fThird, KindViolence),
		r(`(?:not allowed|must not|mustn t|mustnt|not supposed|can t|cant|cannot|never) (?:to )?tell (?:mommy|mummy|mum|mom|daddy|dad|mama|papa|about the (?:bath|game|games|secret|touching))|(?:bath|bathtime|tickling|tickle|naked) (?:game|games)|(?:hand|hands) (?:on|over) (?:her|his|my) mouth so|(?:shakes|shook|shaking) (?:\S+ ){0,2}baby|(?:alone|on their own|by themselves) (?:in the (?:flat|house|apartment) )?for (?:\d+|two|three|four|five|several|a few) days|(?:marry|married off to|marriage to) (?:a|an|some) (?:\S+ ){0,2}(?:man|guy|stranger) (?:she s|she has|he s|he has|i ve|i have|she|he|i) never met`, RiskCrisis, fThird, KindChildAtRisk, KindViolence),
		r(`(?:want|wanted|urge|urges) to (?:throw|shake|smother|drop) (?:him|her|my baby|the baby|my son|my daughter)`, RiskCrisis, 0, KindHarmOthers, KindChildAtRisk),
		r(`(?:send|sends|post|posts|share|shares|show|shows) (?:the )?(?:old )?(?:ones|pics|photos|pictures|nudes|videos) (?:to|with) (?:my|her|his) (?:parents|mum|mom|dad|family|school|friends)|(?:more )?(?:pics|nudes|photos) or (?:he|she|they) (?:will |ll )?(?:send|post|share)`, RiskCrisis, 0, KindSexualAbuse),
		r(`(?:taking|take|bringing|bring|carrying) (?:the|a|my|his|her) (?:machete|knife|gun|bat|axe|crowbar) (?:round|over|down) (?:there|to)|(?:wont|will not|won t) live to see|know (?:her|his|their) routine`, RiskCrisis, 0, KindHarmOthers),
		// Goodbyes and last arrangements in other words than "goodbye": a letter to whoever finds it, the last
		// time one bothers anyone, the funeral prepared, the work of a life declared done.
		r(`(?:to|dear) whoever (?:finds|find) (?:me|my body)|whoever finds (?:me|my body)|(?:this is|its|it s|this will be|that was) the last time (?:i|you ll|you will|youll) (?:bother|annoy|burden|trouble|hear from|ever hear from) (?:anyone|any of you|you all|you guys|you|everyone|anybody|me|u)`, RiskCrisis, fUpgrade, KindSuicide),
		r(`(?:dear|to) whoever (?:finds|find) this|(?:playlist|songs|music|outfit|clothes|flowers|readings?) (?:\S+ ){0,2}(?:for|at) my (?:own )?funeral|(?:done|finished|did) (?:all |everything )?what i (?:needed|had|came|was meant) to do (?:here|in this life|on this earth)`, RiskCheck, fUpgrade, KindSuicide),
		// A lethal amount worked out for oneself; how dying by a method feels or how long it takes.
		r(`(?:lethal|fatal|deadly) (?:dose |amount )?for (?:my|someone my) (?:weight|size|body)|(?:worked out|figured out|calculated|looked up|know) (?:exactly )?how (?:much|many) (?:\S+ ){0,3}(?:is|are|would be|it takes to be) (?:lethal|fatal|deadly)`, RiskCrisis, fNoPast|fUpgrade, KindSuicide),
		r(`(?:does it|would it|will it) hurt to (?:drown|die|hang|bleed out|jump|overdose|od|suffocate)|how long (?:does it|would it|will it) take to (?:bleed out|drown|die|suffocate|hang)|what (?:does it|would it) feel like to (?:drown|die|bleed out|hang)`, RiskCheck, fUpgrade, KindSuicide),
		// Other languages members write in, said plainly.
		r(`je (?:veux|voudrais|vais) (?:mourir|me tuer|me suicider|en finir)|envie de (?:mourir|me tuer|en finir)|(?:je suis|suis) sur le pont maintenant|(?:me quiero|quiero) (?:morir|matarme|suicidarme)|voy a (?:matarme|suicidarme)|ich (?:will|möchte|moechte) (?:sterben|nicht mehr leben)|ich (?:bringe|bring) mich um|(?:quero|vou) (?:morrer|me matar)`, RiskCrisis, fOwnNeg|fUpgrade, KindSuicide), // English negators are no negation here: "ya no puedo más, me quiero morir"
		// Cutting as the thing one goes to do, at the end of what one says.
		r(`(?:go|went|going|run|ran|lock myself|locked myself) (?:\S+ ){0,5}and cut(?: myself| again)?$`, RiskCrisis, fNoPast, KindSelfHarm),
		// Sex forced past a no, or pressed for until one gives in.
		r(`(?:keeps|kept|keep) forcing (?:me|himself on me|herself on me)|(?:forces|forced|forcing) (?:me|himself on me) (?:\S+ ){0,3}(?:when|even when|after|though|even though) i (?:say|said|tell him|told him) no|i (?:say|said) no (?:and|but) (?:he|she|they) (?:does|did|do|keeps|kept|carries on|carried on|goes on|went on)(?: it)?(?: anyway)?|(?:does|did|do) it anyway (?:when|after|even when|even though|though) i (?:say|said) no`, RiskCrisis, fNoPast, KindSexualAbuse),
		r(`(?:pressures|pressured|pressuring|pushes|pushed|pushing) me (?:\S+ ){0,2}(?:to )?do (?:stuff|things|something|sexual things) i (?:dont|don t|do not|didnt|didn t) want`, RiskCheck, 0, KindSexualAbuse),
		// Papers taken by an employer or a partner: a sign of trafficking and control.
		r(`(?:keeps|kept|took|takes|taken|has|holds|holding|hid|hides|locked up) (?:my|our|her|his|their) (?:passport|passports|papers|id cards|documents|visa)`, RiskCheck, fThreat, KindViolence),
		// Threats said plainly enough: someone waiting outside, a warning of what comes next.
		r(`(?:parked|waiting|standing|sitting|lurking) (?:right )?outside (?:my|our) (?:house|home|flat|apartment|door|building|window|work)|(?:wait|waiting) for me after (?:my|the) (?:shift|work|class|school)|or else$|(?:sort|sorts|sorting) (?:me|us|her|him) out (?:\S+ ){0,12}(?:fists|fist|beating|knife|bat)|(?:said|says|told us|tells us) (?:we|i) (?:are|re|m|am|will be|ll be) next|(?:dont|don t|do not) deserve to live`, RiskCheck, fThreat, KindViolence),
		// blind9's misses, by category. Passive wishes not to exist, said sideways.
		r(`(?:press|push|pressed|pushed) a button (?:and|to) (?:stop existing|not exist|disappear|never wake up|be gone)|not exist for a (?:bit|while)|(?:fall asleep|sleep) for (?:a year|a month|months|years|a decade) (?:or|and) (?:forever|never wake up)|(?:does|would|will) (?:anyone|anybody) (?:\S+ ){0,2}care if i(?: m| am|m)? (?:here|gone|alive|around|not)|(?:dont|don t|do not|cant|can t|cannot) see the next (?:part|chapter|year|bit)|(?:dark|bad|intrusive) thoughts (?:are )?(?:back|coming back|returning)`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:feels?|feeling|felt) like (?:i m |im |i am |being |i was )?(?:already )?dead(?: already| inside)?|(?:already|just) dead inside`, RiskCheck, fJokey, KindSuicide),
		// Someone saw the marks of self-harm.
		r(`(?:saw|seen|noticed|found|sees|notices) my (?:fresh |new |old )?(?:cuts|scars|marks|burns|self harm)`, RiskCheck, fUpgrade, KindSelfHarm),
		// A gun got outside the law.
		r(`(?:sell|sold|selling|sells) me a (?:gun|pistol|rifle|firearm|piece)|(?:got|bought|buy|buying) (?:a|one) (?:gun|pistol|piece) (?:off|from) (?:a|some|this|my) (?:\S+ )?(?:guy|man|dealer|friend|contact)`, RiskCheck, fUpgrade, KindSuicide, KindHarmOthers),
		// Self-harm tools bought again after a time without.
		r(`(?:bought|buying|got|getting|picked up) (?:a )?(?:pack of |new |some )?(?:razors|razor blades|blades|a razor)`, RiskCheck, fUpgrade, KindSelfHarm),
		// Violence in other languages, and a threat for tonight in plain broken English.
		r(`me (?:pego|pega|golpea|golpeo|golpeó|pegó)|(?:he|she|they) (?:kills|kill|killing|will kill|ll kill|gonna kill|going to kill) me tonight|tonight (?:he|she|they) (?:kills|kill|will kill|ll kill|gonna kill) me`, RiskCrisis, fOwnNeg|fNoPast, KindViolence),
		r(`me (?:va|quiere|van) a matar|il va me tuer|er bringt mich um`, RiskCheck, fOwnNeg|fThreat, KindViolence),
		// Threats in their stock phrases.
		r(`sleep with one eye open|(?:find|hunt|track) me (?:down )?wherever|teach (?:a|us|them|her|him|me|my \S+) (?:a )?lesson|go postal|going postal`, RiskCheck, fThreat, KindViolence),
		r(`(?:threw|throws|hurled|hurls) (?:a|the|his|her) \S+ at (?:me|my head|my face)`, RiskCheck, fThreat, KindViolence),
		r(`(?:someone|somebody|people|somebody s|someone s|someones) (?:is |are )?(?:going to |gonna |s |getting )?(?:get |getting )?hurt(?: soon| this time)?$|or worse$`, RiskCheck, 0, KindHarmOthers),
		// A child's injuries with a story, a small child hit with things, a baby left alone.
		r(`(?:comes|came|coming) (?:back|home) (?:from (?:\S+ ){1,3})?with (?:bruises|marks|burns|a black eye)|(?:spanks|hits|smacks|beats) (?:his|her|their|my) (?:\d+ (?:year old|yr old|yo)|toddler|baby|little one) (?:\S+ ){0,2}with|(?:never|dont|don t|cant|can t|can not|cannot) hear (?:an|any) (?:adult|grown up|parent)`, RiskCheck, fThird, KindChildAtRisk),
		// A threat dressed as a saying ("accidents happen in kitchens"): a counselor asks what they mean.
		r(`(?:says|said|saying|say|tells me|told me|telling me|reminds me|reminding me|hints|hinted|hinting|warns|warned|warning|jokes|joked|joking) (?:\S+ ){0,2}(?:that )?(?:accidents happen|(?:it )?(?:would|d) be a (?:shame|pity) if (?:something|anything)|(?:people|women|wives|girls) (?:fall|trip|slip) down (?:the )?stairs|you know what happens to)|accidents happen to (?:wives|women|girls|people who|those who|snitches)`, RiskCheck, 0, KindViolence),
		// A child married off, or a marriage forced on anyone: 15 and under is a child at risk now; 16 and 17 a
		// counselor checks; an adult forced to marry is asked about violence.
		r(minorMarried(`(?:[4-9]|1[0-5])`, false)+`|child (?:bride|marriage)`, RiskCrisis, fNoPast|fThird, KindChildAtRisk),
		r(minorMarried(`(?:[4-9]|1[0-5])`, true), RiskCrisis, fNoPast, KindChildAtRisk),
		r(minorMarried(`(?:16|17)`, false), RiskCheck, fThird, KindChildAtRisk),
		r(minorMarried(`(?:16|17)`, true), RiskCheck, 0, KindChildAtRisk),
		r(`(?:forced|forcing|force|forces|making|makes|made|pressuring|pressure) (?:her|him|me|them|my \S+) (?:\S+ ){0,3}(?:to )?marry|marry (?:her|him|me|them) off|married (?:her|him|me|them) off|forced (?:marriage|wedding)`, RiskCheck, 0, KindViolence),
		r(`scared of what (?:i ll|ill|i will|i might|i d|i would|i could) do|(?:going to|gonna|about to|will|ll) (?:lose it and |snap and |flip and |lose my (?:temper|cool|mind|shit) and )?do something (?:i ll|ill|i will|i d|id|i would|i might|i|i will really|i ll really)? ?(?:regret|be sorry for)|(?:not|wont|won t|cant|can t|cannot) (?:be )?(?:held )?responsible for what i (?:do|ll do|will do|might do|would do)|(?:think|thinking|dream|dreaming) about (?:getting|get) (?:them|him|her) back|(?:get|getting|take|taking) revenge`, RiskCheck, fUpgrade, KindHarmOthers),
		r(`(?:1[0-7]) (?:year old|yo|yr old) (?:\S+ ){0,3}(?:dating|seeing|sleeping with|going out with) (?:a|an|this|some) (?:man|guy|adult|grown man)|(?:brushing|brushes|brushed|rubbing|rubs|rubbed|pressing|presses|pressed) (?:up )?against me`, RiskCheck, fThird, KindSexualAbuse),
		r(`(?:he|she|they|kid|child|son|daughter|grandson|granddaughter|boy|girl) (?:\S+ ){0,1}(?:flinches|flinched|cowers|cowered)|not allowed to eat|(?:always|keeps|has|s) (?:got |getting |coming in with |turning up with )?(?:new )?bruises`, RiskCheck, fThird, KindChildAtRisk),
		r(`(?:driv\S*|speeding|ride|riding) (?:\S+ ){0,2}too fast on purpose|(?:stopped|stop|not|dont|don t|never) (?:wearing|bothering with|putting on) (?:my |a )?seatbelt`, RiskCheck, fUpgrade, KindSuicide),
		r(`(?:kid|child|children|kids|baby|toddler|boy|girl) (?:is |are )?(?:always |often |left )?(?:outside|alone|crying|screaming|locked out) (?:\S+ ){0,3}(?:late at night|at night|all night|for hours|in the cold|without food)`, RiskCheck, fThird, KindChildAtRisk),
	}
}

// idioms are figures of speech with frightening words; they are blanked out before the risk rules run.
var idioms = `\b(?:` + strings.Join([]string{
	`(?:is|are|was|were|it is|its|this|that|these|those|they|the \S+|my \S+|work|school|traffic|homework|deadline|deadlines|commute|exams?|finals|heat|weather|suspense|job|boss|meeting|meetings|kids|baby|back|feet|head|shoes|knees|hangover) (?:is |are |was |s |were |honestly |literally |really |actually |just )?(?:killing|murdering|killin) me`, `(?:it is|its|this|that|these|those|the \S+|my (?:feet|back|head|knees|shoes|job|commute|legs|neck|hangover|schedule|exams?|homework|allergies|cramps|period)|work|school|traffic|homework|deadline|deadlines|commute|exams?|finals|heat|weather|suspense|job|boss|meeting|meetings|kids|baby|back|feet|head|shoes|knees|hangover) (?:is |are |was |s |were |honestly |literally |really |actually |just |gonna |going to )?(?:killing|kill|murdering|killin) me`,
	`killing (?:it|them|time|the game|the vibe)`, `(?:i ll|ill|i will|i could|could|can|gonna|going to|i d|id) (?:just )?die happy`, `(?:would|d|i would|id|could|to) (?:literally |honestly |actually |totally |so )?(?:kill|murder|die) for (?:a|an|some|that|this|the|one|my|more|another|his|her|good|\S+)`,
	`dying (?:to|for) (?:see|know|try|meet|hear|get|go|watch|eat|read|tell|ask|a|an|some|the|this|that|have|find|visit|play|talk|start)`,
	`(?:died|dying|die|dead|crying) (?:of|from|with|laughing|of laughter|of embarrassment|of boredom|of shame|of cringe)`,
	`(?:bored|scared|worried|tired|freezing|sick) to death`, `to die for`, `dead (?:tired|serious|wrong|end|line|lines|weight|set|beat|last|center|on)`,
	`drop dead (?:gorgeous|beautiful)`, `killer (?:app|deal|workout|outfit|view|idea)`, `(?:shoot|shot) (?:me|you|him|her) (?:an|a|the) (?:email|text|message|dm|line|note|call)`,
	`shot (?:a|the|some) (?:photo|photos|video|pic|hoops)`, `(?:blow|blowing|blew) (?:off|up) (?:my|the) (?:phone|steam)`, `killed (?:it|the)`,
	`dead (?:battery|phone)`, `(?:phone|battery|laptop|car|plant|plants|houseplant|game|character) (?:is|was|just)? (?:dead|died|dying)`,
	`i (?:am|m) (?:so |literally |actually )?dead`, `(?:overdosed|overdose|od|overdosing) on (?:coffee|caffeine|sugar|candy|chocolate|netflix|tv|anime|pizza|energy drinks|memes|flat whites|lattes|espresso|coffees|red bull|monster|tea|cake|carbs)`,
	`over my dead body`, `the death of me`, `dying (?:inside|of thirst)`, `dead ringer`, `(?:hungry|tired|embarrassed|happy|excited|bored) (?:that )?i could (?:just )?die`,
	`(?:plant|plants|wifi|wi fi|phone|battery|laptop|car|flowers|garden|tree|fish|internet|connection|signal|houseplants|succulents|printer|computer|tv) (?:\S+ ){0,3}(?:dying|died|dead|die)`,
	`rather die than (?:go|do|sit|attend|eat|work|spend|listen|watch|wear|be seen)`,
	`(?:cut|cutting) (?:my|the|his|her) (?:hair|bangs|losses|hours|pay|costs|budget|time)`, `cutting (?:class|school|corners|onions|vegetables|coupons|hair|the grass|the lawn|wood|paper|fabric|back)`, `(?:cut|cutting) (?:me|us) (?:off|out|some slack)`,
	`cut (?:down|back|ties)`, `end (?:things|it|stuff) (?:with|between)`, `(?:ended|end|ending) things (?:on|amicably|mutually|last|after|because|when)`, `(?:end|ending|ended) (?:the|our|my) (?:relationship|affair|thing|marriage|engagement|contract|call|meeting|day|shift)`, `hurt (?:my|his|her) (?:feelings|pride|back|knee|ankle|wrist playing|shoulder)`, `my (?:back|knee|feet|head|stomach) hurts`,
	`(?:beat|beats|beating|beaten) (?:me|us|him|her) (?:at|in) `, `(?:beat|beats|beating) (?:the|my) (?:record|game|level|boss|traffic|odds)`,
	`(?:kill|killed|killing) (?:a|the|some) (?:spider|bug|bugs|mosquito|fly|game|boss|zombie|zombies|enemy|enemies|time|character|plant|plants|vibe|mood|lights|engine|process)`,
	`(?:bomb|bombed) (?:the|my|that) (?:test|exam|interview|presentation)`, `(?:suicide|kamikaze) (?:squad|mission|doors|run)`,
	// Plans, letters and giving things away for ordinary reasons.
	`plan (?:to|for) (?:quit|leave|start|move|save|pay|get|find|study|learn|build|open|launch|apply|change|switch|finish|buy|sell|travel|lose|fix|talk to|tell|confront|ask|escape|retire|set up|improve|stand up|deal with|handle|go back to|return|negotiate|report|my (?:career|business|future|finances|wedding|trip|move|exit)|the (?:wedding|trip|move|weekend|holidays|meeting|party|future|business))`,
	`(?:letter|email|note|message) (?:to|for) (?:my |the |our )?(?:boss|manager|landlord|teacher|principal|council|school|hr|company|employer|mp|doctor|gp|lawyer|insurer|insurance|bank|university|uni|college|editor|union|supervisor|team|recruiter|professor|tutor|coach|client|clients|director|ceo)`,
	`(?:giving|gave|give) (?:away )?(?:\S+ ){0,3}(?:because|since|as|cause|before) (?:\S+ ){0,2}(?:moving|move|downsizing|decluttering|declutter|clutter|minimalist|selling)`,
	// Rage at things and games, and the hyperbole of "I could strangle him for...".
	`(?:kill|murder|strangle|shoot|stab|throttle|unalive|destroy) (?:the|my|this|that|our) (?:printer|computer|laptop|phone|wifi|router|microwave|alarm|alarm clock|code|tv|fridge|toaster|website|app|server|spreadsheet|photocopier|copier|vending machine|coffee machine|software|keyboard)`,
	`(?:kill|murder|unalive|destroy|end) (?:this|the|that|their|everyone in (?:the|this)|everybody in (?:the|this)) (?:whole )?(?:lobby|match|game|server|team|squad|raid|round|level)`,
	`could (?:literally |honestly |just |actually |seriously |so )?(?:kill|strangle|murder|throttle|choke|smack|slap) (?:him|her|them|my \S+|\S+) (?:for|sometimes|lol|haha)`,
	`(?:bruise|bruises|bruised|cut|cuts|scratch|scratches|scrape|scrapes|graze|burn|burns) (?:\S+ ){0,4}(?:from|at|during|playing) (?:volleyball|football|soccer|basketball|rugby|hockey|netball|training|practice|the gym|gym|climbing|cooking|the oven|hiking|skating|skateboarding|a fall|falling|my cat|the cat|the dog|my dog|shaving|gardening)`,
	`surprise (?:party|birthday|gift|present|proposal|visit|trip) (?:\S+ ){0,8}secret`,
	// Taking medication as prescribed, and a partner who keeps his whereabouts to himself, are not risk words.
	`(?:took|take|taking|takes) my (?:meds|medication|pills|tablets|medicine) (?:\S+ ){0,3}(?:like|as) (?:my |the )?(?:doctor|gp|psychiatrist|pharmacist) (?:said|says|told me|prescribed)|as prescribed`,
	`(?:wont|won t|will not|doesnt|does not|didnt|did not) tell me where (?:he|she|they) (?:went|goes|go|was|were|is|are|has been)`,
	`(?:strangled|choked|squeezed|crushed|smothered) (?:me|him|her|us) (?:with|in) (?:a|his|her) (?:hug|bear hug|cuddle|pillow fight)`,
	`disappear (?:to|for|on) (?:a|an|the|some) (?:cabin|island|beach|month|week|weekend|few|holiday|vacation|trip|bit|while|couple|year|retreat)`,
	`(?:commenting|comments|remarks|remarking|jokes|joking) (?:on|about) my (?:body|looks|weight|appearance|clothes|outfit|figure) (?:\S+ ){0,4}(?:told|asked) (?:him|her|them) to stop`,
}, "|") + `)\b`

// serious markers mean the words are meant literally.
const serious = `\b(?:(?:do not|dont) think (?:he is|she is|they are|hes|shes|he s|she s) joking|(?:he is|she is|hes|shes|he s|she s|they are|was|is) not joking|(?:wasnt|isnt) joking|i mean it|not (?:even )?(?:joking|kidding|a joke|a meme|exaggerating)|(?:i am|im) (?:serious|being serious|dead serious)|seriously|for real|for real this time|no joke|asking seriously|this time|honestly)\b`

// joke markers make a frightening phrase light.
const joke = `\b(?:lol|haha|hahaha|hehe|jk|just kidding|kidding|joking|lmao|rofl|xd|jokes|jaja|jajaja|jajajaja|mdr|kkkk|as a joke)\b`

// pastMarkers put an event in the distant past; resolved says it is behind the writer.
const pastMarkers = `\b(?:used to|years ago|year ago|decade ago|(?:when|while) i was (?:younger|little|small|a kid|a child|a teen|a teenager|in (?:high|middle) school|in college|at uni|at university|\d+|a student|in my twenties)|as a (?:kid|child|teen|teenager)|in the past|back then|back in (?:high school|school|college|the day|\d+)|long time ago|long ago|growing up|in my teens|at \d+ i|in (?:my )?childhood|when we were (?:kids|young))\b`
const resolved = `\b(?:(?:clean|sober|free) (?:for|since)|\d+ (?:years|months|yrs) (?:clean|sober|free)|clean now|doing (?:much |a lot |so much |way |really |very |so )?(?:better|well|good|ok|okay|fine|great)(?: now)?|pulled through|thriving|(?:have|has) been (?:ok|okay|fine|good|well|better|stable)|recovered|in recovery|recovering|no longer|not anymore|got help|getting help|(?:am|m|is|s|are) (?:safe|ok|okay|fine|good|in a better place) now|(?:have|has) not (?:cut|harmed|hurt|self harmed|felt|thought|had)|those days are behind me|(?:is|are|it is|its) (?:all )?behind me now|survived|in therapy for it|made it through|doing okay now|healed|left him|left her|moved out|protective order|restraining order|got out of (?:there|that|it))\b`
const recent = `\b(?:` + emergencyNow + `|now (?:he|she|they|he s|she s|hes|shes)|(?:is|are|it is|its|they are) back|coming back|again|lately|recently|tonight|today|right now|this (?:week|morning|evening|afternoon|month)|relapsed|last night|yesterday|anymore|currently|these days|every (?:day|night)|starting to|tomorrow|this weekend|soon|now i|still (?:want|think|cut|do it|hurt))\b`

// minorMarried matches a child of the given ages married off, someone else (self false) or the writer.
func minorMarried(age string, self bool) string {
	years := `(?: years old| yrs old| year old| yr old| yo)?`
	if self {
		return `(?:i am|im|i m) (?:only |just )?` + age + years + ` (?:\S+ ){0,8}` + forcedMarriage + `|` + forcedMarriage +
			` (?:\S+ ){0,6}(?:i am|im|i m) (?:only |just )?` + age
	}
	return age + years + ` (?:\S+ ){0,8}` + forcedMarriage + `|` + forcedMarriage + ` (?:\S+ ){0,6}(?:she|he|she s|he s|shes|hes) (?:is )?(?:only |just )?` + age +
		`|(?:marrying|marry|marries|married) (?:my|our|his|her|their) (?:\S+ )?` + age + years + ` (?:\S+ ){0,2}off`
}

// forcedMarriage is a marriage arranged over someone's head: married off, promised to, made to marry.
const forcedMarriage = `(?:married off|(?:marrying|marry|marries) (?:my|our|his|her|their) (?:\S+ ){0,4}off to|marry (?:her|him|me|them) off|marrying (?:her|him|me|them) off|forced (?:marriage|wedding)|arranging (?:her|his|my|their) marriage (?:to|with)|promised (?:her|him|me) to|(?:make|makes|made|making|force|forces|forced|forcing|want|wants|wanted|taking|takes|took|sending|sends|sent|told|tells|telling|marrying) (?:her|him|me|them) (?:\S+ ){0,6}to (?:marry|get married|be married)|(?:have|has|had) to marry|to marry (?:a|an|some|this|that) (?:\S+ )?(?:man|woman|guy|stranger)|to marry (?:his|her|my|their) (?:\S+ )?(?:uncle|cousin|friend|boss))`

// emergencyNow is danger happening as the member writes: someone in the house, a member hiding. It keeps a
// message in the present however much history it also tells ("he has a restraining order. I'm hiding in the
// wardrobe").
const emergencyNow = `i can hear (?:him|her|them)|(?:is|s|are|re) (?:parked|waiting|standing|sitting) (?:right )?outside (?:my|our) (?:house|home|flat|apartment|door|building|window)|look out (?:the|your) window|(?:he|she|they|he s|she s|hes|shes|they re|theyre) (?:is |are )?(?:downstairs|upstairs|in the house|inside the house|at the door|at my door|outside my door|banging on|kicking the door|trying to get in|breaking in)|(?:just|has just|have just) (?:let|broke|walked|came|climbed|got) (?:himself |herself |themselves )?in|(?:i am|im|i m|we are|were|we re) (?:hiding|locked in|barricaded)`

// The ordinary life that explains a rule's object in the same clause (see message.standsDown): a rope and
// climbing, a gun and hunting season or a range, a bridge or a roof and the fireworks. Each names only what belongs
// with its own object: a hobby does not explain pills.
const (
	ropeHobby  = `\b(?:climbing|rock climbing|abseil\S*|bouldering|sailing|camping|tug of war|jump rope|skipping rope|macrame)\b`
	gunHobby   = `\b(?:hunting (?:season|licen[cs]e|trip|trips|club)|deer season|duck season|(?:gun|rifle|shooting) range|clay pigeon\S*|target practice|bought a gun safe|locked up properly|(?:gun|firearms) licen[cs]e|gun safety course)\b`
	heightView = `\b(?:fireworks|the view|sunset|sunrise|skyline|sightseeing|the parade|new year s eve|new years eve)\b`
)

// routineCheck is blood drawn for an ordinary reason; in its clause the idea reader does not take the blood for an
// injury.
const routineCheck = `\b(?:donate blood|donating blood|gave blood|give blood|giving blood|blood donation|blood test|blood tests|blood work|bloodwork|flu shot|flu jab|vaccine|vaccination|booster jab)\b`

// armed is a gun made ready, which no hobby explains.
const armed = `\b(?:loaded (?:it|the|his|my|her)|(?:got|took|get|take|getting|taking) (?:\S+ ){0,2}(?:rifle|gun|shotgun|pistol) out)\b`

// leap is a jump in the words of a clause, which a hobby does not explain away ("nearly jumped").
const leap = `\b(?:jump|jumping|jumped|leap|leaping|leapt|throw myself|threw myself|step off|stepping off)\b`

// selfWord turns an object back on the writer: "bought a rope for myself, not for the course".
const selfWord = `\b(?:myself|my self|my life|my own life|on me|for me|this is it|what it s for|what its for|what it is for|not for (?:the|my) (?:course|class|gym|lesson))\b`

// departure names an ordinary reason to say goodbye to everyone: a last day, a new job, a move, retiring.
const departure = `\b(?:last day (?:at|of|in)|new job|starting (?:a|my) new|retiring (?:after|on|next|this|at)|(?:finally )?retire (?:tomorrow|today|next|this|on)|cleared (?:out )?my desk|clearing (?:out )?my desk|retirement (?:party|do|drinks|lunch)|moving (?:abroad|house|cities|countries|to (?:a new|another) (?:job|city|country|flat|house|apartment))|move abroad|emigrating|relocating|farewell (?:party|drinks|lunch)|leaving (?:do|party|drinks)|going away party|graduat\S*|last shift|handed (?:in|back) my (?:keys|notice|badge|laptop)|(?:flight|plane) (?:is |leaves )?(?:tomorrow|tonight|next week)|study abroad|exchange year|semester abroad)\b`

// pastYear puts the clause it is in, not the whole message, in the past: "I was suicidal in 2019".
const pastYear = `\b(?:(?:in|during|back in) (?:19|20)\d\d)\b`

// milestone markers count time since a risk ended ("4 years clean today"); relapse markers say it is back.
const milestone = `\b(?:(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|a few|many) (?:years?|months?|yrs?|weeks?) (?:clean|free|sober)|anniversary|milestone)\b`
const relapse = `\b(?:again|relapsed|relapse|slipped|urges? (?:is|are) back|want to|wanna|tonight|right now|last night|yesterday)\b`

// denial markers are a writer's plain word that there is no danger: to themselves, or to someone they asked.
const denial = `\b(?:(?:i am|im|i m) (?:actually|honestly|really|totally|genuinely) (?:fine|ok|okay|good|safe)|(?:she is|he is|they are|shes|hes|she s|he s) (?:fine|ok|okay|safe)(?: and)? (?:i|and i) believe|(?:tiktok|internet|gaming|meme|online) (?:thing|slang|word|term|trend)|(?:it is|its|it s) (?:just )?(?:a|my) fantasy|(?:i am|im|i m) not going anywhere|i (?:sometimes |always |often |only )?(?:joke|joked) about)\b`

// recentStrong markers put a risk in the present even when the writer says it is behind them.
const recentStrong = `\b(?:now (?:he|she|they|he s|she s|hes|shes)|again|relapsed|tonight|today|right now|lately|recently|last night|this week|yesterday|started|` + emergencyNow + `)\b`

// abstract markers mean the message talks about a topic, not a disclosure.
const abstract = `\b(?:thriller|plot twist|screenplay|school project|for a project|warning signs|detective|(?:overdose|suicide|trauma|self harm|cardiac) (?:patient|patients|call|calls|case|cases|victim|victims|ward|team)|paramedic|pharmacist|nurse|chaplain|pathologist|coroner|asked (?:me )?if|asks (?:me )?if|asking (?:me )?if|a patient|my patient|patients|prevention|awareness|training|hotline|helpline|statistics|stats|rates|rate|research|essay|article|paper|book|novel|movie|film|show|series|documentary|podcast|song|lyrics|lecture|class|course|seminar|workshop|presentation|assembly|episode|character|(?:video|board|computer|card|online|mobile|phone|this|that|a|the) game|news|volunteer|volunteering|volunteered|campaign|charity|fundraiser|walk|module|project on|report on|study|studying|topic|trigger warning|tw|cw|poem|(?:a|the|short|this|that|bedtime|love|sad|true) story|story (?:about|of|where)|fiction|the word|used the word|slang|role play|roleplay|died by suicide|committed suicide|killed (?:himself|herself|themselves) (?:\S+ ){0,3}(?:ago|years|in \d+|last year|when))\b`

// fear, sinister and trivial conditions judge threats from others.
const fear = `\b(?:restraining order|protective order|no contact order|scared|afraid|terrified|frightened|fear|fearing|panicking|hiding|hid|ran away|run away|shaking|not safe|unsafe|help me|please help|threatened|threatens|threatening|threat|said he would|said she would|gun|knife|weapon|tonight|police|cops|911|999|112|hurt me|again)\b`
const sinister = `\b(?:if (?:i|we) (?:ever )?(?:leave|left|go|try to leave|break up|tell|told|report|call|talk to|speak to|go to the police|see|seeing|testify|come out|leave him|leave her)|finds? out (?:i am|im|i m|that i am|about (?:us|me|my girlfriend|my boyfriend))|(?:for|because) (?:being gay|being trans|being queer|coming out))\b`
const trivial = `\b(?:if (?:i|im|i am|we) (?:am |m )?(?:late|forget|forgot|miss|missed|break|broke|lose|lost|fail|failed|spill|spilled|eat|ate|dont|do not|wear|crash|scratch|dent|stay out|skip|buy|spend|bring|get home late|come home late)|(?:my|the|these|those|her|his) (?:grades|report card|test|exam|results|dishes|car|phone bill|credit card|haircut|tattoo|curfew|vase|bill)|when (?:she|he|they) (?:sees?|finds? out about|hears? about) (?:my|the|this|that|what i)|(?:spoiler|spoilers|spoil|spoiled|spoiling|surprise party|the ending|the finale|finale)|(?:for|about) (?:being late|the mess|the dishes|forgetting)|if (?:she|he|they) (?:\S+ )?(?:borrows|takes|eats|touches|uses|reads|wears|steals|drinks|finishes|breaks) my|one more time without asking|when (?:she|he|they) (?:finds? out|sees|hears|notices|realizes|realises) (?:that )?i (?:borrowed|took|used|ate|broke|lost|forgot|spent|wore|scratched|dented|missed|failed|finished)|(?:borrowed|took|used|ate|wore|broke|lost|finished) (?:her|his|their) (?:\S+ )?(?:jacket|car|clothes|shirt|dress|phone|charger|makeup|food|snacks|leftovers|sweater|hoodie|shoes|stuff|game|console|headphones|laptop|perfume))\b`

// minor markers say the writer, or the person harmed, is a child.
const minor = `\b(?:i am (?:1[0-7]|[5-9])|im (?:1[0-7]|[5-9])|(?:1[0-7]|[5-9]) (?:years old|yrs old|yo|y o)|(?:1[0-7]|[5-9])yo|in (?:\d+th|\d+rd|\d+nd|year \d+|grade \d+|middle school|high school|junior high|elementary)|my (?:little|younger|baby|step|half) (?:brother|sister)|(?:i am|im) a (?:kid|child|minor|teen|teenager)|not 18|under 18)\b`
