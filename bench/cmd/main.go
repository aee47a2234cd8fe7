// Command cmd runs fulcrum's benchmarks (package bench) until the fulcrum binary gains "fulcrum bench":
//
//	go run ./bench/cmd [--redis URL] [--out BENCHMARKS.md] [--cpuprofile FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/fulcrum-intake/fulcrum/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	url := fs.String("redis", "redis://127.0.0.1:6379/0", "Redis to measure against (any FULCRUM_REDIS_URL form)")
	outPath := fs.String("out", "", "write the Markdown report to this file instead of stdout")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	out := stdout
	if *outPath != "" {
		f, err := os.Create(*outPath)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	cmd := "go run ./bench/cmd " + strings.Join(args, " ")
	return bench.Run(ctx, bench.Options{RedisURL: *url, Command: strings.TrimSpace(cmd)}, out)
}
