package bot

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/store"
)

// membershipSlots bounds the membership checks to one server in flight at once.
//
// Every check of one server is GET /guilds/{id}/members/{user}, and discordgo gives all of them one rate-limit
// bucket whose lock it holds for the whole of each request: a burst of members' first DMs would wait one round
// trip behind another (100 first DMs queued for 300-560 ms on loopback, and would queue for seconds at
// Discord's round trip). Each slot is a bucket of its own. discordgo still reads Discord's rate-limit headers
// on each and waits out a 429 before trying again; what the slots cost is that they learn the server's shared
// limit separately, so a burst past it may draw up to one 429 per slot before every slot waits for the reset.
const membershipSlots = 16

// memberChecks hands out the rate-limit buckets of membership checks, membershipSlots per server.
type memberChecks struct {
	mu    sync.Mutex
	slots map[string]chan string
}

func newMemberChecks() *memberChecks { return &memberChecks{slots: map[string]chan string{}} }

// take waits for a free bucket of a server's checks and returns it, with the function that gives it back.
func (c *memberChecks) take(ctx context.Context, guildID string) (string, func(), error) {
	c.mu.Lock()
	free, ok := c.slots[guildID]
	if !ok {
		free = make(chan string, membershipSlots)
		for i := range membershipSlots {
			free <- discordgo.EndpointGuildMember(guildID, "") + "#" + strconv.Itoa(i)
		}
		c.slots[guildID] = free
	}
	c.mu.Unlock()
	select {
	case bucket := <-free:
		return bucket, func() { free <- bucket }, nil
	case <-ctx.Done():
		return "", nil, ctx.Err()
	}
}

// checkMember asks Discord whether a user is a member of a server: nil when they are, Discord's error when not
// (see communities).
func (b *Bot) checkMember(ctx context.Context, guildID, userID string) error {
	bucket, done, err := b.checks.take(ctx, guildID)
	if err != nil {
		return err
	}
	defer done()
	_, err = b.api.RequestWithBucketID(http.MethodGet, discordgo.EndpointGuildMember(guildID, userID), nil, bucket,
		discordgo.WithContext(ctx))
	return err
}

// rememberedMemberships returns what was remembered of a member's set-up servers, if it still holds: it was
// learned while the same servers were set up (ids, sorted), and its TTL has not run out.
func (b *Bot) rememberedMemberships(ctx context.Context, log *slog.Logger, sid string, ids []string) ([]string, bool) {
	m, ok, err := b.st.Memberships(ctx, sid)
	if err != nil {
		log.Warn("load memberships", "err", err)
		return nil, false
	}
	if !ok || !slices.Equal(m.Checked, ids) {
		return nil, false
	}
	return m.Member, true
}

// rememberMemberships keeps what Discord said of a member's set-up servers (ids, sorted), for MembershipTTL.
func (b *Bot) rememberMemberships(ctx context.Context, log *slog.Logger, sid string, ids []string, member []community) {
	m := store.Memberships{Checked: ids, Member: make([]string, len(member))}
	for i, c := range member {
		m.Member[i] = c.id
	}
	if err := b.st.SaveMemberships(ctx, sid, m, b.opts.MembershipTTL); err != nil {
		log.Warn("remember memberships", "err", err)
	}
}
