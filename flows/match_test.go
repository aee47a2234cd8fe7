package flows

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMatchOne(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	st := func(id string) *State { s, _ := f.State(id); return s }
	cases := []struct {
		state, text, want string
	}{
		{"welcome", "1", "start"},
		{"welcome", "  3 ", "decline"},
		{"welcome", "Yes, let's begin", "start"},
		{"welcome", "YES LETS BEGIN!!", "start"},
		{"welcome", "sure", "start"},
		{"welcome", "not now", "decline"},
		{"risk_wish", "nope", "no"},
		{"risk_wish", "yeah", "yes"},
		{"risk_wish", "I'd rather not say", "skip"},
		{"work_who", "my boss", "manager"},
		{"work_who", "a coworker", "coworker"},
		{"work_who", "cowroker", "coworker"}, // typo
		{"work_who", "9", ""},
		{"work_who", "0", ""},
		{"work_who", "banana", ""},
		{"work_who", "", ""},
		{"impact_level", "its overwhelming", "overwhelming"},
		{"impact_level", "quite a bit", "moderate"},
		{"impact_duration", "over a year", "years"},
		{"safe_now", "I'm not safe", "unsafe"},
		{"safe_now", "im safe", "safe"},
	}
	for _, tc := range cases {
		t.Run(tc.state+"/"+tc.text, func(t *testing.T) {
			got := ""
			if c := matchOne(st(tc.state).Choices, tc.text); c != nil {
				got = c.ID
			}
			if got != tc.want {
				t.Errorf("matchOne(%s, %q) = %q, want %q", tc.state, tc.text, got, tc.want)
			}
		})
	}
}

func TestMatchMany(t *testing.T) {
	f, _ := Default()
	concern, _ := f.State("concern")
	cases := []struct{ text, want string }{
		{"1,3", "workplace,relationship"},
		{"1 3", "workplace,relationship"},
		{"work and family", "workplace,family"},
		{"family, family", "family"},
		{"oppression", "oppression"},
		{"1, banana", ""},
		{"my boss shouts at me every day in front of everyone", ""}, // a sentence, left to the classifier
	}
	for _, tc := range cases {
		var ids []string
		for _, c := range matchMany(concern.Choices, tc.text) {
			ids = append(ids, c.ID)
		}
		if got := strings.Join(ids, ","); got != tc.want {
			t.Errorf("matchMany(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	cases := []struct {
		in, want string
		cut      bool
	}{
		{"  hello  ", "hello", false},
		{"a\x00b\x07c", "abc", false},
		{"line one\nline two", "line one\nline two", false},
		{"bad \xff\xfe bytes", "bad \uFFFD bytes", false},
		{"🙂 emoji", "🙂 emoji", false},
		{strings.Repeat("é", 1500), strings.Repeat("é", 1000), true},
	}
	for _, tc := range cases {
		got, cut := cleanText(tc.in)
		if got != tc.want || cut != tc.cut {
			t.Errorf("cleanText(%q) = %q, %v; want %q, %v", tc.in[:min(20, len(tc.in))], got[:min(20, len(got))], cut, tc.want[:min(20, len(tc.want))], tc.cut)
		}
		if !utf8.ValidString(got) {
			t.Errorf("cleanText returned invalid UTF-8")
		}
	}
}

func TestGlobalWords(t *testing.T) {
	for in, want := range map[string]string{
		"stop": "stop", "STOP!": "stop", "back": "back", "go back": "back", "restart": "restart",
		"start over": "restart", "help": "help", "forget": "forget", "delete my data": "forget",
		"stop it, my boss": "", "backstab": "",
	} {
		if got := globalWord(in); got != want {
			t.Errorf("globalWord(%q) = %q, want %q", in, got, want)
		}
	}
}
