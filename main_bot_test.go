package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/bot/discordtest"
	"github.com/fulcrum-intake/fulcrum/internal/redistest"
)

// TestRunConnectsAndStopsOnSignal runs `fulcrum run` as an operator would, pointed at the fake Discord, and
// stops it as a signal would.
func TestRunConnectsAndStopsOnSignal(t *testing.T) {
	_, prefix := redistest.Client(t)
	fake := discordtest.New(t)
	t.Setenv("FULCRUM_DISCORD_TOKEN", fake.Token())
	t.Setenv("FULCRUM_DISCORD_API_BASE", fake.URL())
	t.Setenv("FULCRUM_REDIS_URL", redistest.URL())
	t.Setenv("FULCRUM_KEY_PREFIX", prefix)
	t.Setenv("FULCRUM_SHUTDOWN_TIMEOUT", "5s")
	t.Setenv("FULCRUM_HTTP_ADDR", "127.0.0.1:0")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var stderr bytes.Buffer
	go func() { done <- run(ctx, nil, strings.NewReader(""), &bytes.Buffer{}, &lockedWriter{w: &stderr}) }()

	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := fake.WaitConnected(wctx); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitFor(wctx, func() bool { return len(fake.Commands("")) == 4 }); err != nil {
		t.Fatalf("slash commands not registered: %v", err)
	}
	g := fake.AddGuild(&discordgo.Guild{Name: "Clinic"})
	ia := fake.SlashCommand(g.ID, g.OwnerID, "intake")
	if err := fake.WaitFor(wctx, func() bool {
		m, ok := fake.OriginalResponse(ia.ID)
		return ok && strings.Contains(m.Content, "isn't available")
	}); err != nil {
		t.Fatalf("/intake in a server not set up: %v", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not stop within 15 s of the signal")
	}
}

// lockedWriter serialises writes from the bot's goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
