package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/store"
)

// /fulcrum-setup set options.
const (
	optChannel    = "moderator_channel"
	optModRole    = "moderator_role"
	optUrgentRole = "urgent_role"
	optRegion     = "region"
	optAnonymous  = "anonymous_by_default"
	optRetention  = "retention_days"
	optModNames   = "show_moderator_names"
	optReping     = "reping_minutes"
)

const textSetupRefused = "Only members with the **Manage Server** permission can change fulcrum's setup."

// canManage reports whether the member who used an interaction may manage the server. Discord computes the
// member's permissions in the channel and sends them with the interaction.
func canManage(i *discordgo.Interaction) bool {
	if i.Member == nil {
		return false
	}
	p := i.Member.Permissions
	return p&discordgo.PermissionAdministrator != 0 || p&discordgo.PermissionManageGuild != 0
}

// cmdSetup shows or changes a server's settings, for members with Manage Server only.
func (b *Bot) cmdSetup(ctx context.Context, r *responder) {
	if r.i.GuildID == "" {
		b.replyText(ctx, r, "Use /fulcrum-setup in the server you want to set up.")
		return
	}
	if !canManage(r.i) {
		r.log.Info("setup refused: no Manage Server permission")
		b.replyText(ctx, r, textSetupRefused)
		return
	}
	data := r.i.ApplicationCommandData()
	if len(data.Options) == 0 {
		b.replyText(ctx, r, "Use /fulcrum-setup show or /fulcrum-setup set.")
		return
	}
	if err := r.deferEphemeral(ctx); err != nil {
		r.log.Error("acknowledge /fulcrum-setup", "err", err)
		return
	}
	g, _, err := b.st.Guild(ctx, r.i.GuildID)
	if err != nil {
		r.log.Error("load server settings", "err", err)
		b.replyText(ctx, r, "I can't reach my storage right now, so nothing changed. Please try again in a minute.")
		return
	}
	sub := data.Options[0]
	switch sub.Name {
	case "show":
		b.replyText(ctx, r, describeSettings(g))
	case "audit":
		b.showAudit(ctx, r)
	case "set":
		problems := b.applySettings(&g, sub.Options)
		if len(problems) > 0 {
			b.replyText(ctx, r, "Nothing changed:\n• "+strings.Join(problems, "\n• "))
			return
		}
		g.GuildID, g.UpdatedBy, g.Updated = r.i.GuildID, r.userID(), b.opts.Now()
		if err := b.st.SaveGuild(ctx, g); err != nil {
			r.log.Error("save server settings", "err", err)
			b.replyText(ctx, r, "I can't reach my storage right now, so nothing changed. Please try again in a minute.")
			return
		}
		r.log.Info("server settings changed", "set_up", g.SetUp())
		b.audit(ctx, r.log, g, r.userID(), "changed setup", "", changedOptions(sub.Options))
		b.replyText(ctx, r, "Saved.\n\n"+describeSettings(g)+b.urgentRoleWarning(ctx, r, g))
	default:
		b.replyText(ctx, r, "Use /fulcrum-setup show or /fulcrum-setup set.")
	}
}

// urgentRoleWarning explains, when the urgent role cannot be pinged as things stand, what to change: Discord
// only notifies a role that is mentionable, or when the bot may mention all roles.
func (b *Bot) urgentRoleWarning(ctx context.Context, r *responder, g store.GuildSettings) string {
	if g.UrgentRole == "" {
		return "\n\nNo urgent role is set, so urgent handoffs ping no one. Set one with `/fulcrum-setup set urgent_role:`."
	}
	roles, err := b.api.GuildRoles(g.GuildID, discordgo.WithContext(ctx))
	if err != nil {
		r.log.Warn("list roles", "err", err)
		return ""
	}
	for _, role := range roles {
		if role.ID == g.UrgentRole && !role.Mentionable {
			return "\n\n⚠ The urgent role is not mentionable. For urgent pings to notify it, make the role mentionable " +
				"or give fulcrum the *Mention @everyone, @here and All Roles* permission in the moderator channel."
		}
	}
	return ""
}

// applySettings copies the given options into g and returns what is wrong with them.
func (b *Bot) applySettings(g *store.GuildSettings, opts []*discordgo.ApplicationCommandInteractionDataOption) []string {
	var problems []string
	for _, o := range opts {
		switch o.Name {
		case optChannel:
			g.ModeratorChannel = optionString(o)
		case optModRole:
			g.ModeratorRole = optionString(o)
		case optUrgentRole:
			g.UrgentRole = optionString(o)
		case optRegion:
			code := strings.ToUpper(strings.TrimSpace(optionString(o)))
			switch {
			case code == "" || code == "INTL":
				g.Region = ""
			case b.opts.KnownRegion != nil:
				canon, ok := b.opts.KnownRegion(code)
				if !ok {
					problems = append(problems, fmt.Sprintf("I have no crisis numbers for region %q. Use a country code such as US, GB or IN, or INTL.", truncate(code, 8)))
					continue
				}
				g.Region = canon
			case len(code) == 2:
				g.Region = code
			default:
				problems = append(problems, "region must be a two-letter country code, or INTL.")
			}
		case optAnonymous:
			v, _ := o.Value.(bool)
			g.AnonymousByDefault = v
		case optRetention:
			n, ok := optionInt(o)
			if !ok || n < 1 || n > 365 {
				problems = append(problems, "retention_days must be between 1 and 365.")
				continue
			}
			g.RetentionDays = n
		case optModNames:
			v, _ := o.Value.(bool)
			g.ShowModeratorNames = v
		case optReping:
			n, ok := optionInt(o)
			if !ok || n < 1 || n > 1440 {
				problems = append(problems, "reping_minutes must be between 1 and 1440.")
				continue
			}
			g.RepingMinutes = n
		}
	}
	return problems
}

func optionString(o *discordgo.ApplicationCommandInteractionDataOption) string {
	switch v := o.Value.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

func optionInt(o *discordgo.ApplicationCommandInteractionDataOption) (int, bool) {
	switch v := o.Value.(type) {
	case float64:
		return int(v), v == float64(int(v))
	case int64:
		return int(v), true
	case int:
		return v, true
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}

// describeSettings shows a server's settings. Channel and role mentions show as names and ping no one: the
// message is ephemeral and sent with no allowed mentions.
func describeSettings(g store.GuildSettings) string {
	orNot := func(s, prefix, suffix string) string {
		if s == "" {
			return "not set"
		}
		return prefix + s + suffix
	}
	region := g.Region
	if region == "" {
		region = "international"
	}
	retention := g.RetentionDays
	if retention <= 0 {
		retention = store.DefaultRetentionDays
	}
	var b strings.Builder
	if g.SetUp() {
		b.WriteString("**fulcrum is set up here.** Members can use /intake.\n")
	} else {
		b.WriteString("**fulcrum is not set up here yet.** Set a moderator channel to start: `/fulcrum-setup set moderator_channel:`\n")
	}
	fmt.Fprintf(&b, "• Moderator channel: %s\n", orNot(g.ModeratorChannel, "<#", ">"))
	fmt.Fprintf(&b, "• Moderator role: %s\n", orNot(g.ModeratorRole, "<@&", ">"))
	fmt.Fprintf(&b, "• Urgent role (pinged for urgent handoffs): %s\n", orNot(g.UrgentRole, "<@&", ">"))
	fmt.Fprintf(&b, "• Region for crisis numbers: %s\n", region)
	fmt.Fprintf(&b, "• Anonymous by default: %v\n", g.AnonymousByDefault)
	fmt.Fprintf(&b, "• Handoffs kept for: %d days\n", retention)
	fmt.Fprintf(&b, "• Members see moderators' names: %v\n", g.ShowModeratorNames)
	fmt.Fprintf(&b, "• Unclaimed urgent handoffs ping the urgent role again after: %d minutes", int(g.Reping().Minutes()))
	return b.String()
}

// changedOptions describes a setup change for the audit log: option names and values (ids, codes, numbers).
func changedOptions(opts []*discordgo.ApplicationCommandInteractionDataOption) string {
	var parts []string
	for _, o := range opts {
		v := optionString(o)
		if bv, ok := o.Value.(bool); ok {
			v = strconv.FormatBool(bv)
		}
		parts = append(parts, o.Name+"="+truncate(v, 24))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// showAudit shows the server's latest audit entries to someone who may manage it.
func (b *Bot) showAudit(ctx context.Context, r *responder) {
	entries, err := b.st.AuditLog(ctx, r.i.GuildID, 40)
	if err != nil {
		r.log.Error("load audit log", "err", err)
		b.replyText(ctx, r, "I can't reach my storage right now. Please try again in a minute.")
		return
	}
	if len(entries) == 0 {
		b.replyText(ctx, r, "The audit log is empty: no moderator action or setup change is recorded yet.")
		return
	}
	var lines []string
	for _, e := range entries {
		line := fmt.Sprintf("<t:%d:f> · <@%s> · %s", e.At.Unix(), e.By, e.Action)
		if e.Ref != "" {
			line += " · **" + e.Ref + "**"
		}
		if e.Detail != "" {
			line += " · " + e.Detail
		}
		lines = append(lines, line)
	}
	head := "**Audit log** (newest first: who did what, and when; never what a member wrote)\n"
	b.replyText(ctx, r, head+fitLines(lines, maxContent-len([]rune(head))))
}
