package bot

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/bot/discordtest"
	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/crisis"
	"github.com/fulcrum-intake/fulcrum/internal/redistest"
	"github.com/fulcrum-intake/fulcrum/store"
)

// The test binary runs as a bot process of its own when these are set, so that a test can SIGKILL a bot as an
// operator's orchestrator (or the kernel's OOM killer) would: no deferred function, no shutdown, no last write.
const (
	envChildBot    = "FULCRUM_TEST_CHILD_BOT"
	envChildToken  = "FULCRUM_TEST_CHILD_TOKEN"
	envChildURL    = "FULCRUM_TEST_CHILD_URL"
	envChildPrefix = "FULCRUM_TEST_CHILD_PREFIX"
)

func TestMain(m *testing.M) {
	if os.Getenv(envChildBot) != "" {
		if err := runChildBot(); err != nil {
			fmt.Fprintln(os.Stderr, "child bot:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChildBot serves as a bot process on the fake Discord and the test Redis named by the environment, until it
// is killed.
func runChildBot() error {
	opt, err := redis.ParseURL(redistest.URL())
	if err != nil {
		return err
	}
	st := store.New(redis.NewClient(opt), store.Options{Prefix: os.Getenv(envChildPrefix), SessionTTL: time.Hour})
	flow, err := flows.Default()
	if err != nil {
		return err
	}
	dir, err := crisis.Load()
	if err != nil {
		return err
	}
	b, err := processBot(os.Getenv(envChildToken), os.Getenv(envChildURL), st, flow, dir, time.Second, os.Stderr, time.Now)
	if err != nil {
		return err
	}
	return b.Run(context.Background())
}

// startChild starts a bot in a process of its own and returns it once it is connected to the gateway.
func (h *restartableHarness) startChild() *exec.Cmd {
	h.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChildBot+"=1", envChildToken+"="+h.fake.Token(), envChildURL+"="+h.fake.URL(),
		envChildPrefix+"="+h.prefix)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if h.t.Failed() {
			h.t.Logf("child bot's log:\n%s", logs.String())
		}
	})
	if err := h.fake.WaitConnected(h.ctx()); err != nil {
		h.t.Fatalf("the child bot did not connect: %v\n%s", err, logs.String())
	}
	return cmd
}

// TestBotKilledMidPostPostsOnce SIGKILLs a bot process while Discord holds back its answer to a handoff card:
// once after Discord created the card (the answer is lost), once before. A new process takes the handoff from
// the Redis outbox when the dead one's lease runs out, not before, and the moderators see exactly one card: in
// the first case Discord hands back the card it made, by the card's enforced nonce.
func TestBotKilledMidPostPostsOnce(t *testing.T) {
	for _, tc := range []struct {
		name    string
		created bool
	}{{"after Discord created the card", true}, {"before Discord created it", false}} {
		t.Run(tc.name, func(t *testing.T) {
			h := newRestartableHarness(t)
			s := h.addServer("Clinic", true)
			member := h.addMember(s, "ines")
			dm := h.fake.DMChannelID(member)
			cardPath := "/channels/" + s.mods + "/messages"
			h.fake.Inject(discordtest.Fault{Method: "POST", Path: cardPath, Stall: true, AfterApply: tc.created})

			child := h.startChild()
			h.fake.SendDM(member, "hi")
			h.walk(member, workIntake("skip"))
			ref := refOf(h.waitContent(dm, "Thank you for trusting us").Content)
			h.eventually("the card's POST is in flight", func() bool {
				for _, c := range h.fake.CallsTo("POST", "/channels/{id}/messages") {
					if c.Path == cardPath && c.Status == 0 {
						return true
					}
				}
				return false
			})
			if err := child.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			if err := child.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
				t.Fatalf("the child bot ended with %v, want killed", err)
			}
			if rec := h.record(ref); rec.Posted() {
				t.Fatal("the killed process recorded the card as posted")
			}
			want := 0
			if tc.created {
				want = 1
			}
			if n := len(h.botMessages(s.mods)); n != want {
				t.Fatalf("%d cards before the restart, want %d", n, want)
			}

			// A new process, whose clock the test moves: within the dead process's lease it leaves the handoff.
			clock := newTestClock()
			logs := &syncBuffer{}
			h.startAt(5*time.Millisecond, logs, clock.Now)
			time.Sleep(300 * time.Millisecond) // fifteen outbox polls
			if strings.Contains(logs.String(), "handoff posted") || h.record(ref).Posted() {
				t.Fatal("the new process posted within the killed one's lease")
			}
			clock.Advance(outboxLease + time.Second)
			h.eventually("the handoff is recorded as posted", func() bool { return h.record(ref).Posted() })
			time.Sleep(200 * time.Millisecond) // room for a second card, if one were coming
			cards := h.botMessages(s.mods)
			if len(cards) != 1 {
				t.Fatalf("%d cards in the moderators' channel, want exactly 1", len(cards))
			}
			if !strings.Contains(cards[0].Content, ref) {
				t.Errorf("card %q is not for %s", cards[0].Content, ref)
			}
			if rec := h.record(ref); rec.MessageID != cards[0].ID {
				t.Errorf("the handoff records message %s, the card is %s", rec.MessageID, cards[0].ID)
			}
			if n, _ := h.rdb.ZCard(context.Background(), h.prefix+":{handoffs}:queue").Result(); n != 0 {
				t.Errorf("outbox still holds %d entries", n)
			}
		})
	}
}
