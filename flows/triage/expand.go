package triage

import (
	"regexp/syntax"
	"slices"
)

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
