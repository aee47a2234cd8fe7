package discordtest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

func (f *Fake) getGateway(*apiRequest) response {
	return jsonResponse(http.StatusOK, map[string]any{"url": f.GatewayURL()})
}

func (f *Fake) getGatewayBot(*apiRequest) response {
	return jsonResponse(http.StatusOK, map[string]any{
		"url":    f.GatewayURL(),
		"shards": f.cfg.shards,
		"session_start_limit": map[string]any{
			"total":           1000,
			"remaining":       999,
			"reset_after":     14400000,
			"max_concurrency": 1,
		},
	})
}

func (f *Fake) getMe(*apiRequest) response {
	me := userJSON(&f.bot)
	me["verified"] = true
	me["mfa_enabled"] = false
	me["flags"] = 0
	me["email"] = nil
	me["locale"] = "en-US"
	return jsonResponse(http.StatusOK, me)
}

func (f *Fake) getUser(req *apiRequest) response {
	u := f.users[req.params["user"]]
	if u == nil {
		return apiError(http.StatusNotFound, 10013, "Unknown User")
	}
	return jsonResponse(http.StatusOK, userJSON(u))
}

func (f *Fake) getChannel(req *apiRequest) response {
	cs := f.channels[req.params["channel"]]
	if cs == nil {
		return apiError(http.StatusNotFound, 10003, "Unknown Channel")
	}
	if cs.ch.GuildID != "" && f.permissionsLocked(cs.ch.GuildID, cs.ch.ID, f.bot.ID)&discordgo.PermissionViewChannel == 0 {
		return apiError(http.StatusForbidden, 50001, "Missing Access")
	}
	return jsonResponse(http.StatusOK, channelJSON(cs.ch, f.users))
}

// guildForBotLocked finds a guild the bot is in.
func (f *Fake) guildForBotLocked(id string) (*guildState, *response) {
	gs := f.guilds[id]
	if gs == nil {
		r := apiError(http.StatusNotFound, 10004, "Unknown Guild")
		return nil, &r
	}
	if gs.members[f.bot.ID] == nil {
		r := apiError(http.StatusForbidden, 50001, "Missing Access")
		return nil, &r
	}
	return gs, nil
}

func (f *Fake) getGuild(req *apiRequest) response {
	gs, errResp := f.guildForBotLocked(req.params["guild"])
	if errResp != nil {
		return *errResp
	}
	g := guildJSON(gs)
	if req.query.Get("with_counts") == "true" {
		g["approximate_member_count"] = len(gs.members)
		g["approximate_presence_count"] = 0
	}
	return jsonResponse(http.StatusOK, g)
}

func (f *Fake) getMember(req *apiRequest) response {
	gs, errResp := f.guildForBotLocked(req.params["guild"])
	if errResp != nil {
		return *errResp
	}
	uid := req.params["user"]
	if uid == "@me" {
		uid = f.bot.ID
	}
	if f.users[uid] == nil {
		return apiError(http.StatusNotFound, 10013, "Unknown User")
	}
	m := gs.members[uid]
	if m == nil {
		return apiError(http.StatusNotFound, 10007, "Unknown Member")
	}
	return jsonResponse(http.StatusOK, memberJSON(gs, m, f.users, true))
}

func (f *Fake) getRoles(req *apiRequest) response {
	gs, errResp := f.guildForBotLocked(req.params["guild"])
	if errResp != nil {
		return *errResp
	}
	out := []any{}
	for _, r := range gs.roles {
		out = append(out, roleJSON(r))
	}
	return jsonResponse(http.StatusOK, out)
}

func (f *Fake) getGuildChannels(req *apiRequest) response {
	gs, errResp := f.guildForBotLocked(req.params["guild"])
	if errResp != nil {
		return *errResp
	}
	out := []any{}
	for _, id := range gs.channelIDs {
		if !isThread(f.channels[id].ch.Type) {
			out = append(out, channelJSON(f.channels[id].ch, f.users))
		}
	}
	return jsonResponse(http.StatusOK, out)
}

// threadParentLocked checks that a thread may start in a channel.
func (f *Fake) threadParentLocked(channelID string, need int64) (*channelState, *response) {
	cs := f.channels[channelID]
	if cs == nil {
		r := apiError(http.StatusNotFound, 10003, "Unknown Channel")
		return nil, &r
	}
	if cs.ch.Type != discordgo.ChannelTypeGuildText && cs.ch.Type != discordgo.ChannelTypeGuildNews {
		r := apiError(http.StatusBadRequest, 50024, "Cannot execute action on this channel type")
		return nil, &r
	}
	perms := f.permissionsLocked(cs.ch.GuildID, cs.ch.ID, f.bot.ID)
	if perms&discordgo.PermissionViewChannel == 0 {
		r := apiError(http.StatusForbidden, 50001, "Missing Access")
		return nil, &r
	}
	if perms&need != need {
		r := apiError(http.StatusForbidden, 50013, "Missing Permissions")
		return nil, &r
	}
	return cs, nil
}

type threadBody struct {
	Name                string `json:"name"`
	AutoArchiveDuration int    `json:"auto_archive_duration"`
	Type                *int   `json:"type"`
	Invitable           *bool  `json:"invitable"`
	RateLimitPerUser    int    `json:"rate_limit_per_user"`
}

func parseThreadBody(body json.RawMessage) (threadBody, []fieldError) {
	var b threadBody
	if body == nil || json.Unmarshal(body, &b) != nil {
		return b, []fieldError{{"name", "BASE_TYPE_REQUIRED", "This field is required"}}
	}
	var errs []fieldError
	if strings.TrimSpace(b.Name) == "" {
		errs = append(errs, fieldError{"name", "BASE_TYPE_REQUIRED", "This field is required"})
	}
	maxLen(&errs, "name", b.Name, 100)
	switch b.AutoArchiveDuration {
	case 0, 60, 1440, 4320, 10080:
	default:
		errs = append(errs, fieldError{"auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}."})
	}
	return b, errs
}

// createThreadLocked makes a thread channel the bot owns and is a member
// of, and dispatches THREAD_CREATE.
func (f *Fake) createThreadLocked(id string, parent *channelState, typ discordgo.ChannelType, b threadBody) *channelState {
	archive := b.AutoArchiveDuration
	if archive == 0 {
		archive = 4320
	}
	invitable := typ == discordgo.ChannelTypeGuildPrivateThread && (b.Invitable == nil || *b.Invitable)
	ch := &discordgo.Channel{
		ID:               id,
		GuildID:          parent.ch.GuildID,
		ParentID:         parent.ch.ID,
		Name:             b.Name,
		Type:             typ,
		OwnerID:          f.bot.ID,
		MemberCount:      1,
		RateLimitPerUser: b.RateLimitPerUser,
		ThreadMetadata: &discordgo.ThreadMetadata{
			AutoArchiveDuration: archive,
			ArchiveTimestamp:    time.Now().UTC(),
			Invitable:           invitable,
		},
	}
	cs := f.addChannelLocked(ch)
	cs.threadMembers[f.bot.ID] = true
	f.dispatchLocked("THREAD_CREATE", ch.GuildID, discordgo.IntentGuilds, func(*gwSession) any {
		d := channelJSON(ch, f.users)
		d["newly_created"] = true
		return d
	})
	return cs
}

func (f *Fake) startThread(req *apiRequest) response {
	b, errs := parseThreadBody(req.body)
	if len(errs) > 0 {
		return invalidForm(errs)
	}
	// Discord (v9 and v10 alike) makes a private thread when type is
	// absent; discordgo omits type 0, so ThreadStart without a type lands
	// here.
	typ := discordgo.ChannelTypeGuildPrivateThread
	if b.Type != nil {
		typ = discordgo.ChannelType(*b.Type)
	}
	need := int64(discordgo.PermissionCreatePrivateThreads)
	switch typ {
	case discordgo.ChannelTypeGuildPrivateThread:
	case discordgo.ChannelTypeGuildPublicThread, discordgo.ChannelTypeGuildNewsThread:
		need = discordgo.PermissionCreatePublicThreads
	default:
		return invalidForm([]fieldError{{"type", "BASE_TYPE_CHOICES", "Value must be one of {10, 11, 12}."}})
	}
	parent, errResp := f.threadParentLocked(req.params["channel"], need)
	if errResp != nil {
		return *errResp
	}
	cs := f.createThreadLocked(f.NewID(), parent, typ, b)
	return jsonResponse(http.StatusCreated, channelJSON(cs.ch, f.users))
}

func (f *Fake) startMessageThread(req *apiRequest) response {
	b, errs := parseThreadBody(req.body)
	if len(errs) > 0 {
		return invalidForm(errs)
	}
	parent, errResp := f.threadParentLocked(req.params["channel"], discordgo.PermissionCreatePublicThreads)
	if errResp != nil {
		return *errResp
	}
	m, errResp := f.channelMessageLocked(parent.ch.ID, req.params["message"])
	if errResp != nil {
		return *errResp
	}
	// A thread started from a message has the message's id.
	if f.channels[m.id] != nil {
		return apiError(http.StatusBadRequest, 160004, "A thread has already been created for this message")
	}
	typ := discordgo.ChannelTypeGuildPublicThread
	if parent.ch.Type == discordgo.ChannelTypeGuildNews {
		typ = discordgo.ChannelTypeGuildNewsThread
	}
	cs := f.createThreadLocked(m.id, parent, typ, b)
	flags, _ := m.obj["flags"].(int64)
	m.obj["flags"] = flags | int64(discordgo.MessageFlagsHasThread)
	m.obj["thread"] = channelJSON(cs.ch, f.users)
	f.touchChannelLocked(m.channelID)
	return jsonResponse(http.StatusCreated, channelJSON(cs.ch, f.users))
}

func (f *Fake) addThreadMember(req *apiRequest) response {
	cs := f.channels[req.params["channel"]]
	if cs == nil {
		return apiError(http.StatusNotFound, 10003, "Unknown Channel")
	}
	if !isThread(cs.ch.Type) {
		return apiError(http.StatusBadRequest, 50024, "Cannot execute action on this channel type")
	}
	uid := req.params["user"]
	if uid == "@me" {
		uid = f.bot.ID
	}
	if f.guilds[cs.ch.GuildID].members[uid] == nil {
		return apiError(http.StatusNotFound, 10007, "Unknown Member")
	}
	if uid != f.bot.ID && cs.ch.Type == discordgo.ChannelTypeGuildPrivateThread && !cs.threadMembers[f.bot.ID] {
		return apiError(http.StatusForbidden, 50001, "Missing Access")
	}
	if !cs.threadMembers[uid] {
		cs.threadMembers[uid] = true
		cs.ch.MemberCount++
	}
	return noContent()
}

// ThreadMembers returns the ids of a thread's members.
func (f *Fake) ThreadMembers(threadID string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	cs := f.channels[threadID]
	if cs == nil {
		return nil
	}
	return sortedKeys(cs.threadMembers)
}

// Threads returns the threads of a channel, oldest first.
func (f *Fake) Threads(parentID string) []discordgo.Channel {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []discordgo.Channel
	cs := f.channels[parentID]
	if cs == nil || f.guilds[cs.ch.GuildID] == nil {
		return nil
	}
	for _, id := range f.guilds[cs.ch.GuildID].channelIDs {
		if c := f.channels[id].ch; isThread(c.Type) && c.ParentID == parentID {
			out = append(out, *c)
		}
	}
	return out
}

// commandName is the pattern of chat-input command and option names.
func commandNamePattern() *regexp.Regexp {
	return regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)
}

func (f *Fake) commandScopeLocked(req *apiRequest) (string, *response) {
	if req.params["app"] != f.cfg.appID {
		r := apiError(http.StatusForbidden, 50001, "Missing Access")
		return "", &r
	}
	gid := req.params["guild"]
	if gid != "" {
		if _, errResp := f.guildForBotLocked(gid); errResp != nil {
			r := apiError(http.StatusForbidden, 50001, "Missing Access")
			return "", &r
		}
	}
	return gid, nil
}

func (f *Fake) getCommands(req *apiRequest) response {
	gid, errResp := f.commandScopeLocked(req)
	if errResp != nil {
		return *errResp
	}
	out := []any{}
	for _, c := range f.commands[gid] {
		out = append(out, c)
	}
	return jsonResponse(http.StatusOK, out)
}

// putCommands is the bulk overwrite: the list replaces the scope's
// commands; a command keeping its name and type keeps its id.
func (f *Fake) putCommands(req *apiRequest) response {
	gid, errResp := f.commandScopeLocked(req)
	if errResp != nil {
		return *errResp
	}
	var cmds []map[string]any
	if req.body == nil || json.Unmarshal(req.body, &cmds) != nil {
		return invalidForm([]fieldError{{"_", "BASE_TYPE_LIST", "Must be a list."}})
	}
	if errs := validateCommands(cmds); len(errs) > 0 {
		return invalidForm(errs)
	}
	old := f.commands[gid]
	version := f.NewID()
	out := make([]map[string]any, 0, len(cmds))
	for _, c := range cmds {
		typ := commandType(c)
		c["type"] = float64(typ)
		c["id"] = f.NewID()
		for _, o := range old {
			if o["name"] == c["name"] && commandType(o) == typ {
				c["id"] = o["id"]
			}
		}
		c["application_id"] = f.cfg.appID
		c["version"] = version
		if gid != "" {
			c["guild_id"] = gid
		} else {
			delete(c, "guild_id")
		}
		if _, ok := c["default_member_permissions"]; !ok {
			c["default_member_permissions"] = nil
		}
		if _, ok := c["nsfw"]; !ok {
			c["nsfw"] = false
		}
		out = append(out, c)
	}
	f.commands[gid] = out
	return jsonResponse(http.StatusOK, out)
}

func commandType(c map[string]any) int {
	if t, ok := c["type"].(float64); ok && t != 0 {
		return int(t)
	}
	return int(discordgo.ChatApplicationCommand)
}

// validateCommands checks names, descriptions, options and duplicates the
// way Discord does for a bulk overwrite.
func validateCommands(cmds []map[string]any) []fieldError {
	var errs []fieldError
	namePat := commandNamePattern()
	seen := map[string]bool{}
	for i, c := range cmds {
		p := strconv.Itoa(i)
		name, _ := c["name"].(string)
		desc, _ := c["description"].(string)
		typ := commandType(c)
		key := strconv.Itoa(typ) + "/" + name
		if seen[key] {
			errs = append(errs, fieldError{p + ".name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"})
		}
		seen[key] = true
		if typ == int(discordgo.ChatApplicationCommand) {
			if !namePat.MatchString(name) || strings.ToLower(name) != name {
				errs = append(errs, fieldError{p + ".name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"})
			}
			if desc == "" || len([]rune(desc)) > 100 {
				errs = append(errs, fieldError{p + ".description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."})
			}
		} else {
			if name == "" || len([]rune(name)) > 32 {
				errs = append(errs, fieldError{p + ".name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length."})
			}
			if desc != "" {
				errs = append(errs, fieldError{p + ".description", "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", "Context menu commands cannot have description"})
			}
		}
		errs = append(errs, validateOptions(p+".options", c["options"], namePat)...)
	}
	return errs
}

func validateOptions(p string, v any, namePat *regexp.Regexp) []fieldError {
	opts, _ := v.([]any)
	var errs []fieldError
	if len(opts) > 25 {
		errs = append(errs, fieldError{p, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."})
	}
	seenOptional := false
	names := map[string]bool{}
	for i, raw := range opts {
		o, _ := raw.(map[string]any)
		op := p + "." + strconv.Itoa(i)
		name, _ := o["name"].(string)
		desc, _ := o["description"].(string)
		required, _ := o["required"].(bool)
		if !namePat.MatchString(name) || strings.ToLower(name) != name {
			errs = append(errs, fieldError{op + ".name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"})
		}
		if names[name] {
			errs = append(errs, fieldError{op + ".name", "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique"})
		}
		names[name] = true
		if desc == "" || len([]rune(desc)) > 100 {
			errs = append(errs, fieldError{op + ".description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."})
		}
		if required && seenOptional {
			errs = append(errs, fieldError{op + ".required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"})
		}
		if !required {
			seenOptional = true
		}
		if choices, _ := o["choices"].([]any); len(choices) > 25 {
			errs = append(errs, fieldError{op + ".choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."})
		}
		errs = append(errs, validateOptions(op+".options", o["options"], namePat)...)
	}
	return errs
}

// Commands returns the application commands of a guild, or the global ones
// for guildID "", as the last bulk overwrite left them.
func (f *Fake) Commands(guildID string) []*discordgo.ApplicationCommand {
	f.mu.Lock()
	defer f.mu.Unlock()
	raw, err := json.Marshal(f.commands[guildID])
	if err != nil {
		panic("discordtest: marshal commands: " + err.Error())
	}
	var out []*discordgo.ApplicationCommand
	if err := json.Unmarshal(raw, &out); err != nil {
		panic("discordtest: commands do not decode as discordgo.ApplicationCommand: " + err.Error())
	}
	return out
}
