package triage

import (
	"encoding/binary"
	"regexp/syntax"
	"slices"
	"strings"
)

// entry is a phrase's place in a trie: whose it is, and how much it is preferred.
type entry struct {
	pat  patternID
	alt  int32 // the pattern's alternative; the lowest that matches wins
	rank int32 // preference among the phrases of one alternative or part; the lowest wins
	// open is -1 when the phrase is a whole match; otherwise the phrase begins a match of phraseIndex.open[open].
	open int32
	// The phrase's assertions, as indexes into trie.asserts: word boundaries, which read the same in a clause as
	// in the whole message, and anchors (^, $), which the scan leaves to whoever reads a span.
	asserts, anchors int32
}

// trie holds phrases as a radix tree: a node where phrases branch or end, an edge per first byte, and the rest
// of a chain of bytes that lead nowhere else as the node's label. Nodes, edges, labels and entries sit in flat
// arrays: some forty thousand phrases as a node per byte, each a struct of slices, would cost megabytes more.
type trie struct {
	nodes    []trieNode
	edgeByte []byte  // by edge, sorted within a node
	edgeNext []int32 // by edge, the node it leads to
	labels   []byte
	entries  []entry
	asserts  [][]assertion
}

// trieNode is a prefix of phrases: the bytes after its edge's that lead to it, its edges to longer prefixes, and
// the entries of the phrases it completes.
type trieNode struct {
	label, labelEnd     int32 // in trie.labels
	edges, edgesEnd     int32
	entries, entriesEnd int32
}

// enter reads node m's label at text[i:], m having been reached by the byte before i; it returns m and the
// position after its label, or -1 if m is no node or its label is not there.
func (t *trie) enter(m int32, text string, i int) (int32, int) {
	if m <= 0 {
		return -1, i
	}
	label := t.labels[t.nodes[m].label:t.nodes[m].labelEnd]
	if len(text)-i < len(label) || text[i:i+len(label)] != string(label) {
		return -1, i
	}
	return m, i + len(label)
}

// step follows from node n the edge for text[i] and its label.
func (t *trie) step(n int32, text string, i int) (int32, int) {
	return t.enter(t.child(n, text[i]), text, i+1)
}

// child follows the edge for c from node n, or returns -1.
func (t *trie) child(n int32, c byte) int32 {
	lo, end := t.nodes[n].edges, t.nodes[n].edgesEnd
	hi := end
	for lo < hi {
		mid := int32(uint32(lo+hi) >> 1)
		if t.edgeByte[mid] < c {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < end && t.edgeByte[lo] == c {
		return t.edgeNext[lo]
	}
	return -1
}

// phraseEnd is a phrase of a part found at a position: its rank and where it ends.
type phraseEnd struct{ rank, end int32 }

// at lists the phrases of t that match text at pos, their assertions holding, by rank.
func (t *trie) at(text string, pos int, out []phraseEnd) []phraseEnd {
	n, i := int32(0), pos
	for {
		node := &t.nodes[n]
		for _, e := range t.entries[node.entries:node.entriesEnd] {
			if holds(t.asserts[e.asserts], text, pos) && holds(t.asserts[e.anchors], text, pos) {
				out = append(out, phraseEnd{e.rank, int32(i)})
				for j := len(out) - 1; j > 0 && out[j].rank < out[j-1].rank; j-- {
					out[j], out[j-1] = out[j-1], out[j]
				}
			}
		}
		if i == len(text) {
			return out
		}
		if n, i = t.step(n, text, i); n < 0 {
			return out
		}
	}
}

// isWordByte is regexp's \w for a byte: the bytes of a multi-byte rune are outside it, as the rune is.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// wordBoundary reports whether \b holds at byte offset i of text.
func wordBoundary(text string, i int) bool {
	before := i > 0 && isWordByte(text[i-1])
	after := i < len(text) && isWordByte(text[i])
	return before != after
}

// holds reports whether the assertions of a phrase starting at start hold in text.
func holds(asserts []assertion, text string, start int) bool {
	for _, a := range asserts {
		i := start + int(a.off)
		var ok bool
		switch a.op {
		case syntax.OpWordBoundary:
			ok = wordBoundary(text, i)
		case syntax.OpNoWordBoundary:
			ok = !wordBoundary(text, i)
		case syntax.OpBeginText:
			ok = i == 0
		case syntax.OpEndText:
			ok = i == len(text)
		}
		if !ok {
			return false
		}
	}
	return true
}

// trieBuilder collects phrases, then lays them out as a trie.
type trieBuilder struct {
	// atBoundaries says the trie is only walked from word boundaries, so a \b that begins a phrase holds and
	// need not be checked.
	atBoundaries bool
	items        []trieItem
	asserts      [][]assertion
	known        map[string]int32 // assertion lists by their bytes, so that each is kept once
}

type trieItem struct {
	text string
	e    entry
}

// add adds a phrase. Phrases of one alternative or part are added most preferred first.
func (b *trieBuilder) add(p phrase, e entry) {
	var bounds, anchors []assertion
	for _, a := range p.asserts {
		if b.atBoundaries && a == (assertion{0, syntax.OpWordBoundary}) {
			continue
		}
		if a.op == syntax.OpBeginText || a.op == syntax.OpEndText {
			anchors = append(anchors, a)
		} else {
			bounds = append(bounds, a)
		}
	}
	e.asserts, e.anchors = b.intern(bounds), b.intern(anchors)
	b.items = append(b.items, trieItem{p.text, e})
}

// intern returns the index of an assertion list, adding it if new: nearly every phrase has the same one, \b at
// both ends.
func (b *trieBuilder) intern(as []assertion) int32 {
	key := make([]byte, 0, 8*len(as))
	for _, a := range as {
		key = binary.LittleEndian.AppendUint32(key, uint32(a.off))
		key = binary.LittleEndian.AppendUint32(key, uint32(a.op))
	}
	if i, ok := b.known[string(key)]; ok {
		return i
	}
	if b.known == nil {
		b.known = map[string]int32{}
	}
	i := int32(len(b.asserts))
	b.asserts = append(b.asserts, as)
	b.known[string(key)] = i
	return i
}

// build lays the phrases out: sorted, each node's entries and edges come out contiguous.
func (b *trieBuilder) build() trie {
	slices.SortStableFunc(b.items, func(x, y trieItem) int { return strings.Compare(x.text, y.text) })
	t := trie{nodes: make([]trieNode, 1), asserts: b.asserts}
	t.fill(0, b.items, 0)
	return t
}

// fill lays out node n, the prefix of length depth that every item shares.
func (t *trie) fill(n int32, items []trieItem, depth int) {
	i := 0
	t.nodes[n].entries = int32(len(t.entries))
	for ; i < len(items) && len(items[i].text) == depth; i++ {
		t.addEntry(n, items[i].e)
	}
	t.nodes[n].entriesEnd = int32(len(t.entries))
	items = items[i:]
	t.nodes[n].edges = int32(len(t.edgeByte))
	for j := 0; j < len(items); j = nextByte(items, j, depth) {
		t.edgeByte = append(t.edgeByte, items[j].text[depth])
		t.edgeNext = append(t.edgeNext, int32(len(t.nodes)))
		t.nodes = append(t.nodes, trieNode{})
	}
	t.nodes[n].edgesEnd = int32(len(t.edgeByte))
	e := t.nodes[n].edges
	for j := 0; j < len(items); e++ {
		k := nextByte(items, j, depth)
		child, group := t.edgeNext[e], items[j:k]
		// The label runs while every phrase of the group goes on, with the same byte. Sorted, a phrase that
		// ends comes first, and the first and last agree on a byte only if all between do.
		end := depth + 1
		for len(group[0].text) > end && group[0].text[end] == group[len(group)-1].text[end] {
			end++
		}
		t.nodes[child].label = int32(len(t.labels))
		t.labels = append(t.labels, group[0].text[depth+1:end]...)
		t.nodes[child].labelEnd = int32(len(t.labels))
		t.fill(child, group, end)
		j = k
	}
}

// nextByte returns the first item after j whose byte at depth differs from j's.
func nextByte(items []trieItem, j, depth int) int {
	k := j + 1
	for k < len(items) && items[k].text[depth] == items[j].text[depth] {
		k++
	}
	return k
}

// addEntry adds e to node n, the node being filled, unless the same alternative already has the same phrase
// there: that earlier copy is preferred and leads to the same matches.
func (t *trie) addEntry(n int32, e entry) {
	for _, old := range t.entries[t.nodes[n].entries:] {
		if old.pat == e.pat && old.alt == e.alt && old.open == e.open && old.asserts == e.asserts &&
			old.anchors == e.anchors {
			return
		}
	}
	t.entries = append(t.entries, e)
}
