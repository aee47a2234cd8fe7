package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/flows/crisis"
)

// reportQuantiles adds the median and p99 of per-operation times to a benchmark's output: the mean that
// ns/op shows hides the tail a person waiting on a reply feels.
func reportQuantiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(d[len(d)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkEngineStep measures one intake step (apply, save; load only when the session is not remembered)
// against the real Redis, on a single server and on Redis Cluster: one person answers a question and goes back,
// over and over.
func BenchmarkEngineStep(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { benchmarkEngineStep(b, be) })
	}
}

func benchmarkEngineStep(b *testing.B, be backend) {
	rdb, prefix := be.connect(b)
	f, err := flows.Default()
	if err != nil {
		b.Fatal(err)
	}
	dir, err := crisis.Load()
	if err != nil {
		b.Fatal(err)
	}
	eng := flows.NewEngine(f, New(rdb, Options{Prefix: prefix}), dir, flows.Options{})
	ctx := context.Background()
	step := func(i int, text string) {
		if _, err := eng.Handle(ctx, flows.Input{SessionID: "bench", EventID: fmt.Sprint(i), Text: text}); err != nil {
			b.Fatal(err)
		}
	}
	step(-2, "")
	step(-1, "1") // welcome -> risk_wish
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		text := "no"
		if i%2 == 1 {
			text = "back"
		}
		start := time.Now()
		step(i, text)
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	reportQuantiles(b, times)
}

// BenchmarkRedisPing is the reference for BenchmarkEngineStep: one round trip to the same Redis.
func BenchmarkRedisPing(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { benchmarkRedisPing(b, be) })
	}
}

func benchmarkRedisPing(b *testing.B, be backend) {
	rdb, _ := be.connect(b)
	ctx := context.Background()
	times := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		if err := rdb.Ping(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportQuantiles(b, times)
}
