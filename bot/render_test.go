package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
	"github.com/fulcrum-intake/fulcrum/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"this is too long", 10, "this is t…"},
		{"ab cdef", 4, "ab…"},
		{"ééééééééééé", 5, "éééé…"},
		{"anything", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := truncate(tt.in, tt.n)
			if got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
			if utf8.RuneCountInString(got) > tt.n {
				t.Errorf("result has %d characters, over %d", utf8.RuneCountInString(got), tt.n)
			}
		})
	}
}

func TestSplitContent(t *testing.T) {
	line := strings.Repeat("x", 150) + "\n"
	long := strings.Repeat(line, 40) // 6,040 characters
	parts := splitContent(long)
	if len(parts) < 4 {
		t.Fatalf("%d parts, want at least 4", len(parts))
	}
	total := 0
	for _, p := range parts {
		if n := utf8.RuneCountInString(p); n > maxContent {
			t.Errorf("part of %d characters", n)
		}
		total += strings.Count(p, "x")
	}
	if total != 40*150 {
		t.Errorf("split lost text: %d of %d characters", total, 40*150)
	}
	one := splitContent(strings.Repeat("y", 2500))
	if len(one) != 1 || !strings.HasSuffix(one[0], ellipsis) || utf8.RuneCountInString(one[0]) != maxContent {
		t.Errorf("a single over-long line should be cut to %d with a visible mark", maxContent)
	}
}

// checkComponents fails on any Discord component limit broken.
func checkComponents(t *testing.T, rows []discordgo.MessageComponent) {
	t.Helper()
	if len(rows) > maxRows {
		t.Errorf("%d rows, at most %d", len(rows), maxRows)
	}
	ids := map[string]bool{}
	for _, r := range rows {
		row := r.(discordgo.ActionsRow)
		if len(row.Components) > maxButtonsPerRow {
			t.Errorf("%d components in a row", len(row.Components))
		}
		for _, c := range row.Components {
			switch v := c.(type) {
			case discordgo.Button:
				if utf8.RuneCountInString(v.Label) > maxButtonLabel || len(v.CustomID) > maxCustomID || ids[v.CustomID] {
					t.Errorf("bad button %q / %q", v.Label, v.CustomID)
				}
				ids[v.CustomID] = true
			case discordgo.SelectMenu:
				if len(v.Options) > maxSelectOptions || len(v.CustomID) > maxCustomID || ids[v.CustomID] || v.MaxValues > len(v.Options) {
					t.Errorf("bad select %q with %d options, max %d", v.CustomID, len(v.Options), v.MaxValues)
				}
				ids[v.CustomID] = true
				for _, o := range v.Options {
					if utf8.RuneCountInString(o.Label) > maxSelectLabel || len(o.Value) > maxSelectValue {
						t.Errorf("bad option %q", o.Label)
					}
				}
			}
		}
	}
}

func choices(n, labelLen int) []flows.Choice {
	var out []flows.Choice
	for i := range n {
		out = append(out, flows.Choice{ID: "c" + strconv.Itoa(i), Label: strings.Repeat("label ", labelLen/6+1)[:labelLen]})
	}
	return out
}

func TestComponentsWithinLimits(t *testing.T) {
	tests := []struct {
		name    string
		msg     flows.Message
		typed   bool
		buttons bool
	}{
		{"three choices", flows.Message{State: "q", Choices: choices(3, 20)}, false, true},
		{"long labels", flows.Message{State: "q", Choices: choices(5, 150)}, true, true},
		{"many choices", flows.Message{State: "q", Choices: choices(7, 30)}, false, false},
		{"multi", flows.Message{State: "q", Choices: choices(3, 30), Multi: true}, false, false},
		{"over 25", flows.Message{State: "q", Choices: choices(60, 120), Multi: true}, true, false},
		{"over 100", flows.Message{State: "q", Choices: choices(130, 10)}, true, false},
		{"typed text question", flows.Message{State: "q", Waiting: true}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := questionPrompt(tt.msg, tt.typed)
			if p == nil {
				t.Fatal("no prompt")
			}
			for _, disabled := range []bool{false, true} {
				rows := p.components(disabled, []string{"c1"})
				checkComponents(t, rows)
				if _, isButton := rows[0].(discordgo.ActionsRow).Components[0].(discordgo.Button); isButton != tt.buttons {
					t.Errorf("first component is a button: %v, want %v", isButton, tt.buttons)
				}
			}
		})
	}
	if questionPrompt(flows.Message{State: "q", Waiting: true}, false) != nil {
		t.Error("a text question in DMs has components")
	}
}

func testBot(t *testing.T) *Bot {
	t.Helper()
	flow, err := flows.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng := flows.NewEngine(flow, nil, nil, flows.Options{})
	return newBot(nil, nil, eng, nil, Options{Now: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }})
}

func TestCardWithinEmbedLimits(t *testing.T) {
	b := testBot(t)
	h := &flows.Handoff{Ref: "F-ABCDE", Urgent: true, Contact: strings.Repeat("c", 3000), Created: time.Now()}
	for i := range 40 {
		h.Lines = append(h.Lines, flows.SummaryLine{Label: "Question " + strconv.Itoa(i), Value: strings.Repeat("answer ", 150)})
	}
	for i := range 30 {
		h.Referrals = append(h.Referrals, flows.Referral{Title: strings.Repeat("referral ", 10) + strconv.Itoa(i)})
	}
	c := b.renderCard(h, "42", store.GuildSettings{})
	if n := embedSize(c.Embed); n > maxEmbedTotal {
		t.Errorf("embed of %d characters, over %d", n, maxEmbedTotal)
	}
	if !strings.HasSuffix(c.Embed.Description, ellipsis) {
		t.Error("a cut description has no visible mark")
	}
	if len(c.Embed.Fields) > maxEmbedFields {
		t.Errorf("%d fields", len(c.Embed.Fields))
	}
	for _, f := range c.Embed.Fields {
		if utf8.RuneCountInString(f.Value) > maxFieldValue || f.Value == "" {
			t.Errorf("field %q has %d characters", f.Name, utf8.RuneCountInString(f.Value))
		}
	}
}

func TestCardGolden(t *testing.T) {
	b := testBot(t)
	h := &flows.Handoff{
		Ref: "F-7KQ3M", Urgent: true, Concerns: []flows.Concern{flows.ConcernWorkplace},
		Risks: []triage.Kind{triage.KindSuicide}, Wants: []string{"moderator", "therapist"},
		Contact: "Only through this bot",
		Lines: []flows.SummaryLine{
			{Label: "Who holds power", Value: "My manager or boss"},
			{Label: "Anything else", Value: "“@everyone <@&123> he reads my messages”"},
		},
		Referrals: []flows.Referral{{ID: "crisis-line", Title: "Crisis line"}, {ID: "workplace-rights", Title: "Workplace rights: HR, union or legal routes"}},
		Created:   time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
	}
	c := b.renderCard(h, "1234567890", store.GuildSettings{UrgentRole: "555"})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep <@…> readable in the golden file
	enc.SetIndent("", "  ")
	err := enc.Encode(struct {
		Card    card                   `json:"card"`
		Message *discordgo.MessageSend `json:"message"`
	}{c, c.message(store.GuildSettings{UrgentRole: "555"})})
	if err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	golden := filepath.Join("testdata", "card.golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run TestCardGolden -update)", err)
	}
	if strings.TrimSpace(string(want)) != strings.TrimSpace(string(got)) {
		t.Errorf("card differs from %s (rerun with -update after checking):\n%s", golden, got)
	}
}
