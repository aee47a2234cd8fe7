package triage

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestCategories checks that each category of miss and false alarm found on a blind set is covered as a
// category: testdata/categories.tsv holds messages written in other words than the set's, a few per category.
func TestCategories(t *testing.T) {
	f, err := os.Open("testdata/categories.tsv")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("categories.tsv:%d: %d columns, want 4", n, len(cols))
		}
		category, want, area, text := cols[0], cols[1], cols[2], cols[3]
		got := Classify(text)
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
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}
