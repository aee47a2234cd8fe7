package flows

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary flow files to the loader: it must return a flow or an error, never panic, and a
// flow it accepts must be one the engine can start.
func FuzzParse(f *testing.F) {
	f.Add(minimalFlow())
	f.Add(string(defaultFlow))
	f.Add("version: 1\nstart: a\nstates: [{id: a, kind: end, say: x}]\n")
	f.Add("{{{")
	f.Fuzz(func(t *testing.T, src string) {
		fl, err := Parse("fuzz.yaml", []byte(src))
		if err != nil {
			return
		}
		if _, ok := fl.State(fl.Start); !ok {
			t.Fatalf("accepted a flow whose start %q does not exist", fl.Start)
		}
		_ = fl.Mermaid()
	})
}

// FuzzAnswer types arbitrary text at every kind of question: the engine must answer without error, keep the
// session loadable, and never store more than the cap.
func FuzzAnswer(f *testing.F) {
	for _, s := range []string{"1", "yes", "back", "work and family", "\xff\xfe", "@everyone", strings.Repeat("x", 2000), "kms", "stop"} {
		f.Add(s, uint8(3))
	}
	fl, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, steps uint8) {
		st := newMemStore()
		e := NewEngine(fl, st, nil, Options{})
		ctx := context.Background()
		if _, err := e.Handle(ctx, Input{SessionID: "f", Command: CommandOpen}); err != nil {
			t.Fatal(err)
		}
		// Walk a few answers in, then type the fuzzed text.
		for i, a := range []string{"1", "no", "no", "safe", "no", "other"} {
			if i >= int(steps%7) {
				break
			}
			if _, err := e.Handle(ctx, Input{SessionID: "f", Text: a}); err != nil {
				t.Fatal(err)
			}
		}
		r, err := e.Handle(ctx, Input{SessionID: "f", Text: text})
		if err != nil {
			t.Fatalf("Handle(%q): %v", text, err)
		}
		if len(r.Messages) == 0 {
			t.Fatalf("no reply to %q", text)
		}
		for _, m := range r.Messages {
			if !utf8.ValidString(m.Text) {
				t.Fatalf("reply is not valid UTF-8")
			}
		}
		if s := st.session(t, "f"); s != nil {
			for id, a := range s.Answers {
				if utf8.RuneCountInString(a.Text) > maxTextRunes {
					t.Fatalf("answer %s stored %d runes", id, utf8.RuneCountInString(a.Text))
				}
			}
		}
	})
}

// FuzzMatch checks that answer parsing never panics and only returns the question's own choices.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"1", "1,3", "work and family", "cowroker", "", "99", "-1", "\x00"} {
		f.Add(s)
	}
	fl, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	concern, _ := fl.State("concern")
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range matchMany(concern.Choices, s) {
			if concern.choice(c.ID) == nil {
				t.Fatalf("matched a choice that is not the question's: %q", c.ID)
			}
		}
		if c := matchOne(concern.Choices, s); c != nil && concern.choice(c.ID) == nil {
			t.Fatalf("matchOne returned a foreign choice")
		}
		clean, _ := cleanText(s)
		if !utf8.ValidString(clean) || utf8.RuneCountInString(clean) > maxTextRunes {
			t.Fatalf("cleanText(%q) = %q", s, clean)
		}
	})
}
