package store

import (
	"context"
	"errors"
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
	if err := st.SaveMemberships(ctx, sid, Memberships{Checked: []string{"g"}, Member: []string{"g"}}, time.Hour); err != nil {
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
	if err != nil || len(exp.Handoffs) != 2 || exp.Session == nil || exp.Member["community"] != "g" ||
		exp.Servers == nil || len(exp.Servers.Member) != 1 {
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

func TestModerationLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, rdb, prefix := newStoreOn(t, b, Options{SessionTTL: 48 * time.Hour})
		ctx := context.Background()
		sid := "discord:5"
		now := time.Now()
		h := Handoff{Ref: "F-MOD01", SessionID: sid, GuildID: "g", UserID: "5", Urgent: true, Card: []byte(`{}`),
			Created: now.Add(-time.Hour), RemindAt: now.Add(-time.Minute), Anonymous: true}
		if err := st.EnqueueHandoff(ctx, h, 24*time.Hour); err != nil {
			t.Fatal(err)
		}
		ord := Handoff{Ref: "F-MOD02", SessionID: "discord:6", GuildID: "g", UserID: "6", Card: []byte(`{}`), Created: now.Add(-2 * time.Hour)}
		if err := st.EnqueueHandoff(ctx, ord, 24*time.Hour); err != nil {
			t.Fatal(err)
		}
		q, err := st.Queue(ctx, "g")
		if err != nil || len(q) != 2 || q[0].Ref != "F-MOD01" || q[1].Ref != "F-MOD02" || !q[0].Anonymous {
			t.Fatalf("queue = %+v, %v", q, err)
		}

		due, err := st.DueReminders(ctx, now, time.Minute, 10)
		if err != nil || len(due) != 1 || due[0].Ref != "F-MOD01" {
			t.Fatalf("due reminders = %+v, %v", due, err)
		}
		if again, _ := st.DueReminders(ctx, now, time.Minute, 10); len(again) != 0 {
			t.Error("a leased reminder was handed out twice")
		}

		got, err := st.ClaimHandoff(ctx, "F-MOD01", "m1", now)
		if err != nil || got.State != StateClaimed || got.ClaimedBy != "m1" {
			t.Fatalf("claim = %+v, %v", got, err)
		}
		if _, err := st.ClaimHandoff(ctx, "F-MOD01", "m2", now); !errors.Is(err, ErrConflict) {
			t.Errorf("a second moderator's claim: %v, want a conflict", err)
		}
		if _, err := st.ClaimHandoff(ctx, "F-NONE0", "m1", now); !errors.Is(err, ErrNotFound) {
			t.Errorf("claim of an unknown handoff: %v", err)
		}
		if n := rdb.ZCard(ctx, remindKey(prefix)).Val(); n != 0 {
			t.Errorf("a claimed handoff is still due a re-ping")
		}

		if err := st.AddNote(ctx, "F-MOD01", Note{By: "m1", At: now, Text: "first"}); err != nil {
			t.Fatal(err)
		}
		if err := st.OpenRelay(ctx, got, "th1", 24*time.Hour); err != nil {
			t.Fatal(err)
		}
		if r, ok, err := st.MemberRelay(ctx, sid); err != nil || !ok || r.Thread != "th1" {
			t.Fatalf("member relay = %+v %v %v", r, ok, err)
		}
		if r, ok, _ := st.RelayByThread(ctx, "th1"); !ok || r.Ref != "F-MOD01" {
			t.Fatalf("relay by thread = %+v %v", r, ok)
		}
		if err := st.AddRelayMessage(ctx, "F-MOD01", "th1", "m9"); err != nil {
			t.Fatal(err)
		}
		got, _, _ = st.Handoff(ctx, "F-MOD01")
		res, err := st.ResolveHandoff(ctx, got, "m1", now, "referred", Note{By: "m1", Text: "done"})
		if err != nil || res.State != StateResolved || res.Outcome != "referred" {
			t.Fatalf("resolve = %+v, %v", res, err)
		}
		if _, err := st.ResolveHandoff(ctx, res, "m1", now, "other", Note{}); !errors.Is(err, ErrConflict) {
			t.Errorf("resolving twice: %v", err)
		}
		if _, ok, _ := st.RelayByThread(ctx, "th1"); ok {
			t.Error("the relay still runs after resolve")
		}
		if err := st.CloseMemberRelay(ctx, sid, "F-MOD01"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := st.MemberRelay(ctx, sid); ok {
			t.Error("the member's DMs still go to a closed relay")
		}
		if notes, _ := st.Notes(ctx, "F-MOD01"); len(notes) != 2 || notes[0].Text != "first" || notes[1].Text != "done" {
			t.Errorf("notes = %+v", notes)
		}
		if q, _ := st.Queue(ctx, "g"); len(q) != 1 || q[0].Ref != "F-MOD02" {
			t.Errorf("queue after resolve = %+v", q)
		}

		if err := st.BlockMember(ctx, "g", "5", Block{By: "m1", At: now, Ref: "F-MOD01"}, time.Hour); err != nil {
			t.Fatal(err)
		}
		if v, _ := st.Blocked(ctx, "g", "5"); !v {
			t.Error("not blocked")
		}
		if had, _ := st.UnblockMember(ctx, "g", "5"); !had {
			t.Error("unblock found no block")
		}
		if err := st.Audit(ctx, "g", AuditEntry{At: now, By: "m1", Action: "claimed", Ref: "F-MOD01"}, time.Hour); err != nil {
			t.Fatal(err)
		}
		if log, _ := st.AuditLog(ctx, "g", 10); len(log) != 1 || log[0].Action != "claimed" || log[0].At.UnixMilli() != now.UnixMilli() {
			t.Errorf("audit log = %+v", log)
		}

		if err := st.SetCommunity(ctx, sid, "g", "dm"); err != nil {
			t.Fatal(err)
		}
		if err := st.CapMemberTTL(ctx, sid, time.Hour); err != nil {
			t.Fatal(err)
		}
		if ttl := rdb.PTTL(ctx, memberKey(prefix, sid)).Val(); ttl <= 0 || ttl > time.Hour {
			t.Errorf("member TTL after capping to an hour = %v", ttl)
		}

		if err := st.ForgetMember(ctx, sid); err != nil {
			t.Fatal(err)
		}
		for _, k := range rdb.Keys(ctx, prefix+"*").Val() {
			if strings.Contains(k, "F-MOD01") || strings.Contains(k, "discord:5") || strings.Contains(k, "th1") {
				t.Errorf("key %s left after forget", k)
			}
		}
		if hs, _ := st.MemberHandoffs(ctx, sid); len(hs) != 0 {
			t.Errorf("handoffs after forget: %+v", hs)
		}
	})
}

func TestModerationKeysShareASlot(t *testing.T) {
	for _, ref := range []string{"F-7KQ3M", "F-AAAAA"} {
		keys := []string{handoffKey("p", ref), outboxKey("p"), notesKey("p", ref), openKey("p", "123"), remindKey("p"),
			threadKey("p", "456"), relayMessagesKey("p", ref)}
		for _, k := range keys[1:] {
			if !strings.Contains(k, "{handoffs}") {
				t.Errorf("%s is not in the {handoffs} slot", k)
			}
		}
	}
	sid := "discord:1"
	for _, k := range []string{sessionKey("p", sid), memberKey("p", sid), memberHandoffsKey("p", sid), memberRelayKey("p", sid)} {
		if !strings.Contains(k, "{"+sid+"}") {
			t.Errorf("%s does not carry the member's hash tag", k)
		}
	}
}
