package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestMembershipsRoundTripExpireAndForget(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		st, rdb, prefix := newStoreOn(t, b, Options{})
		ctx := context.Background()
		sid := "discord:42"
		if _, ok, err := st.Memberships(ctx, sid); err != nil || ok {
			t.Fatalf("Memberships before any save = %v, %v; want none", ok, err)
		}
		want := Memberships{Checked: []string{"1", "2", "3"}, Member: []string{"2"}}
		if err := st.SaveMemberships(ctx, sid, want, time.Minute); err != nil {
			t.Fatal(err)
		}
		got, ok, err := st.Memberships(ctx, sid)
		if err != nil || !ok || !slices.Equal(got.Checked, want.Checked) || !slices.Equal(got.Member, want.Member) {
			t.Fatalf("Memberships = %+v, %v, %v; want %+v", got, ok, err, want)
		}
		// Every key has a TTL: the answer must not outlive a member's leaving a server.
		ttl, err := rdb.PTTL(ctx, membershipsKey(prefix, sid)).Result()
		if err != nil || ttl <= 0 || ttl > time.Minute {
			t.Errorf("TTL = %v, %v; want within a minute", ttl, err)
		}

		if err := rdb.Set(ctx, membershipsKey(prefix, sid), "not json", time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := st.Memberships(ctx, sid); err != nil || ok {
			t.Errorf("Memberships of an unreadable value = %v, %v; want none, no error", ok, err)
		}

		if err := st.SaveMemberships(ctx, sid, want, time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := st.ForgetMemberships(ctx, sid); err != nil {
			t.Fatal(err)
		}
		if n, _ := rdb.Exists(ctx, membershipsKey(prefix, sid)).Result(); n != 0 {
			t.Error("the key is left after ForgetMemberships")
		}
	})
}
