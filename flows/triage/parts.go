package triage

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

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
