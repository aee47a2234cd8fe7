package bot

import (
	"strings"
	"testing"
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
