package discordtest

import (
	"encoding/json"
	"regexp"
	"slices"

	"github.com/bwmarrin/discordgo"
)

// mentionPatterns finds Discord's mention syntax in content: users (<@id>,
// <@!id>), roles (<@&id>) and @everyone / @here.
type mentionPatterns struct {
	user, role, everyone *regexp.Regexp
}

func newMentionPatterns() mentionPatterns {
	return mentionPatterns{
		user:     regexp.MustCompile(`<@!?([0-9]{1,20})>`),
		role:     regexp.MustCompile(`<@&([0-9]{1,20})>`),
		everyone: regexp.MustCompile(`@(everyone|here)`),
	}
}

func uniqueMatches(re *regexp.Regexp, s string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// WouldPing reports whom Discord would notify for a message as it now
// stands: the users and roles mentioned in its content (never its embeds or
// components) that allowed_mentions lets through, and whether @everyone or
// @here would ping. It follows Discord's rules:
//
//   - no allowed_mentions: every mention in the content is parsed;
//   - allowed_mentions: a user or role mention pings only if its type is in
//     parse or its id is in users / roles; @everyone and @here only if
//     "everyone" is in parse;
//   - a role pings only if it is mentionable or the author has
//     MENTION_EVERYONE, and @everyone / @here only with MENTION_EVERYONE
//     (never in DMs);
//   - a reply pings the replied-to author unless allowed_mentions is given
//     without replied_user;
//   - ephemeral messages ping nobody, and authors never ping themselves.
//
// It errs towards reporting a ping: it does not check that a mentioned user
// can see the channel, and treats mentions inside code blocks or after a
// backslash as pings. An edited message is judged as if sent fresh with the
// edit's allowed_mentions.
func (f *Fake) WouldPing(m Message) (users, roles []string, everyone bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pingLocked(f.storedFromPublic(m), false)
}

// MayPing is WouldPing for the worst server the message could land in: as
// if the author had every permission and every role were mentionable. Use it
// to prove that text a member typed can ping no one, wherever the bot runs.
func (f *Fake) MayPing(m Message) (users, roles []string, everyone bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pingLocked(f.storedFromPublic(m), true)
}

// storedFromPublic rebuilds what pingLocked reads from a Message, so tests
// may also judge messages they built by hand.
func (f *Fake) storedFromPublic(m Message) *storedMessage {
	s := &storedMessage{
		id:        m.ID,
		channelID: m.ChannelID,
		guildID:   m.GuildID,
		obj:       map[string]any{"content": m.Content, "flags": int64(m.Flags)},
	}
	if m.Author != nil {
		s.authorID = m.Author.ID
	}
	if s.guildID == "" {
		if cs := f.channels[m.ChannelID]; cs != nil {
			s.guildID = cs.ch.GuildID
		}
	}
	switch {
	case m.AllowedMentionsJSON != nil:
		s.allowed = m.AllowedMentionsJSON
	case m.AllowedMentions != nil:
		s.allowed, _ = json.Marshal(m.AllowedMentions)
	}
	if m.MessageReference != nil {
		if r := f.messages[m.MessageReference.MessageID]; r != nil {
			s.refAuthor = r.authorID
		}
	}
	return s
}

func (f *Fake) pingLocked(m *storedMessage, worst bool) (users, roles []string, everyone bool) {
	flags, _ := m.obj["flags"].(int64)
	if flags&int64(discordgo.MessageFlagsEphemeral) != 0 {
		return nil, nil, false
	}
	content, _ := m.obj["content"].(string)
	parseUsers, parseRoles, parseEveryone, replied := true, true, true, true
	var allowUsers, allowRoles []string
	if m.allowed != nil {
		var am allowedMentions
		json.Unmarshal(m.allowed, &am)
		parseUsers = slices.Contains(am.Parse, "users")
		parseRoles = slices.Contains(am.Parse, "roles")
		parseEveryone = slices.Contains(am.Parse, "everyone")
		allowUsers, allowRoles = am.Users, am.Roles
		replied = am.RepliedUser
	}
	p := f.mentions
	for _, id := range uniqueMatches(p.user, content) {
		if id != m.authorID && (parseUsers || slices.Contains(allowUsers, id)) {
			users = append(users, id)
		}
	}
	if replied && m.refAuthor != "" && m.refAuthor != m.authorID && !slices.Contains(users, m.refAuthor) {
		users = append(users, m.refAuthor)
	}
	gs := f.guilds[m.guildID]
	if gs == nil {
		return users, nil, false
	}
	canEveryone := worst || f.permissionsLocked(gs.id, m.channelID, m.authorID)&discordgo.PermissionMentionEveryone != 0
	for _, id := range uniqueMatches(p.role, content) {
		r := roleIn(gs, id)
		if worst && r == nil {
			r = &discordgo.Role{ID: id}
		}
		if r == nil || !(parseRoles || slices.Contains(allowRoles, id)) {
			continue
		}
		if worst || r.Mentionable || canEveryone {
			roles = append(roles, id)
		}
	}
	everyone = parseEveryone && canEveryone && p.everyone.MatchString(content)
	return users, roles, everyone
}
