package discordtest_test

import (
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/bot/discordtest"
)

func TestWouldPing(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	u1, u2 := w.member.ID, fake.AddMember(w.guild.ID, &discordgo.User{Username: "u2"}).ID
	mentionable := fake.AddRole(w.guild.ID, &discordgo.Role{Name: "staff", Mentionable: true}).ID
	quiet := fake.AddRole(w.guild.ID, &discordgo.Role{Name: "quiet"}).ID

	// A second guild where the bot may mention everyone.
	loud := fake.AddGuild(&discordgo.Guild{Name: "Loud"})
	loudRole := fake.AddRole(loud.ID, &discordgo.Role{Name: "announcer", Permissions: discordgo.PermissionMentionEveryone})
	loudQuiet := fake.AddRole(loud.ID, &discordgo.Role{Name: "quiet"}).ID
	fake.AddMember(loud.ID, &discordgo.User{ID: fake.BotUser().ID}, loudRole.ID)
	fake.AddMember(loud.ID, &discordgo.User{ID: u1})

	userMsg := fake.SendMessage(w.channel, u1, "can someone help?")
	s := newSession(t, fake, fake.Token())
	all := "<@" + u1 + "> <@!" + u2 + "> <@&" + mentionable + "> <@&" + quiet + "> @everyone @here"

	type ping struct {
		users, roles []string
		everyone     bool
	}
	tests := []struct {
		name    string
		channel string
		msg     discordgo.MessageSend
		would   ping
		may     ping
	}{
		{
			name:  "no allowed_mentions parses everything the author may ping",
			msg:   discordgo.MessageSend{Content: all},
			would: ping{users: []string{u1, u2}, roles: []string{mentionable}},
			may:   ping{users: []string{u1, u2}, roles: []string{mentionable, quiet}, everyone: true},
		},
		{
			name: "empty allowed_mentions pings no one",
			msg:  discordgo.MessageSend{Content: all, AllowedMentions: &discordgo.MessageAllowedMentions{}},
		},
		{
			name: "parse users only",
			msg: discordgo.MessageSend{Content: all, AllowedMentions: &discordgo.MessageAllowedMentions{
				Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}}},
			would: ping{users: []string{u1, u2}},
			may:   ping{users: []string{u1, u2}},
		},
		{
			name:  "users whitelist",
			msg:   discordgo.MessageSend{Content: all, AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{u2}}},
			would: ping{users: []string{u2}},
			may:   ping{users: []string{u2}},
		},
		{
			name:  "whitelisted user not in the content",
			msg:   discordgo.MessageSend{Content: "hello", AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{u2}}},
			would: ping{},
			may:   ping{},
		},
		{
			name: "roles and everyone need the permission or a mentionable role",
			msg: discordgo.MessageSend{Content: all, AllowedMentions: &discordgo.MessageAllowedMentions{
				Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeRoles, discordgo.AllowedMentionTypeEveryone}}},
			would: ping{roles: []string{mentionable}},
			may:   ping{roles: []string{mentionable, quiet}, everyone: true},
		},
		{
			name: "embeds never ping",
			msg:  discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Description: all}}},
		},
		{
			name:  "a reply pings its author by default",
			msg:   discordgo.MessageSend{Content: "on it", Reference: &discordgo.MessageReference{MessageID: userMsg}},
			would: ping{users: []string{u1}},
			may:   ping{users: []string{u1}},
		},
		{
			name: "a reply with allowed_mentions pings only with replied_user",
			msg: discordgo.MessageSend{Content: "on it", Reference: &discordgo.MessageReference{MessageID: userMsg},
				AllowedMentions: &discordgo.MessageAllowedMentions{}},
		},
		{
			name: "replied_user",
			msg: discordgo.MessageSend{Content: "on it", Reference: &discordgo.MessageReference{MessageID: userMsg},
				AllowedMentions: &discordgo.MessageAllowedMentions{RepliedUser: true}},
			would: ping{users: []string{u1}},
			may:   ping{users: []string{u1}},
		},
		{
			name:    "with MENTION_EVERYONE the bot pings everyone and any role",
			channel: loud.Channels[0].ID,
			msg:     discordgo.MessageSend{Content: "@everyone <@&" + loudQuiet + ">"},
			would:   ping{roles: []string{loudQuiet}, everyone: true},
			may:     ping{roles: []string{loudQuiet}, everyone: true},
		},
		{
			name:    "DMs have no roles or everyone",
			channel: fake.DMChannelID(u1),
			msg:     discordgo.MessageSend{Content: all},
			would:   ping{users: []string{u1, u2}},
			may:     ping{users: []string{u1, u2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			channel := tt.channel
			if channel == "" {
				channel = w.channel
			}
			msg := tt.msg
			sent, err := s.ChannelMessageSendComplex(channel, &msg)
			if err != nil {
				t.Fatal(err)
			}
			m, ok := fake.Message(sent.ID)
			if !ok {
				t.Fatal("message not stored")
			}
			check := func(what string, want ping, users, roles []string, everyone bool) {
				t.Helper()
				if !slices.Equal(users, want.users) || !slices.Equal(roles, want.roles) || everyone != want.everyone {
					t.Errorf("%s = users %v roles %v everyone %v, want %v %v %v", what, users, roles, everyone, want.users, want.roles, want.everyone)
				}
			}
			u, r, e := fake.WouldPing(m)
			check("WouldPing", tt.would, u, r, e)
			u, r, e = fake.MayPing(m)
			check("MayPing", tt.may, u, r, e)
			// The message object Discord returns reflects the same mentions.
			if sent.MentionEveryone != tt.would.everyone || len(sent.MentionRoles) != len(tt.would.roles) {
				t.Errorf("message mention_everyone %v mention_roles %v", sent.MentionEveryone, sent.MentionRoles)
			}
		})
	}
}

func TestEphemeralResponsePingsNoOne(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	w := seed(t, fake)
	s := newSession(t, fake, fake.Token())
	in := fake.SlashCommand(w.guild.ID, w.member.ID, "intake")
	ia := &discordgo.Interaction{ID: in.ID, Token: in.Token, AppID: in.ApplicationID}
	err := s.InteractionRespond(ia, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "<@" + w.member.ID + ">", Flags: discordgo.MessageFlagsEphemeral},
	})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := fake.OriginalResponse(in.ID)
	if u, r, e := fake.MayPing(m); len(u)+len(r) != 0 || e {
		t.Errorf("MayPing = %v %v %v, want nothing for an ephemeral message", u, r, e)
	}
}
