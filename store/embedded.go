package store

import (
	"fmt"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// Embedded is an in-process Redis-compatible server (miniredis), so that a newcomer can run fulcrum with no
// Redis installed and the same store code still runs. Nothing in it survives the process.
type Embedded struct {
	m    *miniredis.Miniredis
	stop chan struct{}
	done sync.WaitGroup
}

// StartEmbedded starts an embedded server on a loopback port.
func StartEmbedded() (*Embedded, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start embedded redis: %w", err)
	}
	e := &Embedded{m: m, stop: make(chan struct{})}
	e.done.Add(1)
	go e.tick()
	return e, nil
}

// tick moves miniredis's clock along: it only expires keys when told time has passed.
func (e *Embedded) tick() {
	defer e.done.Done()
	const every = 10 * time.Second
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			e.m.FastForward(every)
		}
	}
}

// URL is the redis:// URL of the embedded server.
func (e *Embedded) URL() string { return "redis://" + e.m.Addr() }

// Close stops the server.
func (e *Embedded) Close() {
	close(e.stop)
	e.done.Wait()
	e.m.Close()
}
