package triage

import (
	"cmp"
	"regexp/syntax"
	"slices"
)

// hit is a phrase found in a text: where it starts and ends, its entry, and the next hit of its pattern.
type hit struct {
	start, end int32
	entry      int32
	next       int32
}

// phraseScan is what a phraseIndex found in one text. The zero value is ready to scan; its results are valid
// until it scans another text.
type phraseScan struct {
	ix    *phraseIndex
	text  string
	hits  []hit
	first []int32 // by pattern, its first hit or -1; the hits of a pattern are linked in order of start
	last  []int32
	found [][2]int
	opens []int32 // the hits of open alternatives at one start
}

// scan finds every phrase of the index in text.
func (ix *phraseIndex) scan(text string, sc *phraseScan) {
	sc.reset(ix, text)
	for start := 0; start < len(text); start++ {
		// Every phrase begins with the pattern's \b: only a word boundary can start one.
		if wordBoundary(text, start) {
			ix.walk(text, start, sc)
		}
	}
}

// walk follows the trie from start along text, recording every phrase that ends on the way.
func (ix *phraseIndex) walk(text string, start int, sc *phraseScan) {
	sc.record(0, start, start)
	n, i := ix.enter(ix.root[text[start]], text, start+1)
	for n > 0 {
		sc.record(n, start, i)
		if i == len(text) {
			return
		}
		n, i = ix.step(n, text, i)
	}
}

func (sc *phraseScan) reset(ix *phraseIndex, text string) {
	sc.ix, sc.text, sc.hits = ix, text, sc.hits[:0]
	if len(sc.first) != ix.ids {
		sc.first = make([]int32, ix.ids)
		sc.last = make([]int32, ix.ids)
	}
	for i := range sc.first {
		sc.first[i] = -1
	}
}

// record adds the phrases that node n completes, from start to end, to their patterns' hits where their
// assertions hold.
func (sc *phraseScan) record(n int32, start, end int) {
	ix := sc.ix
	node := &ix.nodes[n]
	for ei := node.entries; ei < node.entriesEnd; ei++ {
		e := &ix.entries[ei]
		if !holds(ix.asserts[e.asserts], sc.text, start) {
			continue // anchors are checked by the span that reads the hit
		}
		h := int32(len(sc.hits))
		sc.hits = append(sc.hits, hit{start: int32(start), end: int32(end), entry: ei, next: -1})
		if sc.first[e.pat] < 0 {
			sc.first[e.pat] = h
		} else {
			sc.hits[sc.last[e.pat]].next = h
		}
		sc.last[e.pat] = h
	}
}

// span is a stretch of a scanned text read as a text of its own, as a clause of a message is. The bytes on
// either side of it must not be word characters, so that \b reads the same inside it as in the whole; its own
// ends are where ^ and $ hold.
type span struct {
	sc     *phraseScan
	lo, hi int
}

// whole is the scanned text as one span.
func (sc *phraseScan) whole() span { return span{sc, 0, len(sc.text)} }

// span returns text[lo:hi] as a span. It panics if the span would cut a word.
func (sc *phraseScan) span(lo, hi int) span {
	if lo > 0 && isWordByte(sc.text[lo-1]) || hi < len(sc.text) && isWordByte(sc.text[hi]) {
		panic("triage: a span must not cut a word")
	}
	return span{sc, lo, hi}
}

func (s span) text() string { return s.sc.text[s.lo:s.hi] }

// none reports whether no phrase of any pattern was found in the scanned text, so that no pattern can match the
// span.
func (s span) none() bool { return len(s.sc.hits) == 0 }

// has reports whether pattern id matches the span.
func (s span) has(id patternID) bool { return len(s.matches(id, 1)) > 0 }

// matches returns up to n (every one when n < 0) successive, non-overlapping matches of pattern id in the span,
// leftmost first, as offsets into it: what regexp's FindAllStringIndex returns for the span's text. The slice
// is reused by the next call.
func (s span) matches(id patternID, n int) [][2]int {
	if s.sc.first[id] < 0 {
		return nil // the common case, kept small enough to inline: the pattern has no phrase in the text
	}
	return s.find(id, n)
}

func (s span) find(id patternID, n int) [][2]int {
	sc := s.sc
	sc.found = sc.found[:0]
	pos := s.lo
	for h := sc.first[id]; h >= 0 && n != 0; {
		start := int(sc.hits[h].start)
		if start >= s.hi {
			break
		}
		if start < pos {
			h = sc.hits[h].next
			continue
		}
		end, ok, next := s.bestAt(h)
		if ok {
			sc.found = append(sc.found, [2]int{start - s.lo, end - s.lo})
			pos = end
			n--
		}
		h = next
	}
	return sc.found
}

// bestAt decides whether the pattern of hit h matches where h starts, and where that match ends: the lowest
// alternative that matches there wins, and within it the phrase of lowest rank. It also returns the pattern's
// first hit at a later start.
func (s span) bestAt(h int32) (end int, ok bool, next int32) {
	sc := s.sc
	start := sc.hits[h].start
	bestAlt, bestRank, bestEnd := int32(-1), int32(0), 0
	sc.opens = sc.opens[:0]
	for ; h >= 0 && sc.hits[h].start == start; h = sc.hits[h].next {
		hit := &sc.hits[h]
		e := &sc.ix.entries[hit.entry]
		if int(hit.end) > s.hi || !s.anchored(e.anchors, int(start)) {
			continue // the phrase does not fit in the span
		}
		switch {
		case e.open >= 0:
			sc.opens = append(sc.opens, h)
		case bestAlt < 0 || e.alt < bestAlt || e.alt == bestAlt && e.rank < bestRank:
			bestAlt, bestRank, bestEnd = e.alt, e.rank, int(hit.end)
		}
	}
	if end, ok := s.bestOpen(bestAlt); ok {
		return end, true, h
	}
	return bestEnd, bestAlt >= 0, h
}

// occurs reports whether a phrase of id was found in the span at or after from.
func (s span) occurs(id patternID, from int) bool {
	for h := s.sc.first[id]; h >= 0; h = s.sc.hits[h].next {
		if hit := &s.sc.hits[h]; int(hit.start) >= from && int(hit.end) <= s.hi {
			return true
		}
	}
	return false
}

// anchored reports whether the ^ and $ of a phrase starting at start hold in the span.
func (s span) anchored(anchors int32, start int) bool {
	for _, a := range s.sc.ix.asserts[anchors] {
		i := start + int(a.off)
		if a.op == syntax.OpBeginText && i != s.lo || a.op == syntax.OpEndText && i != s.hi {
			return false
		}
	}
	return true
}

// bestOpen matches the open alternatives begun at one start that are preferred to alternative before (all of
// them when before < 0), in order of preference, and returns where the first that matches ends.
func (s span) bestOpen(before int32) (int, bool) {
	sc := s.sc
	ents := sc.ix.entries
	if len(sc.opens) > 1 {
		slices.SortFunc(sc.opens, func(a, b int32) int {
			return cmp.Compare(ents[sc.hits[a].entry].alt, ents[sc.hits[b].entry].alt)
		})
	}
	tried := int32(-1)
	for _, h := range sc.opens {
		e := &ents[sc.hits[h].entry]
		if before >= 0 && e.alt >= before {
			break
		}
		if e.alt == tried {
			continue // another phrase the same alternative may begin with
		}
		tried = e.alt
		o := &sc.ix.open[e.open]
		start := int(sc.hits[h].start)
		if o.need >= 0 && !s.occurs(o.need, start) {
			continue
		}
		if end, ok := o.matchAt(s.text(), start-s.lo); ok {
			return s.lo + end, true
		}
	}
	return 0, false
}
