package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestGuildSettingsRoundTrip(t *testing.T) {
	st, rdb, prefix := newStore(t, Options{})
	ctx := context.Background()
	if _, ok, err := st.Guild(ctx, "g1"); ok || err != nil {
		t.Fatalf("unknown server: ok %v err %v", ok, err)
	}
	want := GuildSettings{GuildID: "g1", ModeratorChannel: "c1", ModeratorRole: "r1", UrgentRole: "r2", Region: "GB",
		AnonymousByDefault: true, RetentionDays: 14, UpdatedBy: "u1", Updated: time.UnixMilli(1700000000000)}
	if err := st.SaveGuild(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := st.Guild(ctx, "g1")
	if err != nil || !ok || got != want {
		t.Fatalf("Guild = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	if ids, _ := st.SetUpGuilds(ctx); !slices.Equal(ids, []string{"g1"}) {
		t.Errorf("set-up servers = %v", ids)
	}
	if ttl := rdb.PTTL(ctx, guildKey(prefix, "g1")).Val(); ttl != -1 {
		t.Errorf("server settings have a TTL (%v); operator configuration must not expire", ttl)
	}
	want.ModeratorChannel = ""
	if err := st.SaveGuild(ctx, want); err != nil {
		t.Fatal(err)
	}
	if ids, _ := st.SetUpGuilds(ctx); len(ids) != 0 {
		t.Errorf("a server without moderator channel is still listed: %v", ids)
	}
	if got := (GuildSettings{}).Retention(); got != 30*24*time.Hour {
		t.Errorf("default retention = %v", got)
	}
}

func TestMemberStateHasTTL(t *testing.T) {
	st, rdb, prefix := newStore(t, Options{SessionTTL: time.Hour})
	ctx := context.Background()
	if err := st.SetCommunity(ctx, "discord:1", "g1", "dm"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPrompt(ctx, "discord:1", "c", "m", []byte(`{"k":"q"}`)); err != nil {
		t.Fatal(err)
	}
	m, err := st.Member(ctx, "discord:1")
	if err != nil || m.Community != "g1" || m.Mode != "dm" || m.PromptMessage != "m" || string(m.Prompt) != `{"k":"q"}` {
		t.Fatalf("Member = %+v, %v", m, err)
	}
	if ttl := rdb.PTTL(ctx, memberKey(prefix, "discord:1")).Val(); ttl <= 0 || ttl > time.Hour {
		t.Errorf("member TTL = %v", ttl)
	}
	if first, _ := st.MarkAlerted(ctx, "discord:1"); !first {
		t.Error("first alert not reported as first")
	}
	if again, _ := st.MarkAlerted(ctx, "discord:1"); again {
		t.Error("second alert reported as first")
	}
	if err := st.SetPrompt(ctx, "discord:1", "", "", nil); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.Member(ctx, "discord:1"); m.PromptMessage != "" || m.Community != "g1" {
		t.Errorf("after clearing the prompt: %+v", m)
	}
}

func TestOutboxRetriesUntilPosted(t *testing.T) {
	st, rdb, prefix := newStore(t, Options{})
	ctx := context.Background()
	h := Handoff{Ref: "F-AAAAA", SessionID: "discord:7", GuildID: "g", UserID: "7", Urgent: true, Card: []byte(`{"ref":"F-AAAAA"}`), Created: time.Now()}
	if err := st.EnqueueHandoff(ctx, h, time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{handoffKey(prefix, h.Ref), outboxKey(prefix), memberHandoffsKey(prefix, "discord:7")} {
		if ttl := rdb.PTTL(ctx, key).Val(); ttl <= 0 {
			t.Errorf("%s has no TTL", key)
		}
	}
	now := time.Now()
	got, err := st.ClaimHandoffs(ctx, now, time.Minute, 10)
	if err != nil || len(got) != 1 || got[0].Ref != h.Ref || !got[0].Urgent || got[0].UserID != "7" {
		t.Fatalf("claim = %+v, %v", got, err)
	}
	if again, _ := st.ClaimHandoffs(ctx, now, time.Minute, 10); len(again) != 0 {
		t.Errorf("a leased handoff was claimed twice")
	}
	if err := st.HandoffFailed(ctx, h.Ref, now.Add(time.Second), "discord code 50013"); err != nil {
		t.Fatal(err)
	}
	if due, _ := st.ClaimHandoffs(ctx, now, time.Minute, 10); len(due) != 0 {
		t.Error("claimed before its next attempt")
	}
	got, _ = st.ClaimHandoffs(ctx, now.Add(2*time.Second), time.Minute, 10)
	if len(got) != 1 || got[0].Attempts != 1 || got[0].LastError != "discord code 50013" {
		t.Fatalf("after a failure: %+v", got)
	}
	if err := st.HandoffPosted(ctx, h.Ref, "c", "m"); err != nil {
		t.Fatal(err)
	}
	if n := rdb.ZCard(ctx, outboxKey(prefix)).Val(); n != 0 {
		t.Errorf("outbox holds %d after posting", n)
	}
	rec, ok, _ := st.Handoff(ctx, h.Ref)
	if !ok || !rec.Posted() || rec.MessageID != "m" {
		t.Errorf("posted handoff = %+v", rec)
	}
}

func TestForgetMemberRemovesEverything(t *testing.T) {
	st, rdb, prefix := newStore(t, Options{})
	ctx := context.Background()
	sid := "discord:99"
	if err := st.SetCommunity(ctx, sid, "g", "dm"); err != nil {
		t.Fatal(err)
	}
	if err := rdb.HSet(ctx, sessionKey(prefix, sid), "v", "1", "d", `{"id":"discord:99"}`).Err(); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"F-11111", "F-22222"} {
		if err := st.EnqueueHandoff(ctx, Handoff{Ref: ref, SessionID: sid, GuildID: "g", UserID: "99", Card: []byte(`{}`)}, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.HandoffPosted(ctx, "F-11111", "c", "m"); err != nil {
		t.Fatal(err)
	}
	exp, err := st.ExportMember(ctx, sid)
	if err != nil || len(exp.Handoffs) != 2 || exp.Session == nil || exp.Member["community"] != "g" {
		t.Fatalf("export = %+v, %v", exp, err)
	}
	if err := st.ForgetMember(ctx, sid); err != nil {
		t.Fatal(err)
	}
	keys, _ := rdb.Keys(ctx, prefix+"*").Result()
	for _, k := range keys {
		if strings.Contains(k, "99") || strings.Contains(k, "F-") {
			t.Errorf("key %s left after forget", k)
		}
	}
	if n := rdb.ZCard(ctx, outboxKey(prefix)).Val(); n != 0 {
		t.Errorf("outbox still holds %d of the member's handoffs", n)
	}
	if got, _ := st.ClaimHandoffs(ctx, time.Now().Add(time.Hour), time.Minute, 10); len(got) != 0 {
		t.Errorf("a forgotten handoff is still claimable: %+v", got)
	}
}
