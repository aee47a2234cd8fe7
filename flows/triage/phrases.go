package triage

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
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
