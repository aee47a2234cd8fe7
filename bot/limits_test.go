package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// TestRateLimitOneNoticeButCrisisStillAnswered floods the bot with DMs: over the limit the member gets one polite
// notice and nothing else, yet a crisis message over the limit still gets crisis resources.
func TestRateLimitOneNoticeButCrisisStillAnswered(t *testing.T) {
	h := newHarnessWith(t, harnessConfig{limit: 3})
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "sam")
	dm := h.fake.DMChannelID(member)
	for range 6 {
		h.fake.SendDM(member, "hello?")
	}
	h.waitContent(dm, "faster than I can take them in")
	h.fake.SendDM(member, "I'm going to kill myself tonight")
	h.waitContent(dm, "Emergency")
	notices := 0
	for _, m := range h.botMessages(dm) {
		notices += strings.Count(m.Content, "faster than I can take them in")
	}
	if notices != 1 {
		t.Errorf("%d slow-down notices, want exactly one", notices)
	}
	if strings.Contains(h.logs.String(), "kill myself") {
		t.Error("a log line holds what the member typed")
	}
}

// TestInteractionFloodOneNoticeThenSilence: clicks count against the member's limit as messages do; over it, the
// first click gets the slow-down notice (ephemeral) and later ones get no answer at all, and nothing they ask
// for is done.
func TestInteractionFloodOneNoticeThenSilence(t *testing.T) {
	h := newHarnessWith(t, harnessConfig{limit: 3})
	h.expectErrors = append(h.expectErrors, codeForged)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "sam")
	click := func() (answer, bool) {
		t.Helper()
		return h.forgeMaybe(s.id, "c1", member, nil, 0, discordgo.InteractionMessageComponent, "fc:unknown", nil)
	}
	for i := range 3 {
		if a, ok := click(); !ok || !strings.Contains(a.content, "no longer does anything") {
			t.Fatalf("click %d under the limit: %+v answered %v", i+1, a, ok)
		}
	}
	a, ok := click()
	if !ok || !strings.Contains(a.content, "faster than I can take them in") || a.flags&int(discordgo.MessageFlagsEphemeral) == 0 {
		t.Fatalf("first click over the limit: %+v answered %v, want the ephemeral slow-down notice", a, ok)
	}
	for i := range 3 {
		if a, ok := click(); ok {
			t.Fatalf("click %d over the limit answered %+v, want silence", i+2, a)
		}
	}
	// Slash commands count too: /privacy over the limit is dropped unanswered, and nothing is exported.
	ia := h.fake.SlashCommand(s.id, member, "privacy", &discordgo.ApplicationCommandInteractionDataOption{
		Name: "export", Type: discordgo.ApplicationCommandOptionSubCommand})
	h.eventually("the bot dropped /privacy over the limit", func() bool {
		return strings.Count(h.logs.String(), "interaction over the rate limit") == 5
	})
	if resp, ok := h.fake.Response(ia.ID); ok {
		t.Errorf("/privacy over the limit was answered: %+v", resp)
	}
}

// TestCrisisAnswersPassTheLimit: over the limit, an answer that brings the crisis response, or any answer from a
// member whose intake is in crisis, is still handled; an ordinary answer is not.
func TestCrisisAnswersPassTheLimit(t *testing.T) {
	h := newHarnessWith(t, harnessConfig{limit: 2})
	h.expectErrors = append(h.expectErrors, codeForged)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "ria")
	forge := func(customID string) (answer, bool) {
		t.Helper()
		return h.forgeMaybe(s.id, "c1", member, nil, 0, discordgo.InteractionMessageComponent, customID, nil)
	}
	for range 3 { // two allowed, one notice
		forge("fc:unknown")
	}
	if a, ok := forge(idChoice + "risk_thoughts|no"); ok {
		t.Fatalf("an ordinary answer over the limit was handled: %+v", a)
	}
	if _, ok := forge(idChoice + "risk_thoughts|yes"); !ok {
		t.Fatal("a crisis answer over the limit was dropped")
	}

	// A member whose intake is urgent is never dropped, whatever they click.
	err := h.st.Update(context.Background(), sessionID(member), "", func(s *flows.Session) (*flows.Session, error) {
		if s == nil {
			s = &flows.Session{ID: sessionID(member), State: "concern", Answers: map[string]flows.Answer{}}
		}
		s.Urgent = true
		return s, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := forge(idChoice + "concern|workplace"); !ok {
		t.Fatal("an answer from a member in crisis was dropped over the limit")
	}
}

// TestModeratorsHaveTheirOwnLimit: a moderator's card actions do not use up their member limit, and are not
// refused by it.
func TestModeratorsHaveTheirOwnLimit(t *testing.T) {
	h := newHarnessWith(t, harnessConfig{limit: 2})
	h.expectErrors = append(h.expectErrors, codeForged)
	s := h.addServer("Clinic", true)
	mod := h.addModerator(s, "mara")
	for i := range 6 {
		if _, ok := h.forgeMaybe(s.id, s.mods, mod, []string{s.modRole}, 0, discordgo.InteractionMessageComponent,
			idHandoff+"claim:F-00000", nil); !ok {
			t.Fatalf("moderation action %d refused by the member limit", i+1)
		}
	}
	if a, ok := h.forgeMaybe(s.id, "c1", mod, nil, 0, discordgo.InteractionMessageComponent, "fc:unknown", nil); !ok ||
		strings.Contains(a.content, "faster than") {
		t.Errorf("after moderation actions the moderator's own clicks were limited: %+v %v", a, ok)
	}
}
