package bot

import (
	"sync"
	"testing"

	"github.com/fulcrum-intake/fulcrum/flows/triage"
)

// triageCounter counts the intake's triage calls.
type triageCounter struct {
	Intake
	mu    sync.Mutex
	calls int
}

func (c *triageCounter) Triage(text string) triage.Result {
	c.mu.Lock()
	c.calls++
	c.mu.Unlock()
	return c.Intake.Triage(text)
}

func TestTriageWarmedBeforeConnecting(t *testing.T) {
	counter := &triageCounter{}
	newHarnessWith(t, harnessConfig{wrap: func(in Intake) Intake {
		counter.Intake = in
		return counter
	}})
	// Connected, and nobody has written yet.
	counter.mu.Lock()
	defer counter.mu.Unlock()
	if counter.calls == 0 {
		t.Error("the triage model was not built before the bot connected: the first members would wait for it")
	}
}
