package bot

import "github.com/bwmarrin/discordgo"

// commands are the slash commands the bot registers, globally.
func commands() []*discordgo.ApplicationCommand {
	manageServer := int64(discordgo.PermissionManageGuild)
	everywhere := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	serverOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	one := 1.0
	refOption := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: optRef,
		Description: "The handoff's reference, e.g. F-7KQ3M", Required: true, MaxLength: 16}
	return []*discordgo.ApplicationCommand{
		{
			Name:        "intake",
			Description: "Talk privately with the support team's intake assistant",
			Contexts:    &everywhere,
		},
		{
			Name:        "privacy",
			Description: "See or delete what fulcrum keeps about you",
			Contexts:    &everywhere,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "export", Description: "Get a file of everything fulcrum keeps about you"},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "forget", Description: "Delete everything fulcrum keeps about you"},
			},
		},
		{
			Name:        "fulcrum-setup",
			Description: "Set up fulcrum for this server (Manage Server only)",
			// Discord hides the command from others; the bot checks the permission again on every use.
			DefaultMemberPermissions: &manageServer,
			Contexts:                 &serverOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "show", Description: "Show this server's fulcrum settings"},
				{
					Type: discordgo.ApplicationCommandOptionSubCommand, Name: "set", Description: "Change this server's fulcrum settings",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionChannel, Name: optChannel, Description: "Where handoff cards are posted",
							ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}},
						{Type: discordgo.ApplicationCommandOptionRole, Name: optModRole, Description: "The role of the people who handle intakes"},
						{Type: discordgo.ApplicationCommandOptionRole, Name: optUrgentRole, Description: "The role pinged for urgent handoffs (the only ping fulcrum sends)"},
						{Type: discordgo.ApplicationCommandOptionString, Name: optRegion, Description: "Country code for crisis numbers, e.g. US, GB, IN; INTL for international", MaxLength: 8},
						{Type: discordgo.ApplicationCommandOptionBoolean, Name: optAnonymous, Description: "Hide members' names on cards unless the intake asked them"},
						{Type: discordgo.ApplicationCommandOptionInteger, Name: optRetention, Description: "Days to keep handoffs (default 30)", MinValue: &one, MaxValue: 365},
						{Type: discordgo.ApplicationCommandOptionBoolean, Name: optModNames, Description: "Tell members the name of the moderator who reaches out (default: \"a moderator\")"},
						{Type: discordgo.ApplicationCommandOptionInteger, Name: optReping, Description: "Minutes before an unclaimed urgent handoff pings the urgent role again (default 10)", MinValue: &one, MaxValue: 1440},
					},
				},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "audit", Description: "Show the latest moderator actions and setup changes"},
			},
		},
		{
			Name:        "handoffs",
			Description: "Moderators: the queue of handoffs, and actions on them",
			Contexts:    &serverOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subQueue, Description: "Open handoffs, urgent first, then oldest first"},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subShow, Description: "Show one handoff with its notes",
					Options: []*discordgo.ApplicationCommandOption{refOption}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subReply, Description: "Write to the member (in a handoff's relay thread)",
					Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: optMessage,
						Description: "What the member should read", Required: true, MaxLength: 1500}}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subBlock, Description: "Block a handoff's member from the intake (crisis help still reaches them)",
					Options: []*discordgo.ApplicationCommandOption{refOption}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subUnblock, Description: "Lift a block",
					Options: []*discordgo.ApplicationCommandOption{refOption}},
			},
		},
	}
}
