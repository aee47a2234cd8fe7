package triage

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// labelled is one message with its expected triage.
type labelled struct {
	line     int
	risk     Risk   // "" when not scored
	crisis   string // "1", "0" or "?" for the sample format; "" otherwise
	concerns []Area // acceptable primary areas; nil when not scored
	kinds    []Kind // the kinds of risk a counselor named; nil when none or not scored
	third    string
	text     string
}

// loadTSV reads our 5-column format (risk, kinds, third_party, concerns, text) or the shared sample's 3-column
// format (crisis 1/0/?, concerns, text).
func loadTSV(t *testing.T, path string) []labelled {
	t.Helper()
	var out []labelled
	for _, r := range tsvRows(t, path) {
		cols := r.cols
		var l labelled
		l.line = r.line
		var concerns string
		switch len(cols) {
		case 3:
			l.crisis, concerns, l.text = cols[0], cols[1], cols[2]
			switch l.crisis {
			case "1":
				l.risk = RiskCrisis
			case "0":
				l.risk = RiskNone
			}
		case 5:
			l.risk, l.third, concerns, l.text = Risk(cols[0]), cols[2], cols[3], cols[4]
			if cols[1] != "-" {
				for _, k := range strings.Split(cols[1], ",") {
					l.kinds = append(l.kinds, Kind(strings.TrimSpace(k)))
				}
			}
		default:
			t.Fatalf("%s:%d: %d columns", path, r.line, len(cols))
		}
		if concerns != "-" {
			for _, a := range strings.Split(concerns, ",") {
				l.concerns = append(l.concerns, Area(strings.TrimSpace(a)))
			}
		}
		out = append(out, l)
	}
	return out
}

// tsvRow is one data line of a tab-separated test file, split at tabs, with its line number.
type tsvRow struct {
	line int
	cols []string
}

// tsvRows reads the data lines of a tab-separated test file: every line but comments (#) and blank ones.
func tsvRows(t *testing.T, path string) []tsvRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []tsvRow
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		out = append(out, tsvRow{line: n, cols: strings.Split(line, "\t")})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// figures are the quality measures the issue asks for.
type figures struct {
	risky, riskyHit, crisisLines, crisisHit, flaggedCrisis, flaggedCrisisTrue int
	safe, safeFlagged, concernLines, concernHit                               int
	kindLines, kindHit                                                        int // risky lines found, and those whose first kind is a named one
	missed, falseAlarms, wrongConcern                                         []string
}

func measure(set []labelled, mdl *model) figures {
	var f figures
	for _, l := range set {
		res := classify(l.text, mdl)
		if res.Risk == RiskCrisis {
			f.flaggedCrisis++
			if l.risk == RiskCrisis {
				f.flaggedCrisisTrue++
			}
		}
		switch l.risk {
		case RiskCrisis, RiskCheck:
			f.risky++
			if res.Risk != RiskNone {
				f.riskyHit++
				if l.kinds != nil && len(res.Kinds) > 0 {
					f.kindLines++
					if slices.Contains(l.kinds, res.Kinds[0]) {
						f.kindHit++
					}
				}
			} else {
				f.missed = append(f.missed, l.text)
			}
			if l.risk == RiskCrisis {
				f.crisisLines++
				if res.Risk == RiskCrisis {
					f.crisisHit++
				}
			}
		case RiskNone:
			f.safe++
			if res.Risk != RiskNone {
				f.safeFlagged++
				f.falseAlarms = append(f.falseAlarms, string(res.Risk)+": "+l.text)
			}
		}
		if l.concerns != nil {
			f.concernLines++
			if len(res.Concerns) > 0 && slices.Contains(l.concerns, res.Concerns[0]) {
				f.concernHit++
			} else {
				got := "-"
				if len(res.Concerns) > 0 {
					got = string(res.Concerns[0])
				}
				f.wrongConcern = append(f.wrongConcern, got+" (want "+areas(l.concerns)+"): "+l.text)
			}
		}
	}
	return f
}

func areas(as []Area) string {
	var s []string
	for _, a := range as {
		s = append(s, string(a))
	}
	return strings.Join(s, ",")
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// TestQuality prints the triage's figures on every labelled set and fails below the targets: risk recall 0.97,
// false positives 0.08, concern accuracy 0.90; on the shared sample, every crisis line must be a crisis and no
// safe line may be.
func TestQuality(t *testing.T) {
	files, _ := filepath.Glob("corpus/*.tsv")
	sample := filepath.Join("..", "..", "..", "shared", "data", "triage-samples.tsv")
	if _, err := os.Stat(sample); err == nil {
		files = append(files, sample)
	} else if os.Getenv("CI") != "" {
		t.Errorf("the shared sample %s is missing", sample)
	}
	if len(files) == 0 {
		t.Fatal("no labelled sets found")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			set := loadTSV(t, path)
			f := measure(set, shippedModel())
			t.Logf("%s: %d messages", path, len(set))
			t.Logf("  risk recall (check or crisis on risky): %.3f (%d/%d)", ratio(f.riskyHit, f.risky), f.riskyHit, f.risky)
			t.Logf("  crisis recall (crisis on crisis lines): %.3f (%d/%d)", ratio(f.crisisHit, f.crisisLines), f.crisisHit, f.crisisLines)
			t.Logf("  crisis precision:                       %.3f (%d/%d)", ratio(f.flaggedCrisisTrue, f.flaggedCrisis), f.flaggedCrisisTrue, f.flaggedCrisis)
			t.Logf("  false-positive rate on safe lines:      %.3f (%d/%d)", ratio(f.safeFlagged, f.safe), f.safeFlagged, f.safe)
			t.Logf("  concern top-1 accuracy:                 %.3f (%d/%d)", ratio(f.concernHit, f.concernLines), f.concernHit, f.concernLines)
			for _, s := range f.missed {
				t.Logf("  missed: %s", s)
			}
			for _, s := range f.falseAlarms {
				t.Logf("  false alarm: %s", s)
			}
			if testing.Verbose() {
				for _, s := range f.wrongConcern {
					t.Logf("  concern: %s", s)
				}
			}
			if r := ratio(f.riskyHit, f.risky); r < 0.97 {
				t.Errorf("risk recall %.3f below 0.97", r)
			}
			if r := ratio(f.safeFlagged, f.safe); r > 0.08 {
				t.Errorf("false-positive rate %.3f above 0.08", r)
			}
			if r := ratio(f.concernHit, f.concernLines); r < 0.90 {
				t.Errorf("concern accuracy %.3f below 0.90", r)
			}
			if strings.HasSuffix(path, "triage-samples.tsv") {
				for _, l := range set {
					got := Classify(l.text).Risk == RiskCrisis
					if (l.crisis == "1" && !got) || (l.crisis == "0" && got) {
						t.Errorf("sample line %d: crisis = %v, want %s: %q", l.line, got, l.crisis, l.text)
					}
				}
			}
		})
	}
}

// TestQualityAcrossSets is the honest figure: for each labelled set, the model is trained on the other sets only,
// so the set plays the part of messages nobody has seen. (The rules were still written with every set in view;
// the first blind figure of each set is recorded in README.md.) It fails only on a large regression.
func TestQualityAcrossSets(t *testing.T) {
	files, _ := filepath.Glob("corpus/*.tsv")
	for _, path := range files {
		name := filepath.Base(path)
		f := measure(loadTSV(t, path), trainModel(name))
		t.Logf("%s with a model that never saw it: risk recall %.3f, crisis recall %.3f, false positives %.3f, concern accuracy %.3f, first kind named %.3f",
			name, ratio(f.riskyHit, f.risky), ratio(f.crisisHit, f.crisisLines), ratio(f.safeFlagged, f.safe), ratio(f.concernHit, f.concernLines),
			ratio(f.kindHit, f.kindLines))
		if r := ratio(f.riskyHit, f.risky); r < 0.85 {
			t.Errorf("%s: cross-set risk recall %.3f below 0.85", name, r)
		}
		if r := ratio(f.safeFlagged, f.safe); r > 0.10 {
			t.Errorf("%s: cross-set false-positive rate %.3f above 0.10", name, r)
		}
	}
}

// TestQualityHeldOut scores the held-out sets in testdata/heldout/: written blind like the corpus, but never used
// to write a rule nor to train the model, so their figures are the honest estimate for messages nobody has seen.
// It prints only the figures, not the messages missed, so that a reader tuning the rules does not tune to them
// by accident; it fails only on a large regression. To improve the triage, take a held-out set into corpus/ (it
// then trains the model and is gated like the others) and ask for a new one to hold out.
func TestQualityHeldOut(t *testing.T) {
	files, _ := filepath.Glob("testdata/heldout/*.tsv")
	if len(files) == 0 {
		t.Fatal("no held-out set found")
	}
	for _, path := range files {
		f := measure(loadTSV(t, path), shippedModel())
		t.Logf("%s, never seen by rules or model: risk recall %.3f (%d/%d), crisis recall %.3f, crisis precision %.3f, false positives %.3f (%d/%d), concern accuracy %.3f, first kind named %.3f",
			filepath.Base(path), ratio(f.riskyHit, f.risky), f.riskyHit, f.risky, ratio(f.crisisHit, f.crisisLines),
			ratio(f.flaggedCrisisTrue, f.flaggedCrisis), ratio(f.safeFlagged, f.safe), f.safeFlagged, f.safe, ratio(f.concernHit, f.concernLines),
			ratio(f.kindHit, f.kindLines))
		if r := ratio(f.riskyHit, f.risky); r < 0.85 {
			t.Errorf("%s: held-out risk recall %.3f below 0.85", path, r)
		}
		if r := ratio(f.safeFlagged, f.safe); r > 0.12 {
			t.Errorf("%s: held-out false-positive rate %.3f above 0.12", path, r)
		}
	}
}
