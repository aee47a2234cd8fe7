package triage

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// gated is a regular expression with a cheap pre-check: sets of literal words, and every match contains at least
// one word of each set. Most messages contain none of a rule's words, and a substring search is far cheaper than
// running the expression; Classify runs a few hundred expressions per message, so this is what keeps it fast.
type gated struct {
	re   *regexp.Regexp
	need [][]string // every set must have a member in the text; empty means always run the expression
}

// mustGate compiles a pattern and works out its required literals. It panics on a bad pattern: patterns are
// part of the program and the tests compile every one.
func mustGate(pat string) *gated {
	g := &gated{re: regexp.MustCompile(pat)}
	if tree, err := syntax.Parse(pat, syntax.Perl); err == nil {
		for _, set := range required(tree.Simplify()) {
			// Sets holding a one-letter word say nothing about a message.
			if shortest(set) >= 2 {
				g.need = append(g.need, set)
			}
		}
	}
	return g
}

// required returns sets of literals such that every match contains a member of each set.
func required(re *syntax.Regexp) [][]string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return [][]string{{string(re.Rune)}}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		var all [][]string
		for _, sub := range re.Sub {
			all = append(all, required(sub)...)
		}
		return all
	case syntax.OpAlternate:
		// Each branch contributes its most selective set; the union is required of the whole.
		var union []string
		for _, sub := range re.Sub {
			best := mostSelective(required(sub))
			if best == nil {
				return nil
			}
			union = append(union, best...)
		}
		return [][]string{union}
	}
	return nil
}

// mostSelective picks the set whose shortest literal is longest: long words are rare words.
func mostSelective(sets [][]string) []string {
	var best []string
	bestLen := 0
	for _, set := range sets {
		if n := shortest(set); n > bestLen {
			best, bestLen = set, n
		}
	}
	return best
}

func shortest(lits []string) int {
	n := -1
	for _, l := range lits {
		if n < 0 || len(l) < n {
			n = len(l)
		}
	}
	return n
}

// possible reports whether s could match: it holds a member of every required set.
func (g *gated) possible(s string) bool {
	for _, set := range g.need {
		found := false
		for _, l := range set {
			if strings.Contains(s, l) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// MatchString reports whether s contains a match.
func (g *gated) MatchString(s string) bool { return g.possible(s) && g.re.MatchString(s) }

// FindAllStringIndex returns the positions of up to n matches.
func (g *gated) FindAllStringIndex(s string, n int) [][]int {
	if !g.possible(s) {
		return nil
	}
	return g.re.FindAllStringIndex(s, n)
}

// FindStringIndex returns the position of the first match.
func (g *gated) FindStringIndex(s string) []int {
	if !g.possible(s) {
		return nil
	}
	return g.re.FindStringIndex(s)
}

// ReplaceAllStringFunc replaces every match with what f returns.
func (g *gated) ReplaceAllStringFunc(s string, f func(string) string) string {
	if !g.possible(s) {
		return s
	}
	return g.re.ReplaceAllStringFunc(s, f)
}

// String returns the expression's source.
func (g *gated) String() string { return g.re.String() }
