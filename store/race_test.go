package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// scripted is one member's inputs, in the order the member sent them, each with its event id.
type scripted struct {
	sid    string
	inputs []flows.Input
	// ends is set when an input ended the session (and the member wrote again after it).
	ends bool
}

// scriptMember walks one member through the intake on a reference engine, one input at a time, picking at
// random among the choices each question offers (now and then declining or cancelling, which end the session),
// sometimes typing "back" or free text, and records the inputs. After a session ends the member writes again
// once, which starts a new intake over the ended one's tombstone; the script stops at the second end, at the
// handoff, or after 30 events.
func scriptMember(t *testing.T, e *flows.Engine, st *Redis, sid string, rng *rand.Rand) scripted {
	t.Helper()
	ctx := context.Background()
	sc := scripted{sid: sid}
	send := func(in flows.Input) flows.Reply {
		in.SessionID, in.EventID = sid, sid+"#"+strconv.Itoa(len(sc.inputs))
		sc.inputs = append(sc.inputs, in)
		r, err := e.Handle(ctx, in)
		if err != nil {
			t.Fatalf("reference run %s: %v", sid, err)
		}
		return r
	}
	r := send(flows.Input{Command: flows.CommandOpen})
	// At most 30 events: a session (and the tombstone of an ended one) remembers the last 32 event ids, so a
	// late duplicate is always recognised.
	for len(sc.inputs) < 30 && r.Handoff == nil {
		c, err := st.load(ctx, sid, sessionKey(st.prefix, sid))
		if err != nil {
			t.Fatalf("reference run %s: %v", sid, err)
		}
		if c.s == nil {
			if sc.ends {
				break
			}
			sc.ends = true
			r = send(flows.Input{Text: "hello again"})
			continue
		}
		m := lastMessage(r)
		var choices, enders []string
		for _, c := range m.Choices {
			if c.ID == "decline" || c.ID == "cancel" {
				enders = append(enders, c.ID)
			} else {
				choices = append(choices, c.ID)
			}
		}
		switch p := rng.IntN(20); {
		case p < 2 && m.State != "welcome":
			r = send(flows.Input{Text: "back"})
		case p == 2 && len(enders) > 0:
			r = send(flows.Input{Choices: []string{enders[rng.IntN(len(enders))]}, State: m.State})
		case len(choices) == 0 || p < 5:
			r = send(flows.Input{Text: fmt.Sprintf("my boss at work keeps shouting at me %d", rng.IntN(100))})
		default:
			r = send(flows.Input{Choices: []string{choices[rng.IntN(len(choices))]}, State: m.State})
		}
	}
	return sc
}

// TestDuplicatesAndRacesApplyEachEventOnce delivers many members' scripted events several times over,
// concurrently, through two stores on one prefix (two bot processes, each with its own cache of sessions), and
// checks that each member's final session equals the reference run that applied the same inputs one by one, and
// that every event was applied exactly once.
//
// Ordering assumption, as the bot provides it: one member's distinct events are handled in order (the bot
// serializes a member's events), but copies of an event (a redelivery, a retried interaction) may arrive at the
// same time as each other, and a late copy of an earlier event may arrive at the same time as the member's next
// event. Different members run fully concurrently.
func TestDuplicatesAndRacesApplyEachEventOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		refStore, rdb, prefix := newStoreOn(t, b, Options{})
		ref := newEngine(t, refStore)
		raceA := New(rdb, Options{Prefix: prefix + "-race"})
		raceB := New(rdb, Options{Prefix: prefix + "-race"})
		engines := []*flows.Engine{newEngine(t, raceA), newEngine(t, raceB)}
		rounds, members := 3, 50
		if v, err := strconv.Atoi(os.Getenv("FULCRUM_RACE_ROUNDS")); err == nil && v > 0 {
			rounds = v
		}
		seed := uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 1))
		ctx := context.Background()
		var events, deliveries, duplicates atomic.Int64
		ended := 0
		for round := range rounds {
			scripts := make([]scripted, members)
			seeds := make([]uint64, members)
			for i := range scripts {
				scripts[i] = scriptMember(t, ref, refStore, fmt.Sprintf("discord:r%d-m%d", round, i), rand.New(rand.NewPCG(rng.Uint64(), 2)))
				seeds[i] = rng.Uint64()
				if scripts[i].ends {
					ended++
				}
			}
			var wg sync.WaitGroup
			for i, sc := range scripts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					mrng := rand.New(rand.NewPCG(seeds[i], 3))
					applied := make([]atomic.Int64, len(sc.inputs))
					for j := range sc.inputs {
						var ev sync.WaitGroup
						copies := 1 + mrng.IntN(3)
						late := -1
						if j > 0 && mrng.IntN(3) == 0 {
							late = mrng.IntN(j)
						}
						// The random choices are drawn before the goroutines start: mrng is not safe for
						// concurrent use.
						picks := make([]int, copies)
						for c := range picks {
							picks[c] = mrng.IntN(2)
						}
						for c := range copies {
							ev.Add(1)
							go func() {
								defer ev.Done()
								deliveries.Add(1)
								_, err := engines[picks[c]].Handle(ctx, sc.inputs[j])
								switch {
								case err == nil:
									applied[j].Add(1)
								case errors.Is(err, flows.ErrDuplicate):
									duplicates.Add(1)
								default:
									t.Errorf("%s event %d: %v", sc.sid, j, err)
								}
							}()
						}
						if late >= 0 {
							ev.Add(1)
							lateEngine := engines[mrng.IntN(2)]
							go func() {
								defer ev.Done()
								deliveries.Add(1)
								_, err := lateEngine.Handle(ctx, sc.inputs[late])
								switch {
								case err == nil:
									applied[late].Add(1)
								case errors.Is(err, flows.ErrDuplicate):
									duplicates.Add(1)
								default:
									t.Errorf("%s late copy of event %d: %v", sc.sid, late, err)
								}
							}()
						}
						ev.Wait()
					}
					for j := range applied {
						if n := applied[j].Load(); n != 1 {
							t.Errorf("%s event %d applied %d times, want once", sc.sid, j, n)
						}
					}
					events.Add(int64(len(sc.inputs)))
				}()
			}
			wg.Wait()
			for _, sc := range scripts {
				want := storedSession(t, refStore, sc.sid)
				got := storedSession(t, raceA, sc.sid)
				if got != want {
					t.Errorf("%s: concurrent run ended as\n%s\nwant (one by one)\n%s", sc.sid, got, want)
				}
			}
			if t.Failed() {
				return
			}
		}
		t.Logf("trials: %d rounds × %d members = %d member scripts (%d ended a session and wrote again); %d events, %d deliveries, %d refused as duplicates",
			rounds, members, rounds*members, ended, events.Load(), deliveries.Load(), duplicates.Load())
		if ended == 0 {
			t.Error("no script ended a session: the tombstone path went untested")
		}
	})
}

// storedSession reads a session as stored, without the handoff reference (random in each run).
func storedSession(t *testing.T, st *Redis, sid string) string {
	t.Helper()
	c, err := st.load(context.Background(), sid, sessionKey(st.prefix, sid))
	if err != nil {
		t.Fatal(err)
	}
	if c.s == nil {
		return "<none>"
	}
	c.s.Ref = ""
	data, err := json.Marshal(c.s)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
