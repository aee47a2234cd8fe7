package bot

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
	"github.com/fulcrum-intake/fulcrum/store"
)

// livePing matches mention syntax that would still be a mention: defang breaks each with a zero-width space
// after the "@".
var livePing = regexp.MustCompile(`@(everyone|here)|<@[!&]?[0-9]`)

// FuzzRenderMessages renders an engine message with arbitrary text, state and choices (huge, emoji, invalid
// UTF-8, mention syntax) and checks every Discord message it becomes against Discord's limits: content of at
// most 2,000 characters, at most 5 rows of at most 5 components, button labels of at most 80 characters,
// select menus of at most 25 options with labels and values of at most 100, custom ids of at most 100.
func FuzzRenderMessages(f *testing.F) {
	f.Add("What is this about?", "concern", "Work", "workplace", 5, false, false)
	f.Add(strings.Repeat("a long line ", 400), "q", strings.Repeat("é", 120), "x", 30, true, true)
	f.Add("@everyone <@&123> <@!456> <@789> 🚨🚨", "state|with|pipes", "@here", "id|x", 7, false, true)
	f.Add("\xff\xfe\n\n"+strings.Repeat("\n", 3000), strings.Repeat("s", 120), "", "", 101, true, false)
	f.Fuzz(func(t *testing.T, text, state, label, id string, n int, multi, typed bool) {
		// Bounded sizes keep each run fast; they are well past every limit checked.
		n = max(0, min(n, 200))
		text, state, label, id = clip(text, 20000), clip(state, 300), clip(label, 300), clip(id, 300)
		var cs []flows.Choice
		for i := range n {
			cs = append(cs, flows.Choice{ID: id + strconv.Itoa(i), Label: label + strconv.Itoa(i)})
		}
		msgs := []flows.Message{{Text: text, State: state, Choices: cs, Multi: multi, Waiting: true}}
		for _, r := range renderMessages(msgs, typed) {
			if n := utf8.RuneCountInString(r.content); n > maxContent {
				t.Errorf("content of %d characters", n)
			}
			checkComponents(t, r.components)
			if r.prompt != nil {
				// The answered form of the prompt is drawn again later; it must fit as well.
				checkComponents(t, r.prompt.components(true, []string{id + "0"}))
			}
		}
		if am := noMentions(); len(am.Parse) != 0 || len(am.Roles) != 0 || len(am.Users) != 0 {
			t.Errorf("noMentions allows %+v", am)
		}
	})
}

// FuzzCard renders a handoff card from arbitrary answers, contact preference and referrals, and checks it
// against Discord's embed limits (title 256, description 4,096, 25 fields, field names 256 and values 1,024,
// footer 2,048, 6,000 in all, content 2,000) and that the posted message can ping nothing but the server's
// urgent role, and that only on an urgent card; no member's words hold a live mention.
func FuzzCard(f *testing.F) {
	f.Add("Who holds power", "My manager", "Only through this bot", "Crisis line", 2, true, false)
	f.Add(strings.Repeat("L", 300), strings.Repeat("answer ", 500), strings.Repeat("c", 3000), strings.Repeat("r", 200), 60, false, false)
	f.Add("@everyone", "<@&123> <@!456> @here", "<@789>", "@everyone", 3, true, true)
	f.Add("\xff\xfe🚨", "\xc3", "🙂🙂🙂", "", 0, false, true)
	flow, err := flows.Default()
	if err != nil {
		f.Fatal(err)
	}
	b := newBot(nil, nil, flows.NewEngine(flow, nil, nil, flows.Options{}), nil,
		Options{Now: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }})
	f.Fuzz(func(t *testing.T, label, value, contact, referral string, n int, urgent, anonymous bool) {
		n = max(0, min(n, 100))
		label, value, contact, referral = clip(label, 2000), clip(value, 2000), clip(contact, 5000), clip(referral, 2000)
		h := &flows.Handoff{Ref: "F-FUZZ1", Urgent: urgent, Anonymous: anonymous, Contact: contact,
			Concerns: []flows.Concern{flows.ConcernWorkplace}, Risks: []triage.Kind{triage.KindSuicide},
			Wants: []string{"moderator", "therapist"}, Created: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
		for i := range n {
			h.Lines = append(h.Lines, flows.SummaryLine{Label: label, Value: value + strconv.Itoa(i)})
			h.Referrals = append(h.Referrals, flows.Referral{ID: "r" + strconv.Itoa(i), Title: referral})
		}
		g := store.GuildSettings{GuildID: "1", UrgentRole: "555"}
		c := b.renderCard(h, "1234567890", g)
		e := c.Embed
		count := utf8.RuneCountInString
		if count(e.Title) > maxEmbedTitle || count(e.Description) > maxEmbedDesc || len(e.Fields) > maxEmbedFields {
			t.Errorf("title %d, description %d, %d fields", count(e.Title), count(e.Description), len(e.Fields))
		}
		for _, fl := range e.Fields {
			if count(fl.Name) > maxFieldName || count(fl.Value) > maxFieldValue || fl.Value == "" {
				t.Errorf("field %q: name %d, value %d", fl.Name, count(fl.Name), count(fl.Value))
			}
		}
		if e.Footer != nil && count(e.Footer.Text) > maxEmbedFooter {
			t.Errorf("footer %d", count(e.Footer.Text))
		}
		if size := embedSize(e); size > maxEmbedTotal {
			t.Errorf("embed of %d characters", size)
		}
		words := []string{e.Description}
		for _, fl := range e.Fields {
			// Member and flow-defined fields (wants, referrals) are not the member's words; allowed_mentions
			// covers them, and embeds never ping.
			if fl.Name == "Contact preference" {
				words = append(words, fl.Value)
			}
		}
		for _, s := range words {
			if livePing.MatchString(s) {
				t.Errorf("a member's words hold a live mention: %q", s)
			}
		}

		msg := c.message(g)
		if count(msg.Content) > maxContent {
			t.Errorf("content of %d", count(msg.Content))
		}
		checkComponents(t, msg.Components)
		am := msg.AllowedMentions
		switch {
		case am == nil || am.Parse == nil || len(am.Parse) != 0 || len(am.Users) != 0 || am.RepliedUser:
			t.Errorf("allowed_mentions %+v lets more than roles ping", am)
		case urgent && (len(am.Roles) != 1 || am.Roles[0] != g.UrgentRole):
			t.Errorf("urgent card allows roles %v, want only %s", am.Roles, g.UrgentRole)
		case !urgent && len(am.Roles) != 0:
			t.Errorf("routine card allows roles %v", am.Roles)
		}
	})
}

// clip cuts a fuzzed string to at most n bytes (possibly mid-rune: invalid UTF-8 is part of what is fuzzed).
func clip(s string, n int) string { return s[:min(len(s), n)] }
