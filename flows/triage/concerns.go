package triage

import (
	"slices"
	"strings"
)

// cue is a phrase that points at a concern area, with how strongly.
type cue struct {
	area   Area
	weight int
	src    string    // the pattern, `\b(?:...)\b` over normalised words
	pat    patternID // where the lexicon holds it
}

func cues(area Area, weight int, words ...string) cue {
	return cue{area: area, weight: weight, src: `\b(?:` + macros.Replace(strings.Join(words, "|")) + `)\b`}
}

// concernCues are the concern cues, strongest first.
func concernCues() []cue {
	list := []cue{
		// Workplace: position, reward and punishment, the power to fire.
		cues(AreaWorkplace, 4, `boss|bosses|manager|managers|supervisor|supervisors|employer|ceo|director|team lead|team leader|line manager|shift lead|foreman|head chef|my lead|the owner|store owner|hr|human resources|coworker|coworkers|co worker|co workers|colleague|colleagues|workplace|at work|my job|my office|the office|fired|fire me|firing|sacked|laid off|promotion|promoted|demoted|raise|payroll|paycheck|timesheet|timesheets|overtime|performance review|probation period|internship|intern|my shifts|shifts|clock in|clocked in|clock out|unpaid|wage|wages|salary|new hire|onboarding|contractor|union rep|work schedule|the job|job interview|workmates|staff meeting|my team|our team|the team`),
		cues(AreaWorkplace, 4, `(?:i am|im|as|work as) an? (?:nurse|doctor|teacher|ta|teaching assistant|carer|cleaner|driver|cook|chef|waiter|waitress|server|cashier|developer|dev|engineer|lawyer|pharmacist|paramedic|receptionist|intern|manager|supervisor)|i work for|works for|i work at|work at|dock (?:my|your|our) pay|docked my pay|senior dev|code review|my code|pull request|pull requests|standup|sprint|jira|tickets|mondays|monday morning|teaching assistant|my students|junior doctor|junior doctors|surgeon|consultant|registrar|pharmacist|paramedic|chaplain|pathologist|i teach|teacher at|our school|head of (?:department|service|year)|station officer|the army|in the army|sergeant|officer|big four|the partners|partners shout|on site|the site|gaffer|foreman|the sack|got the sack|redundancy|redundant|househelp|house help|maid|madam|my employer|day off|days off|the council|the ward|ward rounds|rotation|theatre|shifts|rota|my unit|charge nurse|the head|the board|line manager|probation|appraisal|disciplinary|tribunal|grievance|union|payslip|payslips|wages|paid late|not paying me|unpaid|cleaner|carer|live in carer|care home staff|my visa depends|sponsor|sponsorship`),
		cues(AreaWorkplace, 4, `resident|residents|attending|residency|temp|temping|benefits|nanny|babysitter|au pair|reference letter|my reference|the agency|staffing agency|zero hours|freelance|freelancer|gig work|tenure|my supervisor|the interview|interviews|interview|hiring manager|recruiter|job hunting|job search|applications|applying for jobs|written up|write up|write ups|wrote me up|sick day|sick days|sick leave|pto|vacation days|principal|new hires|my desk|senior partner|partners at (?:the|my) firm|the firm|law firm|my shift|the shift|night shift|day shift|my boss|my manager|the manager|the boss|management|my employer|my company|the company|quit my job|job offer|resign|resignation|notice period|training costs|laid me off|let me go|walked me out|fired me|my contract|contract ends|performance|kpi|kpis|targets|quota|commission|tips|the kitchen|the warehouse|on the floor|the store manager|head office|corporate|at the hospital where i work|where i work|my workplace|the workplace|coworker s|the director|the partner|senior staff|residency|the clinic|the lab|my pi|supervisor s|trainee|apprentice|apprenticeship|gig|uber|doordash|delivery app|the app deactivated|timesheets?|clocking|rota|roster`),
		cues(AreaWorkplace, 2, `work|working|job|office|shift|paid|pay|clients|client|customers|customer|company|business|restaurant|store|warehouse|retail|meeting|meetings|project|deadline|schedule|hired|contract|career|professional|emails|slack`),
		// Phrases that look like an area's words but are not about it: an apology for one's English, calling the
		// police for help, a parent's gun, a partner's job. They claim their words first and count for nothing.
		cues(AreaOther, 9, `sorry (?:for )?(?:my|about my) english|my english is (?:not good|bad|poor|not great|not very good)|(?:if|before|when|should) (?:i|we) (?:call|phone|ring) (?:the )?(?:police|cops|911|999)|(?:call|calling|called) (?:the )?(?:police|cops|911|999) (?:on (?:him|her)|for help)|(?:dad|dads|dad s|father|fathers|father s|uncle|uncles|uncle s|brother|brothers|brother s|grandpa|grandpas|grandpa s|mom|moms|mom s|mum|mums|mum s) (?:gun|rifle|pistol|shotgun)|(?:his|her|their) (?:job|career|salary|commute|paycheck)|(?:great|good|amazing|loving) (?:dad|father|mom|mum|mother)|stay at home (?:dad|mom|mum)|family back home`),
		cues(AreaWorkplace, 6, `business partner|business partners|cofounder|co founder|the founder|founder|ceo|startup|my employees?|employees|my staff|my direct reports?|direct reports?|volunteers|coordinators?`),
		cues(AreaWorkplace, 4, `layoffs?|laid off|lay offs|from work|people at work|(?:go|going|went) (?:in )?to work`),
		// Work named by its daily things rather than by "work": the gig app, the team, the hours.
		cues(AreaWorkplace, 4, `delivery rider|delivery driver|rider|riders|the app deactivates|deactivated|deactivates|gig work|gig app|team building|team bonding|away day|accounting|accounts department|department head|head of department|reduced hours|part time hours|fewer hours|burnt out|burned out|burnout|volunteer|volunteering|bos|hotel|excel|spreadsheet|spreadsheets|standup|stand up meeting`),
		// Discrimination told by what was said or done rather than by its name.
		cues(AreaOppression, 5, `become straight|pray (?:the gay )?away|praying (?:the gay )?away|conversion therapy|third world|go back to your country|go back where you came from|deport|deported|deporting|deportation|visa status|immigration status|because of my accent|fresh energy|too old for|make room for younger`),
		// Partners named in the languages members write in.
		cues(AreaRelationship, 5, `mi novia|mi novio|mi esposo|mi esposa|mi pareja|mon copain|ma copine|mon mari|ma femme|mein freund|meine freundin|mein mann|meine frau|(?:carved|carve|cut) (?:his|her) name`),
		cues(AreaFamily, 6, `my (?:\d+ )?(?:year old|yo|yr old)|my teenager|my teen|my old man|my old lady|my grandson|my granddaughter|our (?:son|daughter|baby|child|toddler)`),
		cues(AreaRelationship, 5, `polyamorous|my partners|metamour|throuple|open relationship|(?:end|ending|ended) (?:it|things) with (?:him|her)|(?:check|checks|checking|track|tracks|tracking) (?:her|his) location|come home to (?:him|her)|during our fight|our fight|our accounts|money decisions?`),
		cues(AreaOppression, 5, `same sex|gay couple|lesbian couple|queer couple|two dads|two moms|two mums|real man|real woman|like a girl|catcall|catcalls|catcalled|catcalling|foreigners?|my country|my homeland|hijab|turban|headscarf|(?:yells at|picks on|treats|grades|pays) (?:the )?(?:girls|boys|women|men) (?:\S+ ){0,3}(?:than|differently)`),
		// Areas described without their usual words: the settings work happens in (rotas, placements, labs, gig
		// apps, ministry roles), the people who stand in for a parent or depend on a child, partners who are not
		// (yet or any more) a spouse, and prejudice named through what it targets (caste, hair, dress, papers, access).
		cues(AreaWorkplace, 5, `rota|rotas|the roster|rostered|shop steward|union rep|moved to nights|placement|clinical placement|my mentor|placement mentor|my lab|the lab|postdoc|postdocs|the pi|my pi|phd|my thesis|grad school|junior (?:dev|developer|engineer|doctor|analyst|associate|designer|lawyer)|the senior|prs|my pr|standups|deactivated|deliveroo|doordash|uber eats|courier|gig app|delivery app|my rating|ministry|congregation|church board|parish council|vestry|my landlord (?:is|was) (?:also )?my (?:boss|employer)|live in (?:job|role)|tied cottage`),
		cues(AreaWorkplace, 8, `(?:working|work|works|worked) for my (?:\S+ ){0,2}(?:company|business|firm|shop|restaurant|farm|practice)|(?:uncle s|dad s|father s|mum s|mom s) (?:construction )?(?:company|business|firm|shop|restaurant)`),
		cues(AreaFamily, 8, `(?:my|her|his) (?:mum s|mom s|mother s|dad s|father s|parents|nan s|gran s|grandma s|grandad s) carer|(?:carer|caregiver) for (?:my|her|his) (?:mum|mom|mother|dad|father|parents|nan|gran|grandma|grandad)|(?:caring|care) for my (?:mum|mom|mother|dad|father|parents|nan|gran)|(?:mum|mom|dad|parents|father|mother|family) (?:found out|finds out|discovered) (?:i am|im|i m|that i)|(?:mum|mom|dad|parents|father|mother|papa|mama) (?:controls|takes|keeps|has|holds) my (?:bank card|card|money|wages|savings|pay|salary|passport)|decides? my marriage|arranged marriage|rishta|(?:husbands?|wifes?|partners?|boyfriends?|girlfriends?) (?:s )?(?:brother|sister|mother|father|mum|mom|dad|family|parents|cousin|uncle|aunt)`),
		cues(AreaFamily, 6, `papa|mama|appa|amma|abbu|my guardian|foster (?:mum|mom|dad|carer|carers|parents|family|home)|my carers|step (?:son|daughter|kids|children)|stepson|stepdaughter|(?:is|as) my carer|(?:my|our) (?:adult )?(?:son|daughter|grandson|granddaughter) (?:\S+ ){0,3}(?:my carer|controls|took my|takes my|keeps me|won t let me|wont let me)`),
		cues(AreaRelationship, 6, `my (?:husband|wife|partner|boyfriend|girlfriend|fiance|fiancee|bf|gf) (?:(?:just|really|also|always|never|still|now|often|then) )?(?:makes|decides|controls|says|said|keeps|threatens|threatened|won t|wont|never|always|tells|told)`),
		cues(AreaRelationship, 6, `co parent|coparent|co parenting|coparenting|co parents|handover|handovers|situationship|talking stage|friends with benefits|fwb|(?:guy|girl|man|boy|woman|person|someone) i (?:met|meet|been talking to) online|online (?:bf|gf|boyfriend|girlfriend|partner|relationship)|fiance|fiancee|engaged|my ex (?:still )?(?:has|had|kept) (?:a |the )?keys?|if you (?:ever )?leave|if i (?:ever )?leave (?:him|her)`),
		cues(AreaOppression, 6, `caste|dalit|brahmin|untouchable|lower caste|upper caste|braids|cornrows|locs|dreadlocks|uniform rules|uniform policy|hair policy|against (?:the )?(?:uniform|dress code)|niqab|burqa|kippah|visa status|visa is tied|sponsor|sponsorship|immigration status|work permit|residence permit|asylum|asylum seeker|leave to remain|green card|right to work|understood english|understand english|outed|outed me|the f word|f slur|slurred|graffiti|vandalised|vandalized|hate mail|swastika|exclusion|step free|no ramp|(?:use|uses|using|in) a (?:cane|wheelchair|walker|mobility scooter)|(?:smells|smelly|stinks) (?:\S+ ){0,3}(?:food|lunch)|my lunch smells|(?:korean|indian|chinese|african|ethnic|halal) food|stop and frisk|stopped by (?:the )?police|police stopped|searched by (?:the )?police|won t rent|refused to rent|no dss|no benefits`),
		// Family: parents' power over children, siblings, in-laws, money and approval.
		cues(AreaFamily, 4, `mom|dad|mother|father|moms|dads|parents|parent|stepdad|stepmom|stepfather|stepmother|step dad|step mom|stepparent|sister|brother|sisters|brothers|sibling|siblings|uncle|aunt|auntie|cousin|cousins|grandma|grandpa|grandmother|grandfather|grandparents|in law|in laws|mother in law|father in law|sister in law|brother in law|my family|our family|his family|her family|family|relatives|niece|nephew|guardian|foster|stepsister|stepbrother|half brother|half sister|my son|my daughter|my kids|my children|my folks|household`),
		cues(AreaFamily, 6, `son in law|daughter in law|grandchildren|grandkids|my mum is|my mom is|my dad is|my parents are|baba|ammi|abba|mammy|mam|my people|husband people|in laws|my aunty|my aunt|my uncles|power of attorney|care home|the will|inheritance|my late (?:father|mother|dad|mum|mom)|my eldest|my youngest|adult son|adult daughter|my son s|my daughter s|`+`(?:sister|brother|mom|dad|mother|father|cousin|daughter|son|aunt|uncle|niece|nephew|grandma|grandpa) (?:boyfriend|girlfriend|husband|wife|partner|ex|fiance|new boyfriend|new girlfriend)|relationship with (?:my|our) (?:dad|mom|mother|father|parents|sister|brother|son|daughter|family|grandma|grandpa|stepdad|stepmom)`),
		cues(AreaFamily, 1, `(?:sister|brother|mom|dad|mother|father|cousin|daughter|son|aunt|uncle|niece|nephew|grandma|grandpa) (?:boyfriend|girlfriend|husband|wife|partner|ex|fiance|new boyfriend|new girlfriend)|relationship with (?:my|our) (?:dad|mom|mother|father|parents|sister|brother|son|daughter|family|grandma|grandpa|stepdad|stepmom)`),
		cues(AreaFamily, 5, `husband family|wife family|husbands family|wifes family|his mother|her mother|his mom|her mom|his dad|her dad|his sister|her sister|his brother|her brother|mother in law|father in law|in laws`),
		cues(AreaFamily, 3, `son|daughter|kid|kids|child|children|baby|toddler|twin|stepson|stepdaughter|nana|grandkids|grandson|granddaughter|eldest|youngest|middle child|only child|favorite child|golden child|black sheep|the family|family group chat|family dinner|family business`),
		cues(AreaFamily, 2, `home|at home|holidays|holiday|thanksgiving|christmas dinner|allowance|curfew|grounded|inheritance|my room|my house`),
		// Romantic relationships: money, affection, decisions.
		cues(AreaRelationship, 4, `boyfriend|girlfriend|partner|husband|wife|spouse|fiance|fiancee|my ex|ex boyfriend|ex girlfriend|ex husband|ex wife|dating|relationship|marriage|married|divorce|divorced|separated|broke up|break up|breaking up|breakup|my man|my girl|hubby|significant other|we have been together|been together|our wedding|engaged|cheated|cheating|affair|situationship|talking stage|the guy i am seeing|the girl i am seeing|the man i am seeing|the woman i am seeing|i am seeing`),
		cues(AreaRelationship, 5, `my husband|my wife|my boyfriend|my girlfriend|my partner|my fiance|my fiancee|my ex|my bf|my gf|my spouse|my hubby|if (?:i|you) really loved (?:him|her|me)|prenup|apologi[sz]e first`),
		cues(AreaRelationship, 4, `the missus|missus|my missus|the wife|if you really loved me|really loved me|compromise|giving in|dinner parties|me and \S+ have been married|we have been married|married \d+ years|\d+ years married|my wife passed|took the kids|she left me|he left me|she left and|he left and|custody|co parent|coparent|(?:he is|he s|she is|she s) \d+ (?:and )?(?:i am|im) \d+|ask permission to spend|my own money|not allowed to leave|allowed to go out|tracks my location|track my location`),
		cues(AreaRelationship, 3, `when we fight|we fight|we argue|our fights|our arguments|every argument|win (?:every|the|an) argument|arguments|breadwinner|final say|too sensitive|gaslight|gaslights|gaslighting|no one else would (?:ever )?(?:want|love) me|nobody else would (?:ever )?(?:want|love) me|likes me|like her|like him|more than she|more than he|my friends apart|my friends|who i see|who i talk to|who i can see|where i go|wont tell me where|leaves for the whole night|married \d+ years|together \d+ years|\d+ years together|move in|moving in|propose|proposal|wedding|honeymoon|in love with|ghosted|ghosting|blocked me|dumped|left me for|left me|cheat|cheats|my past|silent treatment|walk on eggshells|walking on eggshells|controls? (?:every dollar|the money|my money|our money)|allowance from him|allowance from her|he decides|she decides|he always|she always|he never|she never|he says|she says|he makes me|she makes me|he wont|she wont|he calls me|she calls me|he told me|she told me|he thinks|she thinks`),
		cues(AreaRelationship, 3, `loves me|love him|love her|in love|he loves|she loves|checks my phone|check my phone|goes through my phone|our money|joint account|date|dates|romantic|romance|jealous|jealousy|texts me|he says he loves|she says she loves|my bf|my gf|we live together|moved in together|our apartment|our kids|anniversary|kiss|sex life|intimacy`),
		// Oppression: prejudice reduces power; skin colour, identity, gender, belief.
		cues(AreaOppression, 5, `racist|racism|racial|race|racially|discriminated|discrimination|discriminate|discriminating|prejudice|prejudiced|bigot|bigoted|bigotry|sexist|sexism|misogyny|misogynist|misogynistic|homophobic|homophobia|transphobic|transphobia|islamophobia|antisemitic|antisemitism|xenophobic|xenophobia|ableist|ableism|slur|slurs|n word|profiling|profiled|stereotype|stereotypes|stereotyping|hate crime|privilege|marginalized|oppressed|oppression|minority|minorities|skin color|skin colour|my skin|the color of my skin|people like us|people like me|people like you|because i am (?:black|gay|trans|a woman|muslim|jewish|asian|disabled|latina|latino|hispanic|queer|lesbian|bi|an immigrant|deaf|blind|autistic|indigenous|native|nonbinary|fat|old|poor)|because of my (?:race|skin|color|colour|accent|name|religion|hijab|turban|gender|sexuality|disability|wheelchair|age|weight|hair|culture|ethnicity|identity|pronouns|faith|background|orientation)|equal pay|paid less than|less than the men|less than men|than the white|white guy|white people|white coworkers|white colleagues|the men|male coworkers|male colleagues|the guys get|glass ceiling|police|cops|cop|officers|stopped and searched|stop and search|pulled over|followed (?:me )?around|follows me around|security follows|clutch (?:her|their) (?:purse|bag)|called me a terrorist|go back to (?:your|my) country|where i am really from|my accent|my hijab|my turban|my religion|deadname|deadnamed|misgender|misgendered|my pronouns|wheelchair|disability|disabled|accessible|accessibility|landlord (?:said|says|wont|will not|refused)|refused (?:an|the|my) (?:apartment|flat|lease|service|house)|rent to|would not rent|wont rent|doesnt rent|does not rent`),
		cues(AreaOppression, 6, `(?:the|only) only (?:\S+ ){0,1}(?:black|brown|latino|latina|hispanic|asian|muslim|jewish|gay|trans|queer|disabled|indigenous|native|roma|immigrant|woman|women|girl|girls|arab|mexican)|one of (?:two|2|three|3|four|4|few|a few|the few|only) (?:\S+ ){0,1}(?:black|brown|latino|latina|asian|muslim|girls|women|woman|trans|gay|disabled)|(?:black|brown|latino|latina|hispanic|asian|muslim|jewish|roma|immigrant|disabled|trans|gay|indigenous) (?:kid|kids|family|families|person|people|man|men|woman|women|girl|girls|boy|boys|student|students|nurse|worker|employee|customer|one)|(?:i am|im|we are|were|she is|he is) (?:black|brown|latino|latina|hispanic|asian|muslim|jewish|roma|romani|a traveller|trans|gay|lesbian|queer|disabled|deaf|blind|undocumented|an immigrant|immigrants|poor|indigenous|native|nonbinary|bi|bisexual)|undocumented|deport|deported|deportation|roma|romani|pulled aside|bag check|(?:his|her|my|their) english|treated like a child|the guys questions|only answer the guys|curvy|see me on camera|poverty|(?:we are|were|we re) poor|because (?:we are|were) poor|hoa|white coworker|white colleague|white classmates|white neighbors|white neighbours|same income|same qualifications|same experience`),
		cues(AreaOppression, 4, `instead of me|in my culture|my culture|real name|chosen name|preferred name|natural hair|unprofessional|take my pain seriously|lose weight|transitioned|transitioning|since i came out|for coming out|coming out|traffic stop|traffic stops|for holding (?:my|her|his|our) (?:\S+ )?hands?|rich part|the rich|our side of town|poor side|rich neighborhood|rich neighbourhood|my name|my last name|my surname|mispronounc\S*|headscarf|niqab|burqa|kippah|yarmulke|the nanny|the help|the cleaner|go back where|where you came from|where i came from|where i am from|where i m really from|really from|white friends|white kids|white students|the white|other boys|other kids|other girls|airport security|at capacity|bouncer|built for|like criminals|moved here from|from syria|from (?:mexico|nigeria|india|pakistan|somalia|afghanistan|iraq|iran|china|the philippines|guatemala|haiti|ukraine)|my age|too old|more energy|over 50|over 60|younger candidates|younger people|culture fit|overqualified|he is a man|she is a woman|because he is a man|only difference is|which one of you is the man|because of who i am|for who i am|my kind|our kind|your kind|those people|you people|people of color|poc|bipoc|the only (?:black|brown|asian|woman|girl|gay|trans|muslim|disabled)|speak english|my english|mock my accent|made fun of my accent|stares|staring|comments about|held my bag|searched my bag|random check|random search|followed by security|security guard|shop owner|store clerk`),
		cues(AreaOppression, 3, `black|asian|latino|latina|hispanic|muslim|jewish|sikh|hindu|immigrant|immigrants|refugee|gay|lesbian|queer|trans|transgender|nonbinary|non binary|lgbt|lgbtq|bisexual|indigenous|native|brown|arab|mexican|chinese|ethnic|ethnicity|religion|religious|mosque|synagogue|gender|sexuality|autistic|autism|deaf|blind|neurodivergent|immigration|accent|criminals|thug|singled out|treated differently|dangerous`),
		cues(AreaOppression, 1, `church|neighborhood|neighbourhood|community|woman|women|female|male|men|criminal|harassed by|unfairly|assume|assumes|assumed|apartment|landlord|housing|visa|dress code|hair|stores|store`),
	}
	slices.SortStableFunc(list, func(a, b cue) int { return b.weight - a.weight })
	return list
}

// concerns ranks the areas the message is about, most likely first.
func (m *message) concerns() []Area {
	type score struct {
		area  Area
		total int
		first int
	}
	scores := map[Area]*score{}
	// Stronger cues claim their words first, so "my job" is not counted again as "job".
	var taken [][2]int
	overlaps := func(a, b int) bool {
		for _, t := range taken {
			if a < t[1] && t[0] < b {
				return true
			}
		}
		return false
	}
	for _, cu := range m.lx.cues {
		n := 0
		for _, loc := range m.found.matches(cu.pat, -1) {
			if overlaps(loc[0], loc[1]) {
				continue
			}
			taken = append(taken, [2]int{loc[0], loc[1]})
			s := scores[cu.area]
			if s == nil {
				s = &score{area: cu.area, first: loc[0]}
				scores[cu.area] = s
			}
			if n < 3 {
				s.total += cu.weight
			}
			n++
			s.first = min(s.first, loc[0])
		}
	}
	// With no other cue, "he" or "she" in a message about power is most often a partner.
	if len(scores) == 0 {
		if locs := m.found.matches(m.lx.partnerPronoun, 1); len(locs) > 0 {
			scores[AreaRelationship] = &score{area: AreaRelationship, total: 2, first: locs[0][0]}
		}
	}
	// Workplace words outrank romance words in one message: "my boss is dating me" is about power at work first,
	// as in the case of Sofia and her boss.
	if w, r := scores[AreaWorkplace], scores[AreaRelationship]; w != nil && r != nil && w.total >= 4 && !m.found.has(m.lx.strongRelationship) {
		w.total += r.total
	}
	// Discrimination named in a workplace, housing or police setting is about oppression first.
	if o := scores[AreaOppression]; o != nil && o.total >= 5 {
		o.total += 3
	}
	var list []*score
	for _, s := range scores {
		if s.total >= 2 && s.area != AreaOther {
			list = append(list, s)
		}
	}
	slices.SortFunc(list, func(a, b *score) int {
		if a.total != b.total {
			return b.total - a.total
		}
		return a.first - b.first
	})
	out := make([]Area, 0, len(list))
	for _, s := range list {
		out = append(out, s.area)
	}
	return out
}

// partnerPronoun is "he" or "she" acting on the writer.
const partnerPronoun = `\b(?:he|she)\b`

// strongRelationship marks a message where a partner, not work, is the subject.
const strongRelationship = `\b(?:boyfriend|girlfriend|husband|wife|partner|fiance|spouse|my ex|my bf|my gf)\b`
