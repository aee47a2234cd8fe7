package bot

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/bot/discordtest"
)

// memberRoute is the REST route of a membership check.
const memberRoute = "/guilds/{guild}/members/{user}"

// memberChecks counts the membership checks the bot made of a user.
func (h *harness) memberChecks(userID string) int {
	n := 0
	for _, c := range h.fake.CallsTo(http.MethodGet, memberRoute) {
		if strings.HasSuffix(c.Path, "/"+userID) {
			n++
		}
	}
	return n
}

// waitContentCount waits until n of the bot's messages in channelID contain text.
func (h *harness) waitContentCount(channelID, text string, n int) {
	h.t.Helper()
	err := h.fake.WaitForChannel(h.ctx(), channelID, func() bool {
		got := 0
		for _, m := range h.botMessages(channelID) {
			if strings.Contains(m.Content, text) {
				got++
			}
		}
		return got >= n
	})
	if err != nil {
		h.t.Fatalf("fewer than %d bot messages containing %q: %v\nbot messages:\n%s", n, text, err, h.dump(channelID))
	}
}

// barrierTransport holds membership checks until n of them are in flight at once, and records whether they
// ever were.
type barrierTransport struct {
	next http.RoundTripper
	n    int

	mu      sync.Mutex
	arrived int
	full    chan struct{}
	reached bool
}

func (b *barrierTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/members/") {
		b.mu.Lock()
		b.arrived++
		if b.arrived == b.n {
			b.reached = true
			close(b.full)
		}
		b.mu.Unlock()
		select {
		case <-b.full:
		case <-time.After(waitLimit / 2):
			// They came one at a time: let them through, so that the test ends and says so.
		case <-req.Context().Done():
		}
	}
	return b.next.RoundTrip(req)
}

func TestFirstDMsCheckMembershipAtOnce(t *testing.T) {
	const members = 3
	barrier := &barrierTransport{n: members, full: make(chan struct{})}
	h := newHarnessWith(t, harnessConfig{transport: func(next http.RoundTripper) http.RoundTripper {
		barrier.next = next
		return barrier
	}})
	s := h.addServer("Clinic", true)
	var dms []string
	for i := range members {
		uid := h.addMember(s, "member"+string(rune('a'+i)))
		dms = append(dms, h.fake.DMChannelID(uid))
		h.fake.SendDM(uid, "hi")
	}
	for _, dm := range dms {
		h.waitQuestion(dm, "welcome", "start")
	}
	barrier.mu.Lock()
	defer barrier.mu.Unlock()
	if !barrier.reached {
		t.Errorf("the first DMs of %d members to one server had their membership checked one at a time", members)
	}
}

func TestMembershipRememberedWhileChoosing(t *testing.T) {
	h := newHarness(t)
	a := h.addServer("Alpha Clinic", true)
	b := h.addServer("Beta Circle", true)
	member := h.addMember(a, "tam")
	h.fake.AddMember(b.id, &discordgo.User{ID: member})
	dm := h.fake.DMChannelID(member)

	h.fake.SendDM(member, "hello")
	h.waitContentCount(dm, "Which community", 1)
	checks := h.memberChecks(member)
	if checks != 2 {
		t.Fatalf("%d membership checks for the first DM, want one per set-up server", checks)
	}
	// Typing again before choosing asks again, from what was remembered.
	h.fake.SendDM(member, "are you there?")
	h.waitContentCount(dm, "Which community", 2)
	if got := h.memberChecks(member); got != checks {
		t.Errorf("%d membership checks after the second DM, want still %d", got, checks)
	}
}

func TestMembershipAnswerExpires(t *testing.T) {
	// A TTL this short has run out by the member's next DM: it stands in for the default ten minutes passing.
	h := newHarnessWith(t, harnessConfig{membershipTTL: time.Millisecond})
	a := h.addServer("Alpha Clinic", true)
	b := h.addServer("Beta Circle", true)
	member := h.addMember(a, "tam")
	h.fake.AddMember(b.id, &discordgo.User{ID: member})
	dm := h.fake.DMChannelID(member)

	h.fake.SendDM(member, "hello")
	h.waitContentCount(dm, "Which community", 1)

	// The member leaves Beta: once the remembered answer expired they are no longer offered it, and their only
	// community left is chosen for them.
	h.fake.RemoveMember(b.id, member)
	h.expectErrors = append(h.expectErrors, codeUnknownMember)
	h.fake.SendDM(member, "hello again")
	h.waitQuestion(dm, "welcome", "start")
	m, err := h.st.Member(context.Background(), sessionID(member))
	if err != nil || m.Community != a.id {
		t.Errorf("community = %q, %v; want %s (Alpha), the one server the member is still in", m.Community, err, a.id)
	}
}

func TestMembershipAskedAgainWhenServersChange(t *testing.T) {
	h := newHarness(t)
	a := h.addServer("Alpha Clinic", true)
	b := h.addServer("Beta Circle", false)
	member := h.addMember(a, "tam")
	h.fake.AddMember(b.id, &discordgo.User{ID: member})
	dm := h.fake.DMChannelID(member)

	h.fake.SendDM(member, "hello")
	h.waitQuestion(dm, "welcome", "start")

	// Beta's moderators set the bot up, and the member's intake state is gone (as when an intake ends): their
	// next DM must offer both servers, not only the one remembered from before Beta was set up.
	if err := h.st.SaveGuild(context.Background(), h.guildSettings(b)); err != nil {
		t.Fatal(err)
	}
	if err := h.st.DeleteMember(context.Background(), sessionID(member)); err != nil {
		t.Fatal(err)
	}
	h.fake.SendDM(member, "hello again")
	q := h.waitContent(dm, "Which community")
	var labels []string
	for _, c := range componentsOf(q) {
		labels = append(labels, c.Label)
	}
	if got := strings.Join(labels, ", "); !strings.Contains(got, "Alpha Clinic") || !strings.Contains(got, "Beta Circle") {
		t.Errorf("communities offered = %s, want Alpha Clinic and Beta Circle", got)
	}
}

func TestMembershipUnknownIsNotRemembered(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "tam")
	dm := h.fake.DMChannelID(member)
	// Discord fails the check on every attempt: the server is offered all the same, as a member can only DM
	// the bot from a server they share with it, but the unconfirmed answer is not kept.
	h.fake.Inject(discordtest.Fault{Method: http.MethodGet, Path: memberRoute, Status: http.StatusServiceUnavailable, Times: 1 + len(retryWaits)})
	h.fake.SendDM(member, "hello")
	h.waitQuestion(dm, "welcome", "start")
	if _, ok, err := h.st.Memberships(context.Background(), sessionID(member)); err != nil || ok {
		t.Errorf("an answer Discord could not give was remembered (%v, %v)", ok, err)
	}
}
