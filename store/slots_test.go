package store

import (
	"context"
	"testing"
	"time"

	"github.com/fulcrum-intake/fulcrum/internal/redistest"
)

// TestMultiKeyOperationsShareASlot checks that the keys every multi-key operation touches (a script, a MULTI, a
// DEL of several keys) hash to one Redis Cluster slot. A MULTI whose keys span slots would not even fail on
// go-redis's cluster client: it is split per slot and silently stops being atomic.
func TestMultiKeyOperationsShareASlot(t *testing.T) {
	rdb, prefix := redistest.Cluster(t)
	ctx := context.Background()
	groups := map[string][]string{}
	for _, sid := range []string{"discord:1234567890123456789", "console:local", "console:a}b", "console:{x}"} {
		groups["ForgetMember DEL and capTTLScript "+sid] = []string{sessionKey(prefix, sid), memberKey(prefix, sid),
			memberHandoffsKey(prefix, sid), memberRelayKey(prefix, sid)}
	}
	for _, ref := range []string{"F-7KQ3M", "F-AAAAA"} {
		groups["handoff scripts and MULTI "+ref] = []string{handoffKey(prefix, ref), outboxKey(prefix), remindKey(prefix),
			openKey(prefix, "112233445566778899"), notesKey(prefix, ref), threadKey(prefix, "998877"),
			relayMessagesKey(prefix, ref)}
	}
	for name, keys := range groups {
		var first int64
		for i, k := range keys {
			slot, err := rdb.ClusterKeySlot(ctx, k).Result()
			if err != nil {
				t.Fatalf("CLUSTER KEYSLOT: %v", err)
			}
			if i == 0 {
				first = slot
			} else if slot != first {
				t.Errorf("%s: %s is in slot %d, %s in slot %d", name, keys[0], first, k, slot)
			}
		}
	}
}

// TestDiscordStateOnEveryBackend runs each multi-key operation of the Discord adapter's state once on every
// backend: on Redis Cluster a script or DEL across slots fails with CROSSSLOT.
func TestDiscordStateOnEveryBackend(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, _, _ := newStoreOn(t, b, Options{})
		ctx := context.Background()
		sid := "discord:42"
		must := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		must("session", st.Update(ctx, sid, "e", step(sid, "e")))
		must("community", st.SetCommunity(ctx, sid, "g", "dm"))
		_, err := st.MarkAlerted(ctx, sid)
		must("alerted", err)
		must("guild", st.SaveGuild(ctx, GuildSettings{GuildID: "g", ModeratorChannel: "c"}))
		for _, ref := range []string{"F-11111", "F-22222"} {
			must("enqueue", st.EnqueueHandoff(ctx, Handoff{Ref: ref, SessionID: sid, GuildID: "g", UserID: "42", Card: []byte(`{}`)}, time.Hour))
		}
		got, err := st.ClaimHandoffs(ctx, time.Now(), time.Minute, 10)
		must("claim", err)
		if len(got) != 2 {
			t.Fatalf("claimed %d handoffs, want 2", len(got))
		}
		must("failed", st.HandoffFailed(ctx, "F-11111", time.Now(), "code 50013"))
		must("posted", st.HandoffPosted(ctx, "F-22222", "c", "m"))
		exp, err := st.ExportMember(ctx, sid)
		must("export", err)
		if len(exp.Handoffs) != 2 || exp.Session == nil {
			t.Errorf("export = %+v", exp)
		}
		must("forget", st.ForgetMember(ctx, sid))
		if exp, _ := st.ExportMember(ctx, sid); len(exp.Handoffs) != 0 || exp.Session != nil {
			t.Errorf("after forget, export = %+v", exp)
		}
	})
}
