package discordtest

import (
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// This file builds Discord's JSON objects. They are maps rather than
// discordgo structs because discordgo marshals absent snowflakes as "" (where
// Discord sends null) and drops message components when marshalling.

// timestamp formats a time the way Discord does: ISO 8601 with microseconds
// and an explicit offset.
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000-07:00")
}

// nullable returns nil for "", so the JSON says null.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func userJSON(u *discordgo.User) map[string]any {
	if u == nil {
		return nil
	}
	m := map[string]any{
		"id":            u.ID,
		"username":      u.Username,
		"discriminator": u.Discriminator,
		"global_name":   nullable(u.GlobalName),
		"avatar":        nullable(u.Avatar),
		"public_flags":  int(u.PublicFlags),
	}
	if u.Bot {
		m["bot"] = true
	}
	return m
}

func roleJSON(r *discordgo.Role) map[string]any {
	return map[string]any{
		"id":            r.ID,
		"name":          r.Name,
		"color":         r.Color,
		"hoist":         r.Hoist,
		"icon":          nullable(r.Icon),
		"unicode_emoji": nullable(r.UnicodeEmoji),
		"position":      r.Position,
		"permissions":   strconv.FormatInt(r.Permissions, 10),
		"managed":       r.Managed,
		"mentionable":   r.Mentionable,
		"flags":         int(r.Flags),
	}
}

func overwritesJSON(os []*discordgo.PermissionOverwrite) []any {
	out := []any{}
	for _, o := range os {
		out = append(out, map[string]any{
			"id":    o.ID,
			"type":  int(o.Type),
			"allow": strconv.FormatInt(o.Allow, 10),
			"deny":  strconv.FormatInt(o.Deny, 10),
		})
	}
	return out
}

func channelJSON(c *discordgo.Channel, users map[string]*discordgo.User) map[string]any {
	m := map[string]any{
		"id":              c.ID,
		"type":            int(c.Type),
		"last_message_id": nullable(c.LastMessageID),
		"flags":           int(c.Flags),
	}
	if c.Type == discordgo.ChannelTypeDM || c.Type == discordgo.ChannelTypeGroupDM {
		rs := []any{}
		for _, r := range c.Recipients {
			u := r
			if known, ok := users[r.ID]; ok {
				u = known
			}
			rs = append(rs, userJSON(u))
		}
		m["recipients"] = rs
		return m
	}
	m["guild_id"] = c.GuildID
	m["name"] = c.Name
	m["position"] = c.Position
	m["parent_id"] = nullable(c.ParentID)
	m["nsfw"] = c.NSFW
	m["rate_limit_per_user"] = c.RateLimitPerUser
	if isThread(c.Type) {
		m["owner_id"] = c.OwnerID
		m["message_count"] = c.MessageCount
		m["member_count"] = c.MemberCount
		m["total_message_sent"] = c.MessageCount
		if md := c.ThreadMetadata; md != nil {
			m["thread_metadata"] = map[string]any{
				"archived":              md.Archived,
				"auto_archive_duration": md.AutoArchiveDuration,
				"archive_timestamp":     timestamp(md.ArchiveTimestamp),
				"locked":                md.Locked,
				"invitable":             md.Invitable,
			}
		}
		return m
	}
	m["topic"] = nullable(c.Topic)
	m["permission_overwrites"] = overwritesJSON(c.PermissionOverwrites)
	return m
}

// memberJSON is a guild member. withUser is false for the partial member of
// MESSAGE_CREATE and of interactions' resolved data.
func memberJSON(gs *guildState, m *memberState, users map[string]*discordgo.User, withUser bool) map[string]any {
	roles := append([]string{}, m.roles...)
	out := map[string]any{
		"roles":                        roles,
		"nick":                         nullable(m.nick),
		"avatar":                       nil,
		"joined_at":                    timestamp(m.joinedAt),
		"premium_since":                nil,
		"deaf":                         false,
		"mute":                         false,
		"flags":                        0,
		"pending":                      false,
		"communication_disabled_until": nil,
	}
	if withUser {
		out["user"] = userJSON(users[m.userID])
	}
	return out
}

// guildJSON is the guild object of GET /guilds/{id}.
func guildJSON(gs *guildState) map[string]any {
	roles := []any{}
	for _, r := range gs.roles {
		roles = append(roles, roleJSON(r))
	}
	return map[string]any{
		"id":                            gs.id,
		"name":                          gs.name,
		"icon":                          nil,
		"splash":                        nil,
		"discovery_splash":              nil,
		"owner_id":                      gs.ownerID,
		"afk_channel_id":                nil,
		"afk_timeout":                   300,
		"verification_level":            0,
		"default_message_notifications": 0,
		"explicit_content_filter":       0,
		"roles":                         roles,
		"emojis":                        []any{},
		"features":                      []any{},
		"mfa_level":                     0,
		"application_id":                nil,
		"system_channel_id":             nil,
		"system_channel_flags":          0,
		"rules_channel_id":              nil,
		"vanity_url_code":               nil,
		"description":                   nil,
		"banner":                        nil,
		"premium_tier":                  0,
		"preferred_locale":              "en-US",
		"public_updates_channel_id":     nil,
		"nsfw_level":                    0,
		"premium_progress_bar_enabled":  false,
		"stickers":                      []any{},
	}
}

// guildCreateLocked is the GUILD_CREATE payload: the guild with its
// channels, threads and, as Discord does without the GUILD_MEMBERS intent,
// only the bot's own member.
func (f *Fake) guildCreateLocked(gs *guildState, intents discordgo.Intent) map[string]any {
	g := guildJSON(gs)
	chans, threads := []any{}, []any{}
	for _, id := range gs.channelIDs {
		c := channelJSON(f.channels[id].ch, f.users)
		if isThread(f.channels[id].ch.Type) {
			threads = append(threads, c)
			continue
		}
		delete(c, "guild_id")
		chans = append(chans, c)
	}
	members := []any{}
	for _, uid := range gs.memberOrder {
		if uid == f.bot.ID || intents&discordgo.IntentGuildMembers != 0 {
			members = append(members, memberJSON(gs, gs.members[uid], f.users, true))
		}
	}
	g["channels"] = chans
	g["threads"] = threads
	g["members"] = members
	g["member_count"] = len(gs.members)
	g["joined_at"] = timestamp(gs.joinedAt)
	g["large"] = false
	g["unavailable"] = false
	g["voice_states"] = []any{}
	g["presences"] = []any{}
	g["stage_instances"] = []any{}
	g["guild_scheduled_events"] = []any{}
	return g
}
