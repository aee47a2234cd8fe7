package flows

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestDefaultFlowIsValid(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatalf("embedded flow: %v", err)
	}
	for _, id := range []string{"welcome", "risk_wish", "concern", "work_who", "family_who", "rel_who", "opp_aspect",
		"impact_level", "wants", "contact", "anonymity", "review", "handoff"} {
		if _, ok := f.State(id); !ok {
			t.Errorf("embedded flow lacks state %q", id)
		}
	}
	cs := f.concernState()
	if cs == nil {
		t.Fatal("no concerns question")
	}
	var ids []string
	for _, c := range cs.Choices {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, ","); got != "workplace,family,relationship,oppression,other" {
		t.Errorf("concern ids = %s", got)
	}
	var refs []string
	for _, r := range f.Referrals {
		refs = append(refs, r.ID)
	}
	for _, want := range []string{"crisis-line", "domestic-violence", "individual-therapy", "couples-counseling",
		"family-therapy", "group-therapy", "workplace-rights", "identity-affirming-therapist", "youth-support",
		"therapist-directory", "peer-support"} {
		if !strings.Contains(","+strings.Join(refs, ",")+",", ","+want+",") {
			t.Errorf("referral %q missing", want)
		}
	}
}

// minimalFlow is a valid flow that each validation case breaks in one way.
func minimalFlow() string {
	var msgs strings.Builder
	for _, k := range requiredMessages {
		msgs.WriteString("  " + k + ": \"x\"\n")
	}
	return `version: 1
start: q1
messages:
` + msgs.String() + `states:
  - id: q1
    say: "Pick one"
    choices:
      - id: a
        label: "A"
        tags: [tag_a]
      - id: b
        label: "B"
        next: review
    next: q2
  - id: q2
    say: "Tell me"
    input: text
    next: review
  - id: review
    kind: summary
    say: "{summary}"
    choices:
      - id: send
        label: "Send"
        next: done
      - id: change
        label: "Change"
      - id: cancel
        label: "Cancel"
        next: gone
  - id: done
    kind: handoff
    say: "Thanks {ref}"
  - id: gone
    kind: end
    say: "Bye"
referrals:
  - id: r1
    title: "R"
    text: "T"
    when: {any: [tag_a]}
`
}

func TestValidationErrorsNameThePlace(t *testing.T) {
	base := minimalFlow()
	if _, err := Parse("base.yaml", []byte(base)); err != nil {
		t.Fatalf("base flow should be valid: %v", err)
	}
	cases := []struct {
		name    string
		from    string
		to      string
		want    []string
		wantErr bool
	}{
		{"unknown next", "    next: q2\n", "    next: nowhere\n", []string{`base.yaml:`, `state "q1" next: unknown state "nowhere"`}, true},
		{"unknown choice next", "        next: review\n    next: q2", "        next: nope\n    next: q2", []string{`state "q1" choice b: unknown state "nope"`}, true},
		{"unknown start", "start: q1", "start: zz", []string{`start: unknown state "zz"`}, true},
		{"unreachable", "  - id: gone\n", "  - id: lost\n    say: \"?\"\n    input: text\n    next: done\n  - id: gone\n", []string{`state "lost" is unreachable`}, true},
		{"dead end", "    input: text\n    next: review\n", "    input: text\n    next: q2\n", []string{`state "q2" is a dead end`}, true},
		{"no next", "    input: text\n    next: review\n", "    input: text\n", []string{`state "q2": dead end: no next`}, true},
		{"unknown tag in condition", "when: {any: [tag_a]}", "when: {any: [tag_zz]}", []string{`referral r1: unknown tag "tag_zz"`}, true},
		{"duplicate state", "  - id: q2\n", "  - id: q1\n", []string{`state "q1" is defined twice`}, true},
		{"duplicate choice", "      - id: b\n", "      - id: a\n", []string{`choice "a" is defined twice`}, true},
		{"unknown kind", "    kind: summary\n", "    kind: survey\n", []string{`unknown kind "survey"`}, true},
		{"missing message", "  unclear: \"x\"\n", "", []string{`messages: "unclear" is missing`}, true},
		{"unknown field in yaml", "    input: text\n", "    input: text\n    colour: red\n", []string{`field colour not found`}, true},
		{"conditional last rule", "    next: q2\n", "    next:\n      - when: {all: [tag_a]}\n        to: q2\n", []string{`the last next rule must have no condition`}, true},
		{"unknown crisis kind", "        tags: [tag_a]\n", "        tags: [tag_a]\n        crisis: sadness\n", []string{`unknown crisis kind "sadness"`}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(base, tc.from, tc.to, 1)
			if src == base {
				t.Fatalf("case did not change the flow: %q not found", tc.from)
			}
			_, err := Parse("base.yaml", []byte(src))
			if err == nil {
				t.Fatal("Parse accepted an invalid flow")
			}
			if !errors.Is(err, ErrInvalidFlow) {
				t.Errorf("error is not ErrInvalidFlow: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestValidationErrorsCarryLineNumbers(t *testing.T) {
	src := strings.Replace(minimalFlow(), "    next: q2\n", "    next: nowhere\n", 1)
	_, err := Parse("f.yaml", []byte(src))
	if err == nil {
		t.Fatal("want error")
	}
	// The broken "next" is on a known line of the source.
	line := 0
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, "next: nowhere") {
			line = i + 1
		}
	}
	if want := "f.yaml:" + itoa(line) + ":"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name line %s", err, want)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(path, []byte(minimalFlow()), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := LoadFile(path)
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	if f.Start != "q1" || len(f.States) != 5 {
		t.Errorf("loaded %q with %d states", f.Start, len(f.States))
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("LoadFile of a missing file succeeded")
	}
}

func TestMermaidGraph(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	g := f.Mermaid()
	if !strings.HasPrefix(g, "flowchart TD\n") {
		t.Fatalf("graph does not start as a Mermaid flowchart: %q", g[:min(40, len(g))])
	}
	for _, s := range f.States {
		if !strings.Contains(g, "  "+s.ID+"[") && !strings.Contains(g, "  "+s.ID+"{") && !strings.Contains(g, "  "+s.ID+"(") {
			t.Errorf("graph lacks node %q", s.ID)
		}
		for _, to := range f.edges(s) {
			if !strings.Contains(g, s.ID+" -->") || !strings.Contains(g, " "+to+"\n") {
				t.Errorf("graph lacks edge %s -> %s", s.ID, to)
			}
		}
	}
	if !strings.Contains(g, `concern -->|"primary:workplace"| work_who`) {
		t.Error("conditional edge from concern to work_who is not labelled")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
