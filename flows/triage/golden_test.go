package triage

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	stdflag "flag" // rules.go declares a type named flag
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = stdflag.Bool("update", false, "rewrite testdata/golden.tsv from the current classifier")

// goldenPath holds what Classify answered for every golden message when it was last reviewed.
const goldenPath = "testdata/golden.tsv"

// goldenMessages are every labelled message, each also upper-cased and joined to the next one, so that one
// message carries several clauses, markers and concerns at once.
func goldenMessages(t *testing.T) []string {
	t.Helper()
	base := labelledMessages(t)
	out := slices.Clone(base)
	for i, s := range base {
		out = append(out, strings.ToUpper(s), s+" "+base[(i+1)%len(base)])
	}
	return out
}

// labelledMessages are the corpus, the shared sample when present, the fuzz seeds and the benchmark's messages.
func labelledMessages(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("corpus/*.tsv")
	sample := filepath.Join("..", "..", "..", "shared", "data", "triage-samples.tsv")
	if _, err := os.Stat(sample); err == nil {
		files = append(files, sample)
	}
	var base []string
	for _, path := range files {
		for _, l := range loadTSV(t, path) {
			base = append(base, l.text)
		}
	}
	base = append(base, benchMessages...)
	base = append(base, longMessages...)
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzClassify/*")
	for _, path := range seeds {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			var s string
			if _, err := fmt.Sscanf(line, "string(%q)", &s); err == nil {
				base = append(base, s)
			}
		}
	}
	return base
}

// goldenKey names a message without writing it out: the golden file holds no text.
func goldenKey(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:8])
}

// goldenLine is a result as the golden file writes it.
func goldenLine(r Result) string {
	kinds := make([]string, len(r.Kinds))
	for i, k := range r.Kinds {
		kinds[i] = string(k)
	}
	areas := make([]string, len(r.Concerns))
	for i, a := range r.Concerns {
		areas[i] = string(a)
	}
	return fmt.Sprintf("%s\t%s\t%v\t%s", r.Risk, strings.Join(kinds, ","), r.ThirdParty, strings.Join(areas, ","))
}

// TestGolden holds Classify to the answers it gave when the golden file was written: a change to how the
// classifier works (speed, structure) must not change one answer. A change meant to change answers rewrites the
// file with -update and shows the difference in review.
func TestGolden(t *testing.T) {
	msgs := goldenMessages(t)
	if *update {
		var b strings.Builder
		b.WriteString("# Classify's answers for goldenMessages: key (sha256 of the text), risk, kinds, third party, concerns.\n")
		seen := map[string]bool{}
		for _, m := range msgs {
			k := goldenKey(m)
			if seen[k] {
				continue
			}
			seen[k] = true
			fmt.Fprintf(&b, "%s\t%s\n", k, goldenLine(Classify(m)))
		}
		if err := os.WriteFile(goldenPath, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readGolden(t)
	checked := 0
	for _, m := range msgs {
		w, ok := want[goldenKey(m)]
		if !ok {
			continue // the shared sample may have gained lines since the file was written
		}
		checked++
		if got := goldenLine(Classify(m)); got != w {
			t.Errorf("Classify(%q) = %s, golden %s", m, got, w)
		}
	}
	if checked < len(want)*9/10 {
		t.Errorf("only %d of %d golden messages found; regenerate with -update if the corpus changed", checked, len(want))
	}
}

func readGolden(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s: bad line %q", goldenPath, line)
		}
		want[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return want
}
