package triage

import "unicode/utf8"

// matchAt reports where the alternative's match starting at start ends, if it matches there.
func (o *openAlt) matchAt(text string, start int) (int, bool) {
	if o.parts == nil {
		return o.regexpAt(text, start)
	}
	return follow(text, start, o.parts, nil)
}

// cont is what remains to match after a sequence of parts: the rest of the sequences that enclose it.
type cont struct {
	seq  []part
	next *cont
}

// follow matches the parts of seq, then rest, at pos, trying the choices of each part in regexp's order of
// preference, and returns where the first complete match ends.
func follow(text string, pos int, seq []part, rest *cont) (int, bool) {
	for len(seq) == 0 {
		if rest == nil {
			return pos, true
		}
		seq, rest = rest.seq, rest.next
	}
	p := &seq[0]
	seq = seq[1:]
	switch p.kind {
	case partPhrases:
		var buf [16]phraseEnd
		for _, c := range p.phrases.at(text, pos, buf[:0]) {
			if end, ok := follow(text, int(c.end), seq, rest); ok {
				return end, true
			}
		}
	case partGap:
		return followGap(text, pos, p, seq, rest)
	case partRun:
		return followRun(text, pos, p, seq, rest)
	case partChoice:
		after := cont{seq, rest}
		for _, branch := range p.branches {
			if end, ok := follow(text, pos, branch, &after); ok {
				return end, true
			}
		}
	}
	return 0, false
}

// followGap skips the words of gap p, as many as it may first unless it is lazy, and follows the rest.
func followGap(text string, pos int, p *part, seq []part, rest *cont) (int, bool) {
	var ends [maxGap + 1]int
	ends[0] = pos
	n := 0
	for n < p.max {
		next, ok := skipWord(text, ends[n])
		if !ok {
			break
		}
		n++
		ends[n] = next
	}
	for j := 0; j <= n-p.min; j++ {
		words := n - j
		if p.lazy {
			words = p.min + j
		}
		if end, ok := follow(text, ends[words], seq, rest); ok {
			return end, true
		}
	}
	return 0, false
}

// followRun takes the runes of run p's class, as many as it may first unless it is lazy, and follows the rest.
func followRun(text string, pos int, p *part, seq []part, rest *cont) (int, bool) {
	end, n := pos, 0
	for end < len(text) && (p.max < 0 || n < p.max) {
		r, size := utf8.DecodeRuneInString(text[end:])
		if !inClass(r, p.class) {
			break
		}
		end += size
		n++
	}
	if n < p.min {
		return 0, false
	}
	if p.lazy {
		for i, k := pos, 0; ; k++ {
			if k >= p.min {
				if e, ok := follow(text, i, seq, rest); ok {
					return e, true
				}
			}
			if i == end {
				return 0, false
			}
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
		}
	}
	for ; n >= p.min; n-- {
		if e, ok := follow(text, end, seq, rest); ok {
			return e, true
		}
		_, size := utf8.DecodeLastRuneInString(text[pos:end])
		end -= size
	}
	return 0, false
}

// inClass reports whether r is in a class given as ranges.
func inClass(r rune, ranges []rune) bool {
	for i := 0; i < len(ranges); i += 2 {
		if r >= ranges[i] && r <= ranges[i+1] {
			return true
		}
	}
	return false
}

// skipWord steps over one `\S+ ` at pos. \S+ cannot stop short of the next white space, since a space must
// follow it, so there is one way only: up to that white space, which must be a space.
func skipWord(text string, pos int) (int, bool) {
	i := pos
	for i < len(text) && !isSpace(text[i]) {
		i++
	}
	if i == pos || i == len(text) || text[i] != ' ' {
		return 0, false
	}
	return i + 1, true
}

// isSpace is regexp's \s: [\t\n\f\r ].
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// regexpAt reports where a regexp alternative's match starting at start ends, if it matches there. regexp has
// no way to begin a match in the middle of a text, so the expression runs from the rune before start and steps
// over it: \b and ^ then see the same text as in a search of the whole.
func (o *openAlt) regexpAt(text string, start int) (int, bool) {
	if start == 0 {
		loc := o.atStart.FindStringIndex(text)
		if loc == nil {
			return 0, false
		}
		return loc[1], true
	}
	_, size := utf8.DecodeLastRuneInString(text[:start])
	loc := o.inside.FindStringIndex(text[start-size:])
	if loc == nil {
		return 0, false
	}
	return start - size + loc[1], true
}
