package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fulcrum-intake/fulcrum/internal/redistest"
)

// TestRunWritesEveryFigure runs the whole benchmark, small, so that it keeps working as the engine changes. It
// checks the report's shape only: no timing is ever asserted.
func TestRunWritesEveryFigure(t *testing.T) {
	redistest.Client(t) // skips, or fails in CI, without Redis
	var out strings.Builder
	opts := Options{RedisURL: redistest.URL(), Command: "test", Steps: 50, Members: 20, Duration: 50 * time.Millisecond,
		InFlight: 200}
	if err := Run(context.Background(), opts, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| figure | measured |", "(1) engine step", "(2) steps per second", "(3) Redis memory per in-progress session",
		"(3) Redis memory per handoff", "(4) end to end", "(5) triage time", "(5) process heap", "Command: `test`"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
