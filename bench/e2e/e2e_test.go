package e2e

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fulcrum-intake/fulcrum/bench"
	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/crisis"
	"github.com/fulcrum-intake/fulcrum/internal/redistest"
)

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func testEnv(tb testing.TB) bench.Env {
	tb.Helper()
	rdb, prefix := redistest.Client(tb) // skips, or fails in CI, without Redis
	flow, err := flows.Default()
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := crisis.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return bench.Env{Redis: rdb, Prefix: prefix, Flow: flow, Crisis: dir}
}

// TestFigureRuns runs figure 4 small, so that it keeps working as the bot changes. No timing is asserted.
func TestFigureRuns(t *testing.T) {
	rows, err := Figure(5, QuickPace)(context.Background(), testEnv(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want the paced figure and the burst", len(rows))
	}
	paced, burst := rows[0], rows[1]
	if !strings.Contains(paced.Figure, "5 members at once") || !strings.Contains(paced.Reference, "first DM") ||
		!strings.Contains(paced.Reference, "one member at a time") || paced.Met == "" {
		t.Errorf("paced row = %+v", paced)
	}
	if !strings.Contains(burst.Figure, "burst") || !strings.Contains(burst.Reference, "replies/s") {
		t.Errorf("burst row = %+v", burst)
	}
}

// BenchmarkEndToEnd runs figure 4 alone, as "fulcrum bench" does (100 members, six DMs each), and with fewer
// members at once to show how the figure grows with them, so that it can be profiled on its own:
//
//	go test ./bench/e2e -run '^$' -bench 'EndToEnd/members=100' -benchtime 1x -cpuprofile cpu.out -blockprofile block.out -mutexprofile mutex.out
//
// Each iteration is one whole run; the figure's row is logged with the run's wall and CPU time.
func BenchmarkEndToEnd(b *testing.B) {
	env := testEnv(b)
	for _, members := range []int{10, 25, 50, 100} {
		b.Run(fmt.Sprintf("members=%d", members), func(b *testing.B) {
			for b.Loop() {
				cpu0, start := cpuTime(), time.Now()
				rows, err := Figure(members, HumanPace)(context.Background(), env)
				if err != nil {
					b.Fatal(err)
				}
				for _, row := range rows {
					b.Logf("%s: %s; %s", row.Figure, row.Measured, row.Reference)
				}
				b.Logf("run %v wall, %v CPU (this process)", time.Since(start).Round(time.Millisecond),
					(cpuTime() - cpu0).Round(time.Millisecond))
			}
		})
	}
}
