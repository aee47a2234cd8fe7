package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// DefaultRetentionDays is how long a handoff is kept when a server sets no retention.
const DefaultRetentionDays = 30

// GuildSettings are one Discord server's settings, as /fulcrum-setup stores them.
type GuildSettings struct {
	GuildID string
	// ModeratorChannel receives handoff cards; a server is set up once it has one.
	ModeratorChannel string
	// ModeratorRole may act on handoffs.
	ModeratorRole string
	// UrgentRole is the only role a card may ping, and only for an urgent handoff.
	UrgentRole string
	// Region picks crisis numbers (ISO code); empty means international.
	Region string
	// AnonymousByDefault hides the member on the card when the intake did not ask.
	AnonymousByDefault bool
	// RetentionDays is how long handoffs are kept; zero means DefaultRetentionDays.
	RetentionDays int
	// ShowModeratorNames lets members see the name of the moderator who claimed their handoff and writes to
	// them; otherwise they hear from "a moderator".
	ShowModeratorNames bool
	// RepingMinutes is how long an unclaimed urgent handoff waits before the urgent role is pinged again; zero
	// means DefaultRepingMinutes.
	RepingMinutes int
	// UpdatedBy is the user id of whoever last changed the settings.
	UpdatedBy string
	Updated   time.Time
}

// DefaultRepingMinutes is how long an unclaimed urgent handoff waits for its re-ping when a server sets nothing.
const DefaultRepingMinutes = 10

// Reping is how long an unclaimed urgent handoff waits before the urgent role is pinged again.
func (g GuildSettings) Reping() time.Duration {
	m := g.RepingMinutes
	if m <= 0 {
		m = DefaultRepingMinutes
	}
	return time.Duration(m) * time.Minute
}

// SetUp reports whether the server can receive handoffs.
func (g GuildSettings) SetUp() bool { return g.ModeratorChannel != "" }

// Retention is how long the server keeps a handoff.
func (g GuildSettings) Retention() time.Duration {
	days := g.RetentionDays
	if days <= 0 {
		days = DefaultRetentionDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// Guild returns a server's settings; ok is false when it has none.
func (r *Redis) Guild(ctx context.Context, guildID string) (g GuildSettings, ok bool, err error) {
	vals, err := r.rdb.HGetAll(ctx, guildKey(r.prefix, guildID)).Result()
	if err != nil {
		return GuildSettings{}, false, fmt.Errorf("load server settings: %w: %w", flows.ErrUnavailable, err)
	}
	if len(vals) == 0 {
		return GuildSettings{GuildID: guildID}, false, nil
	}
	g = GuildSettings{
		GuildID:            guildID,
		ModeratorChannel:   vals["channel"],
		ModeratorRole:      vals["mod_role"],
		UrgentRole:         vals["urgent_role"],
		Region:             vals["region"],
		AnonymousByDefault: vals["anon"] == "1",
		ShowModeratorNames: vals["mod_names"] == "1",
		UpdatedBy:          vals["by"],
	}
	g.RetentionDays, _ = strconv.Atoi(vals["retention"])
	g.RepingMinutes, _ = strconv.Atoi(vals["reping"])
	if ms, err := strconv.ParseInt(vals["t"], 10, 64); err == nil {
		g.Updated = time.UnixMilli(ms)
	}
	return g, true, nil
}

// SaveGuild stores a server's settings, replacing what was there, and lists the server as set up when it is.
func (r *Redis) SaveGuild(ctx context.Context, g GuildSettings) error {
	flag := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	key := guildKey(r.prefix, g.GuildID)
	err := r.rdb.HSet(ctx, key,
		"channel", g.ModeratorChannel, "mod_role", g.ModeratorRole, "urgent_role", g.UrgentRole,
		"region", g.Region, "anon", flag(g.AnonymousByDefault), "retention", strconv.Itoa(g.RetentionDays),
		"mod_names", flag(g.ShowModeratorNames), "reping", strconv.Itoa(g.RepingMinutes),
		"by", g.UpdatedBy, "t", strconv.FormatInt(g.Updated.UnixMilli(), 10)).Err()
	if err != nil {
		return fmt.Errorf("save server settings: %w: %w", flows.ErrUnavailable, err)
	}
	// The list of set-up servers is another key (another slot): written second, so a server is never listed
	// before its settings exist.
	if g.SetUp() {
		err = r.rdb.SAdd(ctx, guildsKey(r.prefix), g.GuildID).Err()
	} else {
		err = r.rdb.SRem(ctx, guildsKey(r.prefix), g.GuildID).Err()
	}
	if err != nil {
		return fmt.Errorf("save server settings: %w: %w", flows.ErrUnavailable, err)
	}
	return nil
}

// SetUpGuilds lists the servers that are set up.
func (r *Redis) SetUpGuilds(ctx context.Context) ([]string, error) {
	ids, err := r.rdb.SMembers(ctx, guildsKey(r.prefix)).Result()
	if err != nil {
		return nil, fmt.Errorf("list servers: %w: %w", flows.ErrUnavailable, err)
	}
	return ids, nil
}
