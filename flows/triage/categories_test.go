package triage

import (
	"slices"
	"strings"
	"testing"
)

// TestCategories checks that each category of miss and false alarm found on a blind set is covered as a
// category: testdata/categories.tsv holds messages written in other words than the set's, a few per category.
func TestCategories(t *testing.T) {
	for _, r := range tsvRows(t, "testdata/categories.tsv") {
		n, cols := r.line, r.cols
		if len(cols) != 4 {
			t.Fatalf("categories.tsv:%d: %d columns, want 4", n, len(cols))
		}
		category, want, area, text := cols[0], cols[1], cols[2], cols[3]
		got := Classify(text)
		// "crisis:child_at_risk" also asks for that kind among the answer's kinds.
		if w, kind, ok := strings.Cut(want, ":"); ok {
			want = w
			if !slices.Contains(got.Kinds, Kind(kind)) {
				t.Errorf("line %d (%s): kinds %v, want %s among them: %q", n, category, got.Kinds, kind, text)
			}
		}
		switch want {
		case "risky":
			if got.Risk == RiskNone {
				t.Errorf("line %d (%s): risk none, want check or crisis: %q", n, category, text)
			}
		case "none", "check", "crisis":
			if got.Risk != Risk(want) {
				t.Errorf("line %d (%s): risk %s, want %s: %q", n, category, got.Risk, want, text)
			}
		case "-":
		default:
			t.Fatalf("categories.tsv:%d: unknown risk %q", n, want)
		}
		if area != "-" && (len(got.Concerns) == 0 || got.Concerns[0] != Area(area)) {
			t.Errorf("line %d (%s): concerns %v, want %s first: %q", n, category, got.Concerns, area, text)
		}
	}
}
