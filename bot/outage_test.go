package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/fulcrum-intake/fulcrum/internal/redistest"
)

// TestCrisisAnsweredWhileRedisIsDown cuts the bot off from Redis: a member in crisis still gets the crisis
// resources at once, and everyone else a kind "paused" sentence, never an internal error.
func TestCrisisAnsweredWhileRedisIsDown(t *testing.T) {
	h := newHarness(t)
	s := h.addServer("Clinic", true)
	member := h.addMember(s, "ari")
	dm := h.fake.DMChannelID(member)
	// The harness's client is closed below, so its own clean-up cannot run: a second client removes the keys.
	opt, err := redis.ParseURL(redistest.URL())
	if err != nil {
		t.Fatal(err)
	}
	cleaner := redis.NewClient(opt)
	t.Cleanup(func() {
		ctx := context.Background()
		iter := cleaner.Scan(ctx, 0, h.prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			cleaner.Del(ctx, iter.Val())
		}
		_ = cleaner.Close()
	})
	if err := h.rdb.Close(); err != nil { // every Redis call from now on fails
		t.Fatal(err)
	}
	h.fake.SendDM(member, "I'm going to kill myself tonight")
	h.waitContent(dm, "Emergency")
	msgs := h.botMessages(dm)
	if !strings.Contains(msgs[0].Content, "Emergency") {
		t.Fatalf("crisis resources are not the first thing the member sees: %q", contents(msgs))
	}
	h.waitContent(dm, "try again in a minute")
	for _, m := range msgs {
		if strings.Contains(strings.ToLower(m.Content), "redis") || strings.Contains(m.Content, "closed") {
			t.Errorf("an internal error reached the member: %q", m.Content)
		}
	}
}
