package triage

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// clause is one normalised clause: its words, and the same joined with single spaces for the rules to match.
type clause struct {
	words []string
	text  string
}

// emoji that carry meaning for the rules become words.
var emojiWords = map[rune]string{
	'😂': "lol", '🤣': "lol", '💀': "lol", '😆': "lol", '😹': "lol", '🙃': "lol", '😭': "crying",
	'🔪': "knife", '🔫': "gun", '💊': "pills", '🪢': "rope", '🪦': "grave", '⚰': "grave",
}

// foldRune maps accented letters to their base and curly quotes to straight ones.
func foldRune(r rune) rune {
	switch r {
	case '’', '‘', '`', '´', 'ʼ':
		return '\''
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'á', 'à', 'â', 'ä', 'ã', 'å':
		return 'a'
	case 'í', 'ì', 'î', 'ï':
		return 'i'
	case 'ó', 'ò', 'ô', 'ö', 'õ':
		return 'o'
	case 'ú', 'ù', 'û', 'ü':
		return 'u'
	case 'ñ':
		return 'n'
	case 'ç':
		return 'c'
	}
	return r
}

// contractions written with an apostrophe, expanded before apostrophes are dropped.
var apostropheForms = []struct{ suffix, word string }{
	{"n't", "not"}, {"'m", "am"}, {"'re", "are"}, {"'ve", "have"}, {"'ll", "will"}, {"'d", "would"},
}

var special = map[string][]string{
	"can't": {"can", "not"}, "won't": {"will", "not"}, "ain't": {"is", "not"}, "he's": {"he", "is"},
	"she's": {"she", "is"}, "it's": {"it", "is"}, "that's": {"that", "is"}, "what's": {"what", "is"},
	"there's": {"there", "is"}, "let's": {"let", "us"}, "who's": {"who", "is"}, "od'd": {"overdosed"},
	"od'ed": {"overdosed"},
}

// normalize lowers, folds and splits text into clauses of canonical words.
func normalize(text string) []clause {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	var clauses []clause
	var cur, words []string
	flush := func() {
		if len(cur) > 0 {
			clauses = append(clauses, clause{words: cur, text: strings.Join(cur, " ")})
			cur = nil
		}
	}
	for _, raw := range rawWords(text) {
		if raw == "." {
			flush()
			continue
		}
		words = appendCanonical(words[:0], raw)
		for _, w := range words {
			if isClauseBreak(w) && len(cur) > 0 {
				flush()
			}
			cur = append(cur, w)
		}
	}
	flush()
	return clauses
}

// rawWords lowers and folds text and splits it into words, "." between sentences and "," between phrases.
func rawWords(text string) []string {
	b := make([]byte, 0, len(text)+16)
	for _, r := range text {
		if r < utf8.RuneSelf {
			b = appendASCII(b, byte(r))
			continue
		}
		if w, ok := emojiWords[r]; ok {
			b = append(append(append(b, ' '), w...), ' ')
			continue
		}
		r = unicode.ToLower(foldRune(r))
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b = utf8.AppendRune(b, r)
		case r < utf8.RuneSelf:
			b = appendASCII(b, byte(r))
		default:
			b = append(b, ' ')
		}
	}
	return strings.Fields(string(b))
}

// appendASCII appends what an ASCII character becomes: itself lowered if it can be part of a word, a
// sentence or phrase break, or a space.
func appendASCII(b []byte, c byte) []byte {
	switch {
	case c >= 'A' && c <= 'Z':
		return append(b, c+'a'-'A')
	case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '\'' || c == '-' || c == '@' || c == '$':
		return append(b, c)
	case c == '`':
		return append(b, '\'')
	case c == '.' || c == '!' || c == '?' || c == ';' || c == '\n' || c == ':':
		return append(b, " . "...)
	case c == ',' || c == '(' || c == ')':
		return append(b, " , "...)
	}
	return append(b, ' ')
}

// isClauseBreak reports whether w starts a new clause: negation and past markers do not reach across it.
func isClauseBreak(w string) bool {
	switch w {
	case "but", "though", "although", "however", "except":
		return true
	}
	return false
}

// appendCanonical appends the canonical words one raw word stands for.
func appendCanonical(dst []string, raw string) []string {
	if raw == "," {
		return append(dst, ",")
	}
	raw = trimQuotesAndDashes(raw)
	if raw == "" {
		return dst
	}
	if strings.Contains(raw, "'") {
		if s, ok := special[raw]; ok { // every special form has an apostrophe
			return append(dst, s...)
		}
		for _, f := range apostropheForms {
			if strings.HasSuffix(raw, f.suffix) && len(raw) > len(f.suffix) {
				return append(appendCanonical(dst, strings.TrimSuffix(raw, f.suffix)), f.word)
			}
		}
		raw = strings.TrimSuffix(raw, "'s")
		raw = strings.ReplaceAll(raw, "'", "")
	}
	if strings.Contains(raw, "-") {
		if joined := strings.ReplaceAll(raw, "-", ""); slang[joined] != nil || spelling[joined] != "" || keepHyphenJoined[joined] {
			raw = joined
		} else {
			for part := range strings.SplitSeq(raw, "-") {
				dst = appendCanonical(dst, part)
			}
			return dst
		}
	}
	w := squeeze(raw)
	if hasLetter(w) && hasLeet(w) {
		w = unleet(w)
	}
	if s, ok := slang[w]; ok {
		return append(dst, s...)
	}
	if s, ok := spelling[w]; ok {
		return append(dst, s)
	}
	return append(dst, w)
}

// trimQuotesAndDashes is strings.Trim(w, "'-") without building the cut set for every word.
func trimQuotesAndDashes(w string) string {
	for len(w) > 0 && (w[0] == '\'' || w[0] == '-') {
		w = w[1:]
	}
	for len(w) > 0 && (w[len(w)-1] == '\'' || w[len(w)-1] == '-') {
		w = w[:len(w)-1]
	}
	return w
}

// keepHyphenJoined are hyphenated words that read best as one.
var keepHyphenJoined = map[string]bool{"coworker": true, "stepdad": true, "stepmom": true, "selfharm": true}

// squeeze shortens runs of three or more of the same letter to one ("diiiie", "pleeease").
func squeeze(w string) string {
	if !mayStretch(w) {
		return w
	}
	rs := []rune(w)
	if len(rs) < 3 {
		return w
	}
	out := rs[:0:0]
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		if j-i >= 3 && unicode.IsLetter(rs[i]) {
			out = append(out, rs[i])
		} else {
			out = append(out, rs[i:j]...)
		}
		i = j
	}
	return string(out)
}

// mayStretch reports whether w may hold a run of three of one letter: most words are ASCII without one, and
// need no copy.
func mayStretch(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf || i >= 2 && w[i] == w[i-1] && w[i] == w[i-2] {
			return true
		}
	}
	return false
}

func hasLetter(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func hasLeet(w string) bool {
	if isOrdinalOrAge(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case '0', '1', '3', '4', '5', '7', '@', '$':
			return true
		}
	}
	return false
}

// isOrdinalOrAge keeps "8th", "2nd", "14yo", "16yrs" as they are.
func isOrdinalOrAge(w string) bool {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	switch w[i:] {
	case "st", "nd", "rd", "th", "yo", "y", "yrs", "yr", "m", "f", "am", "pm", "k", "s", "h", "min", "mins", "x":
		return true
	}
	return false
}

var leet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s")

func unleet(w string) string { return leet.Replace(w) }

var slang = map[string][]string{
	"im": {"i", "am"}, "ive": {"i", "have"}, "id": {"i", "would"}, "dont": {"do", "not"},
	"doesnt": {"does", "not"}, "didnt": {"did", "not"}, "cant": {"can", "not"},
	"cannot": {"can", "not"}, "wont": {"will", "not"}, "wouldnt": {"would", "not"},
	"couldnt": {"could", "not"}, "shouldnt": {"should", "not"}, "isnt": {"is", "not"},
	"arent": {"are", "not"}, "wasnt": {"was", "not"}, "werent": {"were", "not"},
	"havent": {"have", "not"}, "hasnt": {"has", "not"}, "hadnt": {"had", "not"},
	"aint": {"is", "not"}, "youre": {"you", "are"}, "theyre": {"they", "are"},
	"thats": {"that", "is"}, "whats": {"what", "is"}, "hes": {"he", "is"}, "shes": {"she", "is"},
	"theres": {"there", "is"}, "youve": {"you", "have"}, "theyve": {"they", "have"},
	"weve": {"we", "have"}, "itll": {"it", "will"}, "theyll": {"they", "will"},
	"youll": {"you", "will"}, "itd": {"it", "would"}, "theyd": {"they", "would"},
	"hed": {"he", "would"}, "shed": {"she", "would"}, "dnt": {"do", "not"}, "didint": {"did", "not"},
	"imma": {"i", "am", "going", "to"}, "ima": {"i", "am", "going", "to"},
	"gonna": {"going", "to"}, "gunna": {"going", "to"}, "finna": {"going", "to"},
	"wanna": {"want", "to"}, "wana": {"want", "to"}, "gotta": {"got", "to"},
	"tryna": {"trying", "to"}, "kinda": {"kind", "of"}, "sorta": {"sort", "of"},
	"dunno": {"do", "not", "know"}, "idk": {"i", "do", "not", "know"},
	"idc": {"i", "do", "not", "care"}, "idgaf": {"i", "do", "not", "care"},
	"ngl": nil, "tbh": nil, "tbf": nil, "lowkey": nil, "highkey": nil, "smh": nil, "ugh": nil,
	"rn": {"right", "now"}, "atm": {"right", "now"}, "bc": {"because"}, "bcs": {"because"},
	"cuz": {"because"}, "coz": {"because"}, "cos": {"because"}, "bcuz": {"because"},
	"tn": {"tonight"}, "tonite": {"tonight"}, "2nite": {"tonight"}, "2night": {"tonight"},
	"tmrw": {"tomorrow"}, "tmr": {"tomorrow"}, "tmrow": {"tomorrow"}, "2moro": {"tomorrow"},
	"bf": {"boyfriend"}, "gf": {"girlfriend"}, "bff": {"friend"}, "bestie": {"friend"},
	"mum": {"mom"}, "mummy": {"mom"}, "mommy": {"mom"}, "momma": {"mom"}, "mama": {"mom"},
	"mam": {"mom"}, "daddy": {"dad"}, "hubby": {"husband"}, "wifey": {"wife"},
	"sis": {"sister"}, "fiancee": {"fiance"}, "ppl": {"people"}, "pls": {"please"},
	"plz": {"please"}, "u": {"you"}, "ur": {"your"}, "ya": {"you"}, "yall": {"you"},
	"okay": {"ok"}, "k": {"ok"}, "lmao": {"lol"}, "lmfao": {"lol"}, "rofl": {"lol"},
	"haha": {"lol"}, "hahaha": {"lol"}, "hehe": {"lol"}, "xd": {"lol"}, "jk": {"lol"},
	"jks": {"lol"}, "lolol": {"lol"}, "fr": {"for", "real"}, "frfr": {"for", "real"},
	"istg": {"i", "swear"}, "omw": {"on", "my", "way"}, "b4": {"before"}, "w": {"with"},
	"kms": {"kill", "myself"}, "kmsl": {"kill", "myself"}, "kys": {"kill", "yourself"}, "unaliving": {"unalive"}, "unalived": {"unalive"},
	"selfharm": {"self", "harm"}, "selfharming": {"self", "harming"},
	"selfharmed": {"self", "harmed"}, "sewerslide": {"suicide"},
	"myslef": {"myself"}, "mysef": {"myself"}, "mself": {"myself"}, "meself": {"myself"},
	"urself": {"yourself"}, "youself": {"yourself"}, "yourselfe": {"yourself"},
	"coworker": {"coworker"}, "cowork": {"coworker"}, "coworkers": {"coworkers"},
	"gd": {"good"}, "sry": {"sorry"}, "abt": {"about"}, "bout": {"about"}, "thx": {"thanks"},
	"yrs": {"years"}, "yr": {"year"},
	"hrs": {"hours"}, "wks": {"weeks"}, "mos": {"months"}, "mgr": {"manager"},
	"hr": {"hr"}, "irl": {"in", "real", "life"}, "pplz": {"people"},
	"ded": {"dead"}, "dieing": {"dying"}, "dyin": {"dying"}, "lyf": {"life"}, "lyfe": {"life"},
	"alyve": {"alive"}, "sleepin": {"sleeping"}, "nothin": {"nothing"}, "somethin": {"something"},
	"goin": {"going"}, "tryin": {"trying"}, "thinkin": {"thinking"}, "cuttin": {"cutting"},
	"killin": {"killing"}, "feelin": {"feeling"}, "livin": {"living"},
}

var spelling = map[string]string{
	"suicde": "suicide", "sucide": "suicide", "suiside": "suicide", "suicie": "suicide",
	"suicied": "suicide", "suicid": "suicide", "suicidee": "suicide", "sucicide": "suicide",
	"suwuicide": "suicide", "suiciede": "suicide", "siucide": "suicide", "suicdie": "suicide",
	"sucidal": "suicidal", "suicidel": "suicidal", "suisidal": "suicidal", "suicdal": "suicidal",
	"sucicidal": "suicidal", "suicidle": "suicidal", "suiciadal": "suicidal",
	"kil": "kill", "kll": "kill", "klil": "kill", "kiil": "kill", "kiling": "killing",
	"wnat": "want", "wnt": "want", "watn": "want", "wamt": "want", "anymroe": "anymore",
	"anymor": "anymore", "anymo": "anymore", "nomore": "anymore", "tonigt": "tonight",
	"tonihgt": "tonight", "pils": "pills", "pillz": "pills", "myselfe": "myself",
	"myselff": "myself", "mysel": "myself", "mysefl": "myself", "himslef": "himself",
	"herslef": "herself", "thmselves": "themselves", "thier": "their", "beleive": "believe",
	"boyfreind": "boyfriend", "girlfreind": "girlfriend", "freind": "friend",
	"freinds": "friends", "bosses": "boss", "manger": "manager", "mangaer": "manager",
	"cowoker": "coworker", "collegue": "colleague", "colleage": "colleague",
	"husbnd": "husband", "parnter": "partner", "patner": "partner", "sucks": "sucks",
	"becuase": "because", "becasue": "because", "realy": "really", "raped": "raped",
	"rapped": "raped", "molestd": "molested", "dissapear": "disappear", "disapear": "disappear",
	"dissappear": "disappear", "discriminted": "discriminated", "discrimated": "discriminated",
	"rasist": "racist", "rascist": "racist", "racisim": "racism", "homophopic": "homophobic",
	"strangeled": "strangled", "choaked": "choked", "choaking": "choking", "chocked": "choked",
	"threatend": "threatened", "thretened": "threatened", "overdoes": "overdose",
	"overdosd": "overdosed", "odd": "odd", "od": "overdose", "oded": "overdosed",
	"odd'd": "overdosed", "odead": "overdosed", "cutt": "cut", "cuting": "cutting",
	"cuttting": "cutting", "hurtin": "hurting", "hurtng": "hurting", "unalived": "unalive",
	"unaliving": "unalive", "ctb": "ctb", "liv": "live", "lve": "live", "liveing": "living",
	"reasn": "reason", "reson": "reason", "rope": "rope", "noose": "noose",
	"fiancé": "fiance", "fiancée": "fiance", "stepfather": "stepdad", "stepmother": "stepmom",
	"step-dad": "stepdad", "grampa": "grandpa", "gramps": "grandpa", "granny": "grandma",
	"nana": "grandma", "nan": "grandma", "grandad": "grandpa", "granddad": "grandpa",
	"mother": "mom", "father": "dad", "mothers": "moms", "fathers": "dads",
}
