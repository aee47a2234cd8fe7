package triage

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// The rules, ideas, markers and concern cues are a few hundred regular expressions, nearly all of them long
// alternations over finite lists of words and phrases. Run one after another by Go's regexp, which tries every
// alternative at every position of the text, they cost a few hundred microseconds per sentence. A phraseIndex
// compiles them all into one trie of phrases, walked once per text from each word boundary, and reports for each
// pattern exactly the matches regexp.FindAllStringIndex would. The patterns stay the readable source of truth;
// TestPhraseIndexAgreesWithRegexp holds the index to the regexp package.
//
// How the matches stay exact. Every pattern is `\b(?:A1|A2|...)\b`. regexp's leftmost-first matching takes, at
// the leftmost position where the pattern matches, the first alternative that matches there, and within an
// alternative the match a backtracking matcher would find first. So each alternative is expanded into the list
// of phrases it matches, most preferred first, and a match at a position is the phrase of lowest (alternative,
// rank). Word boundaries, ^ and $ inside a phrase are kept as assertions checked against the text.
//
// Some alternatives skip words, `(?:\S+ ){0,3}`, or read a number, `\d+`, and so match no finite list. Such an
// alternative is open: the trie holds only phrases its matches begin with, and where one is found, the
// alternative is matched from there as a sequence of parts (phrase sets, gaps of words, runs of a character
// class, choices), each tried in regexp's order of preference, as a backtracking matcher would. A gap skips whole
// words, one way only, since \S+ must run up to the space after it. The rare alternative parts cannot describe
// (a repeated group) is decided by its own regular expression, anchored where it may begin.
//
// The phrases an open alternative begins with are often common words ("he", "my", "is"), and most of the time
// the rest does not follow. So where a later part's phrases must appear in every match, beginning at a word
// boundary, they go into the trie too, under an id of their own: an alternative whose needed phrases the scan
// did not find after its start is not tried.

// patternID names a pattern of a phraseIndex by its position in the list the index was built from.
type patternID int32

// maxPhrases bounds the expansion of one alternative or part.
const maxPhrases = 10000

// maxGap bounds the words a gap may skip.
const maxGap = 32

// phraseIndex finds where each of many patterns matches a text, in one walk of a trie. It is immutable once
// built and safe for concurrent use.
type phraseIndex struct {
	trie
	root [256]int32 // the root's children by byte, 0 for none
	open []openAlt
	ids  int // the patterns, then the phrase sets open alternatives need (openAlt.need)
}

// openAlt is how an open alternative is matched where one of its first phrases is found: by its parts, or, for
// an alternative parts cannot describe, by the alternative anchored at the start of the text and anchored after
// one rune, to run from the rune before the position.
type openAlt struct {
	parts           []part
	atStart, inside *regexp.Regexp
	// need, when not -1, names phrases every match contains after where it begins: where none is found, the
	// alternative is not tried.
	need patternID
}

// partKind says what a part of an open alternative matches.
type partKind uint8

const (
	partPhrases partKind = iota // one of a set of phrases, by rank
	partGap                     // min to max words, each `\S+ `
	partRun                     // min to max runes of a class (max < 0: no limit)
	partChoice                  // one of its branches, in order
)

// part is one step of an open alternative.
type part struct {
	kind     partKind
	phrases  *trie
	min, max int
	lazy     bool   // a gap or run that prefers fewer
	class    []rune // a run's class, as ranges
	branches [][]part
}

// assertion is a zero-width condition at an offset into a phrase: a word boundary, the start or end of text.
type assertion struct {
	off int32
	op  syntax.Op
}

// phrase is a string a pattern matches, with the zero-width conditions on its way.
type phrase struct {
	text    string
	asserts []assertion
}

// newPhraseIndex compiles patterns of the form `\b(?:...)\b`. It panics on a pattern it cannot take: the
// patterns are part of the program and the tests build the index.
func newPhraseIndex(patterns []string) *phraseIndex {
	ix := &phraseIndex{ids: len(patterns)}
	b := trieBuilder{atBoundaries: true}
	c := partCompiler{tries: map[string]*trie{}, lists: map[*trie][]phrase{}}
	for id, src := range patterns {
		for ai, alt := range splitAlternatives(src) {
			if err := ix.addAlternative(&b, &c, patternID(id), int32(ai), alt); err != nil {
				panic(fmt.Sprintf("triage: pattern %d (%.60s...) alternative %d: %v", id, src, ai, err))
			}
		}
	}
	ix.trie = b.build()
	for e := ix.nodes[0].edges; e < ix.nodes[0].edgesEnd; e++ {
		ix.root[ix.edgeByte[e]] = ix.edgeNext[e]
	}
	return ix
}

// addAlternative puts one alternative of a pattern into the trie: all its phrases, or, for an open one, the
// phrases its matches begin with.
func (ix *phraseIndex) addAlternative(b *trieBuilder, c *partCompiler, id patternID, alt int32, src string) error {
	whole := `\b(?:` + src + `)\b`
	re, err := syntax.Parse(whole, syntax.Perl)
	if err != nil {
		return err
	}
	phrases, complete := expand(re.Simplify(), maxPhrases)
	e := entry{pat: id, alt: alt, open: -1}
	if !complete {
		e.open = int32(len(ix.open))
		ix.open = append(ix.open, ix.openAlternative(b, c, re, whole))
	}
	for rank, p := range phrases {
		if p.text == "" && (complete || !slices.Contains(p.asserts, assertion{0, syntax.OpBeginText})) {
			// A match could be empty, or begin anywhere: the index would have to try every position.
			return fmt.Errorf("%s can begin with anything", src)
		}
		e.rank = int32(rank)
		b.add(p, e)
	}
	return nil
}

// openAlternative compiles an open alternative: into parts, with the phrases its matches need if it has some,
// or into regular expressions if parts cannot describe it.
func (ix *phraseIndex) openAlternative(b *trieBuilder, c *partCompiler, re *syntax.Regexp, whole string) openAlt {
	parts, ok := c.sequence(elements(re))
	if !ok {
		return openAlt{
			atStart: regexp.MustCompile(`^` + whole),
			inside:  regexp.MustCompile(`^(?s:.)` + whole),
			need:    -1,
		}
	}
	o := openAlt{parts: parts, need: -1}
	if need, ok := c.needed(parts); ok {
		o.need = patternID(ix.ids)
		ix.ids++
		for _, p := range need {
			b.add(p, entry{pat: o.need, open: -1})
		}
	}
	return o
}

// splitAlternatives splits `\b(?:A1|A2|...)\b` into the sources of A1, A2, ...
func splitAlternatives(src string) []string {
	inner, ok := strings.CutPrefix(src, `\b(?:`)
	if ok {
		inner, ok = strings.CutSuffix(inner, `)\b`)
	}
	if !ok {
		panic(fmt.Sprintf("triage: pattern %.40q is not of the form \\b(?:...)\\b", src))
	}
	var out []string
	depth, start, inClass := 0, 0, false
	for i := 0; i < len(inner); i++ {
		switch c := inner[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				panic(fmt.Sprintf("triage: pattern %.40q is not one group", src))
			}
		case c == '|' && depth == 0:
			out = append(out, inner[start:i])
			start = i + 1
		}
	}
	return append(out, inner[start:])
}

// elements lists the sequence re is, flattened.
func elements(re *syntax.Regexp) []*syntax.Regexp {
	switch re.Op {
	case syntax.OpConcat:
		var out []*syntax.Regexp
		for _, sub := range re.Sub {
			out = append(out, elements(sub)...)
		}
		return out
	case syntax.OpCapture:
		return elements(re.Sub[0])
	case syntax.OpEmptyMatch:
		return nil
	}
	return []*syntax.Regexp{re}
}

// partCompiler compiles open alternatives into parts, sharing the trie of a run of phrases that several
// alternatives have.
type partCompiler struct {
	tries map[string]*trie   // by the run's expression
	lists map[*trie][]phrase // the phrases of each trie
}

// sequence compiles a sequence of elements: runs of fixed phrases become phrase parts, the rest gaps, runs and
// choices. It returns false if some element is none of these.
func (c *partCompiler) sequence(els []*syntax.Regexp) ([]part, bool) {
	var parts []part
	var run []*syntax.Regexp
	for i := 0; i < len(els); i++ {
		el := els[i]
		if finite(el) {
			run = append(run, el)
			continue
		}
		var ok bool
		if parts, ok = c.phrases(parts, run); !ok {
			return nil, false
		}
		run = nil
		if min, max, lazy, ok := gapOf(el); ok {
			parts = append(parts, part{kind: partGap, min: min, max: max, lazy: lazy})
			continue
		}
		if isNonSpaceRun(el) && i+1 < len(els) && startsWithSpace(els[i+1]) {
			// `\S+ ` outside a group is a gap of one word.
			parts = append(parts, part{kind: partGap, min: 1, max: 1})
			if rest := els[i+1].Rune[1:]; len(rest) > 0 {
				run = append(run, &syntax.Regexp{Op: syntax.OpLiteral, Rune: rest, Flags: els[i+1].Flags})
			}
			i++
			continue
		}
		p, ok := c.open(el)
		if !ok {
			return nil, false
		}
		parts = append(parts, p)
	}
	return c.phrases(parts, run)
}

// open compiles an element that matches no finite list: a choice, an optional part, or a run of a class.
func (c *partCompiler) open(el *syntax.Regexp) (part, bool) {
	switch el.Op {
	case syntax.OpAlternate:
		p := part{kind: partChoice}
		for i := 0; i < len(el.Sub); {
			// Fixed branches in a row are one branch: their phrases, in the same order, in one trie.
			j := i
			for j < len(el.Sub) && finite(el.Sub[j]) {
				j++
			}
			var branch []*syntax.Regexp
			if j-i > 1 && finite(&syntax.Regexp{Op: syntax.OpAlternate, Sub: el.Sub[i:j]}) {
				branch = []*syntax.Regexp{{Op: syntax.OpAlternate, Sub: el.Sub[i:j]}}
			} else {
				j = i + 1
				branch = elements(el.Sub[i])
			}
			seq, ok := c.sequence(branch)
			if !ok {
				return part{}, false
			}
			p.branches = append(p.branches, seq)
			i = j
		}
		return p, true
	case syntax.OpQuest:
		sub, ok := c.sequence(elements(el.Sub[0]))
		if !ok {
			return part{}, false
		}
		if el.Flags&syntax.NonGreedy != 0 {
			return part{kind: partChoice, branches: [][]part{nil, sub}}, true
		}
		return part{kind: partChoice, branches: [][]part{sub, nil}}, true
	case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		class, ok := classOf(el.Sub[0])
		if !ok {
			return part{}, false
		}
		p := part{kind: partRun, class: class, lazy: el.Flags&syntax.NonGreedy != 0, max: -1}
		switch el.Op {
		case syntax.OpPlus:
			p.min = 1
		case syntax.OpRepeat:
			p.min, p.max = el.Min, el.Max
		}
		return p, true
	}
	return part{}, false
}

// classOf returns the ranges of a one-rune element: a class or a literal rune.
func classOf(el *syntax.Regexp) ([]rune, bool) {
	switch {
	case el.Op == syntax.OpCharClass:
		return el.Rune, true
	case el.Op == syntax.OpLiteral && len(el.Rune) == 1 && el.Flags&syntax.FoldCase == 0:
		return []rune{el.Rune[0], el.Rune[0]}, true
	}
	return nil, false
}

// phrases appends to parts the phrase parts of a run of fixed elements: one part, or several in a row when one
// would hold too many phrases.
func (c *partCompiler) phrases(parts []part, run []*syntax.Regexp) ([]part, bool) {
	for len(run) > 0 {
		n := len(run)
		var ps []phrase
		for ; n > 0; n-- {
			var ok bool
			if ps, ok = expand(concat(run[:n]).Simplify(), maxPhrases); ok {
				break
			}
		}
		if n == 0 {
			return nil, false
		}
		key := concat(run[:n]).String()
		t := c.tries[key]
		if t == nil {
			var b trieBuilder
			for rank, p := range ps {
				b.add(p, entry{rank: int32(rank), open: -1})
			}
			built := b.build()
			t = &built
			c.tries[key] = t
			c.lists[t] = ps
		}
		parts = append(parts, part{kind: partPhrases, phrases: t})
		run = run[n:]
	}
	return parts, true
}

// needed finds phrases every match of an open alternative contains after its first part, each beginning at a
// word boundary, where the scan of the text walks: the phrases a later part begins with. Those that begin with a
// space or other non-word byte are cut to where the first word begins. A part qualifies when what comes before
// it ends with a non-word byte, as a gap of words does. The later the part, the rarer its phrases tend to be.
func (c *partCompiler) needed(parts []part) ([]phrase, bool) {
	for k := len(parts) - 1; k >= 1; k-- {
		lead, ok := c.leading(parts[k:])
		if !ok {
			continue
		}
		var out []phrase
		for _, p := range lead {
			i := strings.IndexFunc(p.text, func(r rune) bool { return r < utf8.RuneSelf && isWordByte(byte(r)) })
			switch {
			case i > 0:
				out = append(out, p.from(i))
			case i == 0 && c.endsNonWord(parts[:k]):
				out = append(out, p)
			default:
				ok = false
			}
		}
		if ok {
			return out, true
		}
	}
	return nil, false
}

// leading returns phrases every match of seq begins with, if its first part says.
func (c *partCompiler) leading(seq []part) ([]phrase, bool) {
	if len(seq) == 0 {
		return nil, false
	}
	switch p := seq[0]; p.kind {
	case partPhrases:
		list := c.lists[p.phrases]
		for _, ph := range list {
			if ph.text == "" {
				return nil, false // the part may match nothing, and the match begin with the next
			}
		}
		return list, true
	case partChoice:
		var out []phrase
		for _, branch := range p.branches {
			lead, ok := c.leading(branch)
			if !ok {
				return nil, false
			}
			out = append(out, lead...)
		}
		return out, true
	}
	return nil, false
}

// endsNonWord reports whether every match of seq ends with a byte that is not a word byte.
func (c *partCompiler) endsNonWord(seq []part) bool {
	for k := len(seq) - 1; k >= 0; k-- {
		switch p := seq[k]; p.kind {
		case partGap:
			if p.min > 0 {
				return true // a word and its space
			}
		case partPhrases:
			empty := false
			for _, ph := range c.lists[p.phrases] {
				if ph.text == "" {
					empty = true
				} else if isWordByte(ph.text[len(ph.text)-1]) {
					return false
				}
			}
			if !empty {
				return true
			}
		default:
			return false
		}
		// This part may match nothing: what ends the match is before it.
	}
	return false
}

func concat(els []*syntax.Regexp) *syntax.Regexp {
	return &syntax.Regexp{Op: syntax.OpConcat, Sub: els}
}

// finite reports whether el matches a finite list of phrases.
func finite(el *syntax.Regexp) bool {
	_, ok := expand(el.Simplify(), maxPhrases)
	return ok
}

// gapOf recognises `(?:\S+ ){min,max}` and `(?:\S+ )?`.
func gapOf(el *syntax.Regexp) (min, max int, lazy, ok bool) {
	var sub *syntax.Regexp
	switch el.Op {
	case syntax.OpRepeat:
		sub, min, max = el.Sub[0], el.Min, el.Max
	case syntax.OpQuest:
		sub, min, max = el.Sub[0], 0, 1
	default:
		return 0, 0, false, false
	}
	word := elements(sub)
	if max < 0 || max > maxGap || len(word) != 2 || !isNonSpaceRun(word[0]) || !isLiteral(word[1], " ") {
		return 0, 0, false, false
	}
	return min, max, el.Flags&syntax.NonGreedy != 0, true
}

// nonSpace is the class \S, as the parser writes it.
var nonSpace = func() []rune {
	re, _ := syntax.Parse(`\S`, syntax.Perl)
	return re.Rune
}()

// isNonSpaceRun recognises a greedy \S+.
func isNonSpaceRun(el *syntax.Regexp) bool {
	return el.Op == syntax.OpPlus && el.Flags&syntax.NonGreedy == 0 &&
		el.Sub[0].Op == syntax.OpCharClass && slices.Equal(el.Sub[0].Rune, nonSpace)
}

func isLiteral(el *syntax.Regexp, s string) bool {
	return el.Op == syntax.OpLiteral && el.Flags&syntax.FoldCase == 0 && string(el.Rune) == s
}

func startsWithSpace(el *syntax.Regexp) bool {
	return el.Op == syntax.OpLiteral && el.Flags&syntax.FoldCase == 0 && len(el.Rune) > 0 && el.Rune[0] == ' '
}

// expand lists the phrases re matches, most preferred first, in the order regexp's leftmost-first matching
// prefers them. re must be simplified. Where re matches more than a finite list of limit phrases (a repetition,
// a wide class), it returns false and phrases every match of re begins with instead.
func expand(re *syntax.Regexp, limit int) ([]phrase, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []phrase{{}}, true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return []phrase{{}}, false
		}
		return []phrase{{text: string(re.Rune)}}, true
	case syntax.OpCharClass:
		return expandClass(re.Rune)
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginText, syntax.OpEndText:
		return []phrase{{asserts: []assertion{{0, re.Op}}}}, true
	case syntax.OpCapture:
		return expand(re.Sub[0], limit)
	case syntax.OpQuest:
		sub, complete := expand(re.Sub[0], limit)
		switch {
		case !complete || len(sub) >= limit:
			return append(sub, phrase{}), false
		case re.Flags&syntax.NonGreedy != 0:
			return append([]phrase{{}}, sub...), true
		}
		return append(sub, phrase{}), true
	case syntax.OpStar:
		sub, _ := expand(re.Sub[0], limit)
		return append(sub, phrase{}), false
	case syntax.OpPlus:
		sub, _ := expand(re.Sub[0], limit)
		return sub, false
	case syntax.OpRepeat:
		sub, _ := expand(re.Sub[0], limit)
		if re.Min == 0 {
			sub = append(sub, phrase{})
		}
		return sub, false
	case syntax.OpConcat:
		return expandConcat(re.Sub, limit)
	case syntax.OpAlternate:
		var out []phrase
		complete := true
		for _, sub := range re.Sub {
			ps, c := expand(sub, limit)
			out = append(out, ps...)
			complete = complete && c
		}
		if len(out) > limit {
			return []phrase{{}}, false
		}
		return out, complete
	}
	return []phrase{{}}, false
}

// expandClass lists the runes of a small character class; a wide one (\S, \w) matches no useful list.
func expandClass(ranges []rune) ([]phrase, bool) {
	n := 0
	for i := 0; i < len(ranges); i += 2 {
		n += int(ranges[i+1]-ranges[i]) + 1
	}
	if n > 16 {
		return []phrase{{}}, false
	}
	out := make([]phrase, 0, n)
	for i := 0; i < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			out = append(out, phrase{text: string(r)})
		}
	}
	return out, true
}

// expandConcat expands a sequence: every phrase of the first part followed by every phrase of the rest, the
// first part's preference first. At an open part, or where the list would pass limit, it stops: the phrases so
// far still begin every match.
func expandConcat(subs []*syntax.Regexp, limit int) ([]phrase, bool) {
	acc := []phrase{{}}
	for i, sub := range subs {
		if sub.Op == syntax.OpStar {
			if iter, ok := expand(sub.Sub[0], limit); ok {
				// A repeated list: a match that repeats it at least once begins with one of its phrases, one
				// that repeats it no times begins as the rest does.
				rest, _ := expandConcat(subs[i+1:], limit)
				return product(acc, append(slices.Clip(iter), rest...), limit), false
			}
		}
		ps, complete := expand(sub, limit)
		if len(acc)*len(ps) > limit {
			return acc, false
		}
		next := make([]phrase, 0, len(acc)*len(ps))
		for _, a := range acc {
			for _, p := range ps {
				next = append(next, a.then(p))
			}
		}
		acc = next
		if !complete {
			return acc, false
		}
	}
	return acc, true
}

// product is every phrase of acc followed by every phrase of ps, or acc alone if that would pass limit.
func product(acc, ps []phrase, limit int) []phrase {
	if len(acc)*len(ps) > limit {
		return acc
	}
	out := make([]phrase, 0, len(acc)*len(ps))
	for _, a := range acc {
		for _, p := range ps {
			out = append(out, a.then(p))
		}
	}
	return out
}

// from is p without its first i bytes, and the assertions there.
func (p phrase) from(i int) phrase {
	out := phrase{text: p.text[i:]}
	for _, a := range p.asserts {
		if int(a.off) >= i {
			out.asserts = append(out.asserts, assertion{a.off - int32(i), a.op})
		}
	}
	return out
}

// then is a followed by p.
func (a phrase) then(p phrase) phrase {
	out := phrase{text: a.text + p.text, asserts: slices.Clip(a.asserts)}
	for _, as := range p.asserts {
		out.asserts = append(out.asserts, assertion{int32(len(a.text)) + as.off, as.op})
	}
	return out
}
