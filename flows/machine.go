package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/looplab/fsm"
)

// fsmEvent is one looplab/fsm event: moving to Dst from any of Src.
type fsmEvent = fsm.EventDesc

const jumpEvent = "jump:" // back, restart and edit may move to any question

// buildEvents turns the flow's transitions into looplab/fsm events: "to:X" from every state with an edge to X,
// and "jump:X" from anywhere for the moves a person makes themselves (back, restart, change an answer).
func buildEvents(f *Flow) []fsmEvent {
	srcs := map[string][]string{}
	for _, s := range f.States {
		for _, to := range f.edges(s) {
			srcs[to] = append(srcs[to], s.ID)
		}
	}
	all := make([]string, 0, len(f.States))
	for _, s := range f.States {
		all = append(all, s.ID)
	}
	var events []fsmEvent
	for _, s := range f.States {
		if src := srcs[s.ID]; len(src) > 0 {
			events = append(events, fsmEvent{Name: "to:" + s.ID, Src: slices.Clone(src), Dst: s.ID})
		}
		if s.Kind == KindAsk || s.Kind == KindSummary {
			events = append(events, fsmEvent{Name: jumpEvent + s.ID, Src: all, Dst: s.ID})
		}
	}
	return events
}

// machines hands out looplab/fsm machines for one flow. A machine holds a current state in memory, so each step
// takes one from the pool, sets it to the stored state, fires one event and returns it: Redis stays the source
// of truth and no machine is ever tied to a person.
type machines struct {
	pool sync.Pool
}

type machineArgs struct{ s *Session }

func newMachines(f *Flow) *machines {
	m := &machines{}
	m.pool.New = func() any {
		return fsm.NewFSM(f.Start, f.events, fsm.Callbacks{
			// The only callback: entering a state changes the session value, nothing else.
			"enter_state": func(_ context.Context, e *fsm.Event) {
				if len(e.Args) == 1 {
					if a, ok := e.Args[0].(machineArgs); ok {
						a.s.State = e.Dst
						a.s.Sub = nil
					}
				}
			},
		})
	}
	return m
}

// move fires event on a machine set to the session's state. Moving to the state it is in is allowed.
func (m *machines) move(ctx context.Context, s *Session, event string) error {
	mc := m.pool.Get().(*fsm.FSM)
	defer m.pool.Put(mc)
	mc.SetState(s.State)
	err := mc.Event(ctx, event, machineArgs{s})
	var none fsm.NoTransitionError
	if errors.As(err, &none) {
		s.Sub = nil
		return nil
	}
	if err != nil {
		return fmt.Errorf("flow transition %s from %s: %w", event, s.State, err)
	}
	return nil
}
