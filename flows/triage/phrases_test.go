package triage

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// referenceRegexps compiles every pattern of the shipped lexicon with the regexp package, the reference the
// phrase index must agree with.
var referenceRegexps = sync.OnceValue(func() []*regexp.Regexp {
	lx := shippedLexicon()
	out := make([]*regexp.Regexp, len(lx.sources))
	for i, src := range lx.sources {
		out[i] = regexp.MustCompile(src)
	}
	return out
})

// agree reports the first pattern whose matches in text the index and regexp disagree on.
func agree(t *testing.T, text string) {
	t.Helper()
	lx := shippedLexicon()
	var sc phraseScan
	lx.index.scan(text, &sc)
	for id, re := range referenceRegexps() {
		want := re.FindAllStringIndex(text, -1)
		got := sc.whole().matches(patternID(id), -1)
		if !sameMatches(got, want) {
			t.Fatalf("pattern %d (%.80s...) on %q:\nindex  %v\nregexp %v", id, lx.sources[id], text, got, want)
		}
		if n := sc.whole().matches(patternID(id), 1); len(n) != min(len(want), 1) {
			t.Fatalf("pattern %d on %q: first match %v, regexp %v", id, text, n, want)
		}
	}
}

// agreeInSpans checks every pattern's matches in each clause of a message, read as a span of the whole, against
// regexp on the clause alone.
func agreeInSpans(t *testing.T, clauses []string) {
	t.Helper()
	lx := shippedLexicon()
	var sc phraseScan
	lx.index.scan(strings.Join(clauses, " . "), &sc)
	lo := 0
	for _, c := range clauses {
		sp := sc.span(lo, lo+len(c))
		for id, re := range referenceRegexps() {
			if got, want := sp.matches(patternID(id), -1), re.FindAllStringIndex(c, -1); !sameMatches(got, want) {
				t.Fatalf("pattern %d (%.80s...) on clause %q of %q:\nspan   %v\nregexp %v", id, lx.sources[id], c, sc.text, got, want)
			}
		}
		lo += len(c) + len(" . ")
	}
}

func sameMatches(got [][2]int, want [][]int) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i][0] != want[i][0] || got[i][1] != want[i][1] {
			return false
		}
	}
	return true
}

// scannedTexts are the texts Classify scans for a message: the whole, each clause, each clause with its
// idioms blanked out.
func scannedTexts(msg string) []string {
	clauses := normalize(msg)
	if len(clauses) == 0 {
		return nil
	}
	idioms := referenceRegexps()[shippedLexicon().idioms]
	var out, parts []string
	for _, c := range clauses {
		parts = append(parts, c.text)
		out = append(out, c.text)
		if blanked := idioms.ReplaceAllString(c.text, "xidiom"); blanked != c.text {
			out = append(out, blanked)
		}
	}
	return append(out, strings.Join(parts, " . "))
}

// TestPhraseIndexAgreesWithRegexp holds the phrase index to the regexp package, pattern by pattern, on every
// text the classifier scans for the labelled messages, and on texts made of the patterns' own words.
func TestPhraseIndexAgreesWithRegexp(t *testing.T) {
	msgs := labelledMessages(t)
	sample := testing.Short() || raceEnabled // the regexps run ten times slower under the race detector
	if sample {
		msgs = msgs[:len(msgs)/8]
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		for _, text := range scannedTexts(m) {
			if !seen[text] {
				seen[text] = true
				agree(t, text)
			}
		}
		var clauses []string
		for _, c := range normalize(m) {
			clauses = append(clauses, c.text)
		}
		if len(clauses) > 1 {
			agreeInSpans(t, clauses)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	words := patternWords()
	n := 3000
	if sample {
		n = 300
	}
	for range n {
		agree(t, wordSoup(rng, words))
		agreeInSpans(t, []string{wordSoup(rng, words), wordSoup(rng, words), wordSoup(rng, words)})
	}
}

// patternWords are the words the patterns are written in, and a few that test the edges: digits, punctuation
// the normaliser keeps, letters outside ASCII.
func patternWords() []string {
	seen := map[string]bool{}
	for _, src := range shippedLexicon().sources {
		for _, w := range regexp.MustCompile(`[a-z0-9]+`).FindAllString(src, -1) {
			seen[w] = true
		}
	}
	for _, w := range []string{",", ".", "14", "2", "1999", "7yo", "straße", "café", "@", "$5", "x_y", "é"} {
		seen[w] = true
	}
	words := make([]string, 0, len(seen))
	for w := range seen {
		words = append(words, w)
	}
	slices.Sort(words)
	return words
}

// wordSoup is a few words of the patterns in a row, as a message could have them.
func wordSoup(rng *rand.Rand, words []string) string {
	n := 1 + rng.IntN(14)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[rng.IntN(len(words))]
	}
	return strings.Join(ws, " ")
}

// FuzzPhraseIndex compares the index with regexp on any string, not only normalised ones, as a whole and split
// at "|" into clauses read as spans.
func FuzzPhraseIndex(f *testing.F) {
	for _, s := range []string{
		"he said he would kill me", "my best friend took too many pills", "i am 14yo", "lips are turning blue",
		"end it all", "the deadline is killing me", "\xff\xfekill myself", "ÉTÉ straße 9 years clean",
		"i just want to end it|end it all|he will kill me", "my mom said she will|kill me",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 300 {
			s = s[:300]
		}
		agree(t, s)
		agreeInSpans(t, strings.Split(s, "|"))
	})
}

// TestPhraseIndexRefusesLoosePatterns checks that a pattern the index could only try at every position is
// refused when the index is built, not discovered as a slow scan.
func TestPhraseIndexRefusesLoosePatterns(t *testing.T) {
	for _, src := range []string{`\b(?:(?:\S+ ){0,2}kill)\b`, `\b(?:ok|(?:x)?)\b`, `kill|die`} {
		t.Run(src, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("newPhraseIndex(%q) did not panic", src)
				}
			}()
			newPhraseIndex([]string{src})
		})
	}
}

// TestPhraseIndexPreference pins regexp's leftmost-first choices the index must make on its own.
func TestPhraseIndexPreference(t *testing.T) {
	cases := []struct {
		pattern, text string
		want          [][2]int
	}{
		{`\b(?:ex|ex boyfriend)\b`, "my ex boyfriend", [][2]int{{3, 5}}},        // first alternative wins
		{`\b(?:ex boyfriend|ex)\b`, "my ex boyfriend", [][2]int{{3, 15}}},       // likewise
		{`\b(?:kill(?: me)?)\b`, "kill me now", [][2]int{{0, 7}}},               // greedy ?
		{`\b(?:kill(?: me)??)\b`, "kill me now", [][2]int{{0, 4}}},              // lazy ?
		{`\b(?:a (?:\S+ ){0,2}b)\b`, "a x b b", [][2]int{{0, 7}}},               // greedy gap
		{`\b(?:a (?:\S+ ){0,2}?b)\b`, "a x b b", [][2]int{{0, 5}}},              // lazy gap
		{`\b(?:a (?:\S+ ){0,2}b)\b`, "a x b y b", [][2]int{{0, 5}}},             // a gap gives words back
		{`\b(?:\d+ ?yo)\b`, "he is 14 yo and 9yo", [][2]int{{6, 11}, {16, 19}}}, // runs of a class
		{`\b(?:end it$|^ *end it)\b`, "end it now , end it", [][2]int{{0, 6}, {13, 19}}},
		{`\b(?:a b|b c)\b`, "a b c", [][2]int{{0, 3}}}, // no overlapping matches
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s on %s", tc.pattern, tc.text), func(t *testing.T) {
			ix := newPhraseIndex([]string{tc.pattern})
			var sc phraseScan
			ix.scan(tc.text, &sc)
			got := sc.whole().matches(0, -1)
			if !slices.Equal(got, tc.want) {
				t.Errorf("matches = %v, want %v", got, tc.want)
			}
			if want := regexp.MustCompile(tc.pattern).FindAllStringIndex(tc.text, -1); !sameMatches(tc.want, want) {
				t.Errorf("the case is wrong: regexp says %v", want)
			}
		})
	}
}
