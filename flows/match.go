package flows

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTextRunes caps free text kept in a session: enough for a few paragraphs, small enough that a session stays
// a couple of kilobytes and a flood cannot fill Redis.
const maxTextRunes = 1000

// cleanText makes typed text safe to keep and show: valid UTF-8, no control characters except newlines and tabs,
// trimmed. It reports whether the text had to be cut to maxTextRunes.
func cleanText(s string) (string, bool) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(min(len(s), maxTextRunes*4))
	n, cut := 0, false
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			continue
		}
		if r == '\uFFFD' && b.Len() > 0 && strings.HasSuffix(b.String(), "\uFFFD") {
			continue
		}
		if n == maxTextRunes {
			cut = true
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String()), cut
}

// cleanFull cleans typed text for screening: valid UTF-8, no control characters, but not cut.
func cleanFull(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s))
}

// exactChoice finds the choice a reply names exactly: its number, id, label or an alias, with no guessing.
// Safety questions take only exact answers: "I'm not safe" must never be read as "I'm safe".
func exactChoice(choices []*ChoiceDef, text string) *ChoiceDef {
	t := norm(text)
	if t == "" {
		return nil
	}
	if n, err := strconv.Atoi(t); err == nil {
		if n >= 1 && n <= len(choices) {
			return choices[n-1]
		}
		return nil
	}
	for _, c := range choices {
		if slices.Contains(c.matchKeys(), t) {
			return c
		}
	}
	return nil
}

// matchKeys returns what an answer is matched against for c: its id, label and aliases, normalised. A choice
// made outside a parsed flow has them worked out on each call.
func (c *ChoiceDef) matchKeys() []string {
	if c.keys != nil {
		return c.keys
	}
	return choiceKeys(c)
}

func choiceKeys(c *ChoiceDef) []string {
	return append([]string{norm(c.ID), norm(c.Label)}, normAll(aliasesOf(c))...)
}

// norm lowers and simplifies text for matching: letters, digits and single spaces only.
func norm(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '\'' || r == '’':
			// "don't" and "dont" match alike.
		default:
			space = true
		}
	}
	return b.String()
}

// stopWords carry no meaning for telling choices apart.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "my": true, "i": true, "im": true, "it": true, "its": true, "is": true,
	"to": true, "of": true, "or": true, "and": true, "in": true, "at": true, "for": true, "me": true, "with": true,
	"this": true, "that": true, "about": true, "be": true, "am": true, "was": true, "by": true, "on": true,
	"someone": true, "some": true, "just": true, "would": true, "like": true, "want": true, "please": true,
}

func contentWords(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// matchOne finds the choice a typed answer means: its number, id, label or an alias, the same with a small
// typo, or words that belong to one choice only. It returns nil when the answer is unclear.
func matchOne(choices []*ChoiceDef, text string) *ChoiceDef {
	if c := exactChoice(choices, text); c != nil {
		return c
	}
	t := norm(text)
	if _, err := strconv.Atoi(t); t == "" || err == nil {
		return nil // empty, or a number that is no choice's
	}
	// A small typo in an id, label or alias: one edit for short words, two for longer ones.
	var typo *ChoiceDef
	for _, c := range choices {
		for _, cand := range c.matchKeys() {
			limit := 1
			if utf8.RuneCountInString(cand) > 6 {
				limit = 2
			}
			if utf8.RuneCountInString(cand) > 3 && editDistance(t, cand) <= limit {
				if typo != nil && typo != c {
					return nil
				}
				typo = c
			}
		}
	}
	if typo != nil {
		return typo
	}
	return matchWords(choices, t)
}

// matchWords picks the choice sharing the most content words with a short answer, when exactly one is best.
// Long answers are sentences, not picks, and are left to the caller.
func matchWords(choices []*ChoiceDef, t string) *ChoiceDef {
	words := contentWords(t)
	if len(words) == 0 || len(words) > 6 {
		return nil
	}
	var best *ChoiceDef
	bestScore, tie := 0, false
	for _, c := range choices {
		vocab := map[string]bool{}
		for _, s := range append([]string{norm(c.ID), norm(c.Label)}, normAll(aliasesOf(c))...) {
			for _, w := range strings.Fields(s) {
				vocab[w] = true
			}
		}
		score := 0
		for _, w := range words {
			if vocab[w] || (len(w) > 4 && vocab[strings.TrimSuffix(w, "s")]) {
				score++
			}
		}
		switch {
		case score > bestScore:
			best, bestScore, tie = c, score, false
		case score == bestScore && score > 0:
			tie = true
		}
	}
	// Most of what was typed must point at the choice, not one stray word in a sentence.
	if tie || bestScore == 0 || bestScore*2 < len(words) {
		return nil
	}
	return best
}

// matchMany reads several picks: "1, 3", "1 3", "work and family", or a single pick.
func matchMany(choices []*ChoiceDef, text string) []*ChoiceDef {
	if c := matchOne(choices, text); c != nil {
		return []*ChoiceDef{c}
	}
	parts := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return r == ',' || r == ';' || r == '/' || r == '+' || r == '&'
	})
	var split []string
	for _, p := range parts {
		split = append(split, strings.Split(p, " and ")...)
	}
	if len(split) == 1 {
		// "1 3 4": numbers separated by spaces.
		split = strings.Fields(split[0])
		for _, f := range split {
			if _, err := strconv.Atoi(f); err != nil {
				return nil
			}
		}
	}
	var out []*ChoiceDef
	for _, p := range split {
		if strings.TrimSpace(p) == "" {
			continue
		}
		c := matchOne(choices, p)
		if c == nil {
			return nil
		}
		if !containsChoice(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// aliasesOf lists a choice's aliases; every yes and no choice also understands the usual ways to say yes or no.
func aliasesOf(c *ChoiceDef) []string {
	if c.ID == "yes" || c.ID == "no" {
		return append(slices.Clip(c.Aliases), subAliases[c.ID]...)
	}
	return c.Aliases
}

func containsChoice(cs []*ChoiceDef, c *ChoiceDef) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

func normAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = norm(s)
	}
	return out
}

// editDistance is the Levenshtein distance between two short strings, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return max(len(ra), len(rb))
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// globalWord recognises the words that work at every step.
func globalWord(text string) string {
	switch norm(text) {
	case "stop", "pause", "quit", "exit", "stop for now":
		return "stop"
	case "back", "go back", "previous", "undo":
		return "back"
	case "restart", "start over", "start again", "reset":
		return "restart"
	case "help", "commands", "what can i type", "menu":
		return "help"
	case "forget", "forget me", "delete", "delete my data", "delete everything":
		return "forget"
	}
	return ""
}
