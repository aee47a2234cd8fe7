package bot

import (
	"strings"
	"testing"
)

// TestRepliesSurviveServerErrors makes Discord answer the bot's first attempts to reply with 503 and 500: the
// member still gets the reply, once.
func TestRepliesSurviveServerErrors(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "kit")
	dm := h.fake.DMChannelID(member)
	h.fake.FailNext("POST", "/channels/"+dm+"/messages", 503, 1)
	h.fake.FailNext("POST", "/channels/"+dm+"/messages", 500, 1)
	h.fake.SendDM(member, "hello")
	h.waitQuestion(dm, "welcome", "start")
	welcomes := 0
	for _, m := range h.botMessages(dm) {
		if strings.Contains(m.Content, "intake assistant") {
			welcomes++
		}
	}
	if welcomes != 1 {
		t.Errorf("%d welcome messages, want exactly one", welcomes)
	}
}
