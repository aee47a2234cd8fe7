package bot

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fulcrum-intake/fulcrum/ops"
)

// TestNothingLeaks runs two full DM intakes whose every typed answer (the concern in the member's own words,
// the description of "something else", and "anything else") holds a unique marker, and checks that the markers
// reach only the member's own DM (their summary) and the moderators' card: never a log line, a metric, or
// anything else the bot sends to Discord (ephemeral answers, threads, other channels). The bot token never
// appears in the logs either.
func TestNothingLeaks(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := newHarnessWith(t, harnessConfig{metrics: ops.NewMetrics(reg)})
	h.expectErrors = append(h.expectErrors, codeUnknownMember)
	s := h.addServer("Clinic", true)
	markers := []string{"quokka-lantern-1", "quokka-lantern-2", "quokka-lantern-3", "quokka-lantern-4"}

	// One member describes the concern in their own words and adds something at the end.
	first := h.addMember(s, "ana")
	steps := workIntake("also my manager reads my diary " + markers[1])
	for i, st := range steps {
		if st.state == "concern" {
			steps[i] = step{state: "concern", text: "my boss at work humiliates me in meetings " + markers[0]}
			steps = append(steps[:i+1], append([]step{{state: "concern#confirm", choices: []string{"yes"}}}, steps[i+1:]...)...)
			break
		}
	}
	h.fake.SendDM(first, "hi")
	h.walk(first, steps)
	h.waitContent(h.fake.DMChannelID(first), "Thank you for trusting us")
	h.waitCardTitled(s.mods, "Intake F-")

	// Another picks "something else" and describes it.
	second := h.addMember(s, "ben")
	h.fake.SendDM(second, "hi")
	h.walk(second, []step{
		{state: "welcome", choices: []string{"start"}},
		{state: "risk_wish", choices: []string{"no"}},
		{state: "risk_behaviour", choices: []string{"no"}},
		{state: "safe_now", choices: []string{"safe"}},
		{state: "age", choices: []string{"no"}},
		{state: "concern", choices: []string{"other"}},
		{state: "other_describe", text: "my landlord keeps entering without notice " + markers[2]},
		{state: "impact_level", choices: []string{"lot"}},
		{state: "impact_duration", choices: []string{"weeks"}},
		{state: "wants", choices: []string{"moderator"}},
		{state: "contact", choices: []string{"bot"}},
		{state: "anonymity", choices: []string{"named"}},
		{state: "anything_else", text: "nothing more, thanks " + markers[3]},
		{state: "review", choices: []string{"send"}},
	})
	h.waitContent(h.fake.DMChannelID(second), "Thank you for trusting us")
	h.eventually("both cards are posted", func() bool { return len(h.botMessages(s.mods)) >= 2 })

	// The markers did reach where they belong, so their absence elsewhere means something.
	cards := ""
	for _, m := range h.botMessages(s.mods) {
		if len(m.Embeds) > 0 {
			cards += m.Embeds[0].Description
		}
	}
	for _, mk := range markers {
		if !strings.Contains(cards, mk) {
			t.Errorf("marker %s is on no card: the test proves nothing for it", mk)
		}
	}

	logs := h.logs.String()
	if logs == "" {
		t.Fatal("no logs were captured")
	}
	for _, mk := range markers {
		if strings.Contains(logs, mk) {
			t.Errorf("the logs hold %s", mk)
		}
	}
	if strings.Contains(logs, h.fake.Token()) {
		t.Error("the logs hold the bot token")
	}

	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var metrics strings.Builder
	for _, mf := range mfs {
		metrics.WriteString(mf.String() + "\n")
	}
	if metrics.Len() == 0 {
		t.Fatal("no metrics were gathered")
	}
	for _, mk := range markers {
		if strings.Contains(metrics.String(), mk) {
			t.Errorf("a metric holds %s", mk)
		}
	}

	// Everything the bot sent to Discord: the markers may appear only in the member's own DM channel (what they
	// typed, their summary) and on the cards in the moderator channel.
	own := map[string]string{markers[0]: h.fake.DMChannelID(first), markers[1]: h.fake.DMChannelID(first),
		markers[2]: h.fake.DMChannelID(second), markers[3]: h.fake.DMChannelID(second)}
	channelOfToken := map[string]string{}
	calls := h.fake.Calls()
	for _, c := range calls {
		if parts := strings.Split(c.Path, "/"); len(parts) >= 4 && parts[1] == "interactions" {
			if ia, ok := h.fake.Interaction(parts[2]); ok {
				channelOfToken[ia.Token] = ia.ChannelID
			}
		}
	}
	for _, c := range calls {
		body := string(c.Body)
		for _, mk := range markers {
			if !strings.Contains(body, mk) {
				continue
			}
			parts := strings.Split(c.Path, "/")
			var channel string
			switch {
			case len(parts) >= 3 && parts[1] == "channels":
				channel = parts[2]
			case len(parts) >= 4 && parts[1] == "interactions":
				if ia, ok := h.fake.Interaction(parts[2]); ok {
					channel = ia.ChannelID
				}
			case len(parts) >= 4 && parts[1] == "webhooks":
				channel = channelOfToken[parts[3]]
			}
			if channel != own[mk] && channel != s.mods {
				t.Errorf("%s %s (channel %q) carries %s; only the member's own DM and the card may", c.Method, c.Path, channel, mk)
			}
		}
	}
	for _, th := range h.fake.Threads(s.mods) {
		for _, m := range h.botMessages(th.ID) {
			for _, mk := range markers {
				if strings.Contains(m.Content, mk) {
					t.Errorf("a thread holds %s", mk)
				}
			}
		}
	}
}
