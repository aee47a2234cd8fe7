package discordtest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// interactionTokenLifetime is how long an interaction token works for
// followups and edits.
const interactionTokenLifetime = 15 * time.Minute

// Interaction is an interaction the fake created, as a user would by using
// a command, a component or a modal.
type Interaction struct {
	ID            string
	Token         string
	ApplicationID string
	Type          discordgo.InteractionType
	GuildID       string
	ChannelID     string
	UserID        string
	// Name is the command name, or the custom_id of the component or modal.
	Name string
	// MessageID is the message a component was used on.
	MessageID string
	Created   time.Time
	// Payload is the INTERACTION_CREATE data as dispatched.
	Payload json.RawMessage
}

// Response is how the bot answered an interaction.
type Response struct {
	Type discordgo.InteractionResponseType
	// Data is the callback's data as sent.
	Data  json.RawMessage
	Files []File
	At    time.Time
	// Within is how long after the interaction's creation the answer came.
	Within time.Duration
}

// Decode unmarshals the response data into v.
func (r Response) Decode(v any) error {
	if r.Data == nil {
		return fmt.Errorf("discordtest: response type %d has no data", r.Type)
	}
	return json.Unmarshal(r.Data, v)
}

// Components decodes the response data's components with discordgo's
// component types.
func (r Response) Components() ([]discordgo.MessageComponent, error) {
	var d struct {
		Components []json.RawMessage `json:"components"`
	}
	if err := r.Decode(&d); err != nil {
		return nil, err
	}
	var out []discordgo.MessageComponent
	for _, raw := range d.Components {
		c, err := discordgo.MessageComponentFromJSON(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

type interactionState struct {
	pub  Interaction
	resp *Response
	// late counts callbacks refused because the deadline had passed.
	late int
	// modal is the data of a MODAL (type 9) response.
	modal json.RawMessage
	// originalID is the message @original names: the response message for
	// types 4 and 5, the component's message for types 6 and 7.
	originalID string
	followups  []string
}

// Option values for slash commands.

// StringOption is a string option of a slash command.
func StringOption(name, value string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value}
}

// IntegerOption is an integer option of a slash command.
func IntegerOption(name string, value int64) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionInteger, Value: value}
}

// BooleanOption is a boolean option of a slash command.
func BooleanOption(name string, value bool) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: value}
}

// UserOption is a user option of a slash command; the interaction's
// resolved data carries the user (and member, in a guild).
func UserOption(name, userID string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionUser, Value: userID}
}

// SubcommandOption is a subcommand with its own options.
func SubcommandOption(name string, options ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: options}
}

// SlashCommand injects a chat-input command (INTERACTION_CREATE type 2)
// used by a user: in a guild's first text channel, or in the user's DM with
// the bot when guildID is "". A registered command's id is used when one
// matches the name.
func (f *Fake) SlashCommand(guildID, userID, name string, options ...*discordgo.ApplicationCommandInteractionDataOption) *Interaction {
	f.t.Helper()
	f.mu.Lock()
	var channelID string
	if guildID == "" {
		channelID = f.dmChannelLocked(userID).ch.ID
	} else {
		gs := f.guilds[guildID]
		if gs == nil {
			f.mu.Unlock()
			f.t.Fatalf("discordtest: SlashCommand: unknown guild %s", guildID)
		}
		for _, id := range gs.channelIDs {
			if f.channels[id].ch.Type == discordgo.ChannelTypeGuildText {
				channelID = id
				break
			}
		}
		if channelID == "" {
			f.mu.Unlock()
			f.t.Fatalf("discordtest: SlashCommand: guild %s has no text channel", guildID)
		}
	}
	f.mu.Unlock()
	return f.SlashCommandIn(channelID, userID, name, options...)
}

// SlashCommandIn injects a chat-input command used in a given channel
// (guild channel, thread or DM channel).
func (f *Fake) SlashCommandIn(channelID, userID, name string, options ...*discordgo.ApplicationCommandInteractionDataOption) *Interaction {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	cs := f.interactionChannelLocked("SlashCommandIn", channelID, userID)
	data := map[string]any{"name": name, "type": int(discordgo.ChatApplicationCommand)}
	data["id"] = f.commandIDLocked(cs.ch.GuildID, name)
	if len(options) > 0 {
		data["options"] = options
		if res := f.resolvedLocked(cs, options); res != nil {
			data["resolved"] = res
		}
	}
	ia := f.newInteractionLocked(discordgo.InteractionApplicationCommand, cs, userID, data, nil)
	ia.pub.Name = name
	return f.sendInteractionLocked(ia)
}

// Click injects a user using a message component: a button (no values) or
// a select menu (the chosen values). The component must be on the message,
// enabled, and not a link button; select values must fit the menu.
func (f *Fake) Click(userID, channelID, messageID, customID string, values ...string) *Interaction {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	cs := f.interactionChannelLocked("Click", channelID, userID)
	m := f.messages[messageID]
	if m == nil || m.deleted || m.channelID != channelID {
		f.t.Fatalf("discordtest: Click: no message %s in channel %s", messageID, channelID)
	}
	comp := findComponent(m.obj["components"], customID)
	if comp == nil {
		f.t.Fatalf("discordtest: Click: message %s has no component with custom_id %q", messageID, customID)
	}
	if comp.Disabled {
		f.t.Fatalf("discordtest: Click: component %q is disabled", customID)
	}
	data := map[string]any{"custom_id": customID, "component_type": comp.Type}
	switch {
	case comp.Type == int(discordgo.ButtonComponent):
		if comp.Style == int(discordgo.LinkButton) {
			f.t.Fatalf("discordtest: Click: %q is a link button; it opens a URL and sends no interaction", customID)
		}
		if len(values) > 0 {
			f.t.Fatalf("discordtest: Click: button %q takes no values", customID)
		}
	case isSelect(comp.Type):
		minV, maxV := 1, 1
		if comp.MinValues != nil {
			minV = *comp.MinValues
		}
		if comp.MaxValues != nil {
			maxV = *comp.MaxValues
		}
		if len(values) < minV || len(values) > maxV {
			f.t.Fatalf("discordtest: Click: select %q takes %d to %d values, got %d", customID, minV, maxV, len(values))
		}
		if comp.Type == int(discordgo.SelectMenuComponent) {
			for _, v := range values {
				if !slices.ContainsFunc(comp.Options, func(o selectOption) bool { return o.Value == v }) {
					f.t.Fatalf("discordtest: Click: select %q has no option %q", customID, v)
				}
			}
		}
		data["values"] = append([]string{}, values...)
	default:
		f.t.Fatalf("discordtest: Click: component %q of type %d cannot be clicked", customID, comp.Type)
	}
	ia := f.newInteractionLocked(discordgo.InteractionMessageComponent, cs, userID, data, m)
	ia.pub.Name = customID
	ia.pub.MessageID = messageID
	return f.sendInteractionLocked(ia)
}

// SubmitModal injects the user submitting the modal the bot opened in
// answer to opened (a MODAL response, type 9), with values keyed by the
// text inputs' custom ids. Required inputs must have a value and values must
// fit the inputs' lengths.
func (f *Fake) SubmitModal(opened *Interaction, values map[string]string) *Interaction {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	src := f.interactions[opened.ID]
	if src == nil || src.resp == nil || src.resp.Type != discordgo.InteractionResponseModal {
		f.t.Fatalf("discordtest: SubmitModal: interaction %s was not answered with a modal", opened.ID)
	}
	var modal struct {
		CustomID   string          `json:"custom_id"`
		Components []wireComponent `json:"components"`
	}
	json.Unmarshal(src.modal, &modal)
	inputs := textInputs(modal.Components)
	for k := range values {
		if !slices.ContainsFunc(inputs, func(c wireComponent) bool { return c.CustomID == k }) {
			f.t.Fatalf("discordtest: SubmitModal: modal %q has no text input %q", modal.CustomID, k)
		}
	}
	rows := []any{}
	for _, in := range inputs {
		v := values[in.CustomID]
		if v == "" && (in.Required == nil || *in.Required) {
			f.t.Fatalf("discordtest: SubmitModal: text input %q is required", in.CustomID)
		}
		n := len([]rune(v))
		if v != "" && ((in.MinLength != nil && n < *in.MinLength) || (in.MaxLength != nil && n > *in.MaxLength)) {
			f.t.Fatalf("discordtest: SubmitModal: value of %q does not fit its length limits", in.CustomID)
		}
		rows = append(rows, map[string]any{
			"type":       int(discordgo.ActionsRowComponent),
			"components": []any{map[string]any{"type": int(discordgo.TextInputComponent), "custom_id": in.CustomID, "value": v}},
		})
	}
	cs := f.channels[src.pub.ChannelID]
	var msg *storedMessage
	if src.pub.MessageID != "" {
		msg = f.messages[src.pub.MessageID]
	}
	data := map[string]any{"custom_id": modal.CustomID, "components": rows}
	ia := f.newInteractionLocked(discordgo.InteractionModalSubmit, cs, src.pub.UserID, data, msg)
	ia.pub.Name = modal.CustomID
	ia.pub.MessageID = src.pub.MessageID
	return f.sendInteractionLocked(ia)
}

// textInputs lists a modal's text inputs, in action rows or in label
// components.
func textInputs(cs []wireComponent) []wireComponent {
	var out []wireComponent
	for _, c := range cs {
		if c.Type == int(discordgo.TextInputComponent) {
			out = append(out, c)
		}
		out = append(out, textInputs(c.Components)...)
		if c.Component != nil {
			out = append(out, textInputs([]wireComponent{*c.Component})...)
		}
	}
	return out
}

// findComponent finds a component by custom_id in a message's components.
func findComponent(v any, customID string) *wireComponent {
	raws, _ := v.([]json.RawMessage)
	var walk func([]wireComponent) *wireComponent
	walk = func(cs []wireComponent) *wireComponent {
		for i := range cs {
			if cs[i].CustomID == customID && cs[i].Type != int(discordgo.ActionsRowComponent) {
				return &cs[i]
			}
			if c := walk(cs[i].Components); c != nil {
				return c
			}
			if cs[i].Component != nil {
				if c := walk([]wireComponent{*cs[i].Component}); c != nil {
					return c
				}
			}
		}
		return nil
	}
	for _, raw := range raws {
		var c wireComponent
		if json.Unmarshal(raw, &c) == nil {
			if found := walk([]wireComponent{c}); found != nil {
				return found
			}
		}
	}
	return nil
}

// interactionChannelLocked checks the channel and user of an interaction.
// Its callers hold f.mu with a deferred unlock, which t.Fatalf runs.
func (f *Fake) interactionChannelLocked(op, channelID, userID string) *channelState {
	cs := f.channels[channelID]
	if cs == nil {
		f.t.Fatalf("discordtest: %s: unknown channel %s", op, channelID)
	}
	if cs.ch.GuildID == "" {
		if cs.recipientID != userID {
			f.t.Fatalf("discordtest: %s: channel %s is not the DM of user %s", op, channelID, userID)
		}
		return cs
	}
	if f.guilds[cs.ch.GuildID].members[userID] == nil {
		f.t.Fatalf("discordtest: %s: user %s is not a member of guild %s", op, userID, cs.ch.GuildID)
	}
	return cs
}

func (f *Fake) commandIDLocked(guildID, name string) string {
	keys := []string{""}
	if guildID != "" {
		keys = []string{guildID, ""}
	}
	for _, key := range keys {
		for _, c := range f.commands[key] {
			t, _ := c["type"].(float64)
			if c["name"] == name && (t == 0 || t == 1) {
				return c["id"].(string)
			}
		}
	}
	return f.NewID()
}

// resolvedLocked builds data.resolved for user options.
func (f *Fake) resolvedLocked(cs *channelState, options []*discordgo.ApplicationCommandInteractionDataOption) map[string]any {
	users, members := map[string]any{}, map[string]any{}
	var walk func([]*discordgo.ApplicationCommandInteractionDataOption)
	walk = func(opts []*discordgo.ApplicationCommandInteractionDataOption) {
		for _, o := range opts {
			walk(o.Options)
			id, _ := o.Value.(string)
			if o.Type != discordgo.ApplicationCommandOptionUser && o.Type != discordgo.ApplicationCommandOptionMentionable {
				continue
			}
			u := f.users[id]
			if u == nil {
				continue
			}
			users[id] = userJSON(u)
			if gs := f.guilds[cs.ch.GuildID]; gs != nil && gs.members[id] != nil {
				mj := memberJSON(gs, gs.members[id], f.users, false)
				mj["permissions"] = strconv.FormatInt(f.permissionsLocked(gs.id, cs.ch.ID, id), 10)
				members[id] = mj
			}
		}
	}
	walk(options)
	if len(users) == 0 {
		return nil
	}
	res := map[string]any{"users": users}
	if len(members) > 0 {
		res["members"] = members
	}
	return res
}

func (f *Fake) newInteractionLocked(typ discordgo.InteractionType, cs *channelState, userID string, data map[string]any, msg *storedMessage) *interactionState {
	id := f.NewID()
	token := "aW50ZXJhY3Rpb246" + base64.RawURLEncoding.EncodeToString([]byte(id+":"+randomHex(32)))
	ia := &interactionState{pub: Interaction{
		ID: id, Token: token, ApplicationID: f.cfg.appID, Type: typ,
		GuildID: cs.ch.GuildID, ChannelID: cs.ch.ID, UserID: userID, Created: time.Now(),
	}}
	user := f.userLocked(userID)
	payload := map[string]any{
		"id":                    id,
		"application_id":        f.cfg.appID,
		"type":                  int(typ),
		"data":                  data,
		"channel_id":            cs.ch.ID,
		"channel":               channelJSON(cs.ch, f.users),
		"token":                 token,
		"version":               1,
		"locale":                "en-US",
		"entitlements":          []any{},
		"attachment_size_limit": 10 << 20,
	}
	if gs := f.guilds[cs.ch.GuildID]; gs != nil {
		mj := memberJSON(gs, gs.members[userID], f.users, true)
		mj["permissions"] = strconv.FormatInt(f.permissionsLocked(gs.id, cs.ch.ID, userID), 10)
		payload["guild_id"] = gs.id
		payload["guild"] = map[string]any{"id": gs.id, "locale": "en-US", "features": []any{}}
		payload["guild_locale"] = "en-US"
		payload["member"] = mj
		payload["app_permissions"] = strconv.FormatInt(f.permissionsLocked(gs.id, cs.ch.ID, f.bot.ID), 10)
		payload["context"] = int(discordgo.InteractionContextGuild)
		payload["authorizing_integration_owners"] = map[string]any{"0": gs.id}
	} else {
		payload["user"] = userJSON(user)
		payload["app_permissions"] = strconv.FormatInt(dmPermissions, 10)
		payload["context"] = int(discordgo.InteractionContextBotDM)
		payload["authorizing_integration_owners"] = map[string]any{"0": "0"}
	}
	if msg != nil {
		payload["message"] = msg.obj
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		panic("discordtest: marshal interaction: " + err.Error())
	}
	ia.pub.Payload = raw
	return ia
}

// sendInteractionLocked records the interaction and dispatches
// INTERACTION_CREATE, which needs no intent.
func (f *Fake) sendInteractionLocked(ia *interactionState) *Interaction {
	ia.pub.Created = time.Now()
	f.interactions[ia.pub.ID] = ia
	f.byToken[ia.pub.Token] = ia
	n := f.dispatchLocked("INTERACTION_CREATE", ia.pub.GuildID, 0, func(*gwSession) any { return ia.pub.Payload })
	if n == 0 {
		f.t.Logf("discordtest: interaction %s (%s) reached no connected gateway session", ia.pub.ID, ia.pub.Name)
	}
	out := ia.pub
	return &out
}

// Interaction returns an interaction by id.
func (f *Fake) Interaction(id string) (Interaction, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ia := f.interactions[id]
	if ia == nil {
		return Interaction{}, false
	}
	return ia.pub, true
}

// Acknowledged reports whether the bot answered the interaction within the
// interaction deadline (an accepted callback of any type).
func (f *Fake) Acknowledged(interactionID string) bool {
	_, ok := f.Response(interactionID)
	return ok
}

// Response returns the bot's accepted answer to an interaction.
func (f *Fake) Response(interactionID string) (Response, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ia := f.interactions[interactionID]
	if ia == nil || ia.resp == nil {
		return Response{}, false
	}
	return *ia.resp, true
}

// LateCallbacks returns how many callbacks for the interaction came after
// the deadline and were refused with 10062 "Unknown interaction".
func (f *Fake) LateCallbacks(interactionID string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ia := f.interactions[interactionID]; ia != nil {
		return ia.late
	}
	return 0
}

// WaitAck waits until the interaction is answered and returns the answer.
func (f *Fake) WaitAck(ctx context.Context, interactionID string) (Response, error) {
	var r Response
	err := f.WaitFor(ctx, func() bool {
		var ok bool
		r, ok = f.Response(interactionID)
		return ok
	})
	return r, err
}

// OriginalResponse returns the message @original names for an interaction:
// the response message (types 4 and 5) or the component's message (6, 7).
func (f *Fake) OriginalResponse(interactionID string) (Message, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ia := f.interactions[interactionID]
	if ia == nil || ia.originalID == "" || f.messages[ia.originalID] == nil || f.messages[ia.originalID].deleted {
		return Message{}, false
	}
	return f.publicMessage(f.messages[ia.originalID]), true
}

// Followups returns the followup messages sent with an interaction's token.
func (f *Fake) Followups(interactionID string) []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	ia := f.interactions[interactionID]
	if ia == nil {
		return nil
	}
	var out []Message
	for _, id := range ia.followups {
		if m := f.messages[id]; m != nil && !m.deleted {
			out = append(out, f.publicMessage(m))
		}
	}
	return out
}

func invalidCallbackType(rt discordgo.InteractionResponseType, it discordgo.InteractionType) response {
	return invalidForm([]fieldError{{"type", "INTERACTION_RESPONSE_TYPE_INVALID",
		fmt.Sprintf("Interaction response type %d is not valid for an interaction of type %d", rt, it)}})
}

func (f *Fake) interactionCallback(req *apiRequest) response {
	ia := f.interactions[req.params["interaction"]]
	if ia == nil || ia.pub.Token != req.params["token"] {
		return apiError(http.StatusNotFound, 10062, "Unknown interaction")
	}
	if ia.resp != nil {
		return apiError(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
	}
	within := req.now.Sub(ia.pub.Created)
	if within > f.cfg.deadline {
		ia.late++
		return apiError(http.StatusNotFound, 10062, "Unknown interaction")
	}
	var body struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	if req.body == nil || json.Unmarshal(req.body, &body) != nil {
		return invalidForm([]fieldError{{"type", "BASE_TYPE_REQUIRED", "This field is required"}})
	}
	if string(body.Data) == "null" {
		body.Data = nil
	}
	it := ia.pub.Type
	fromMessage := ia.pub.MessageID != ""
	switch body.Type {
	case discordgo.InteractionResponseChannelMessageWithSource:
		cs := f.channels[ia.pub.ChannelID]
		sub := &apiRequest{body: body.Data, files: req.files}
		st, errResp := f.messageFromRequestLocked(cs.ch.ID, sub, true)
		if errResp != nil {
			return *errResp
		}
		st.flags &= messageFlagsSettable | int64(discordgo.MessageFlagsEphemeral)
		m := f.createMessageLocked(cs, &f.bot, st, req.files, f.responseOptsLocked(ia))
		ia.originalID = m.id
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		cs := f.channels[ia.pub.ChannelID]
		st := &messageState{}
		if body.Data != nil {
			var d struct {
				Flags int64 `json:"flags"`
			}
			json.Unmarshal(body.Data, &d)
			st.flags = d.Flags & int64(discordgo.MessageFlagsEphemeral)
		}
		opts := f.responseOptsLocked(ia)
		opts.loading = true
		m := f.createMessageLocked(cs, &f.bot, st, nil, opts)
		ia.originalID = m.id
	case discordgo.InteractionResponseDeferredMessageUpdate, discordgo.InteractionResponseUpdateMessage:
		if it != discordgo.InteractionMessageComponent && !(it == discordgo.InteractionModalSubmit && fromMessage) {
			return invalidCallbackType(body.Type, it)
		}
		m := f.messages[ia.pub.MessageID]
		if m == nil || m.deleted {
			return apiError(http.StatusNotFound, 10008, "Unknown Message")
		}
		if body.Type == discordgo.InteractionResponseUpdateMessage {
			if errResp := f.editMessageLocked(m, body.Data, req.files); errResp != nil {
				return *errResp
			}
		}
		ia.originalID = m.id
	case discordgo.InteractionResponseModal:
		if it == discordgo.InteractionModalSubmit || it == discordgo.InteractionPing {
			return invalidCallbackType(body.Type, it)
		}
		if errs := validateModal(body.Data); len(errs) > 0 {
			return invalidForm(errs)
		}
		ia.modal = append(json.RawMessage{}, body.Data...)
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if it != discordgo.InteractionApplicationCommandAutocomplete {
			return invalidCallbackType(body.Type, it)
		}
	case discordgo.InteractionResponsePong:
		if it != discordgo.InteractionPing {
			return invalidCallbackType(body.Type, it)
		}
	default:
		return invalidCallbackType(body.Type, it)
	}
	ia.resp = &Response{Type: body.Type, Data: body.Data, Files: req.files, At: req.now, Within: within}
	f.notifyLocked()
	return noContent()
}

// responseOptsLocked is how interaction responses and followups look: sent
// by the application's webhook, with interaction metadata.
func (f *Fake) responseOptsLocked(ia *interactionState) messageOpts {
	typ := 0
	if ia.pub.Type == discordgo.InteractionApplicationCommand {
		typ = 20
	}
	return messageOpts{
		typ:           typ,
		webhookID:     f.cfg.appID,
		interactionID: ia.pub.ID,
		metadata: map[string]any{
			"id":                             ia.pub.ID,
			"type":                           int(ia.pub.Type),
			"name":                           ia.pub.Name,
			"user":                           userJSON(f.users[ia.pub.UserID]),
			"authorizing_integration_owners": map[string]any{},
		},
	}
}

func validateModal(data json.RawMessage) []fieldError {
	var m struct {
		CustomID   string          `json:"custom_id"`
		Title      string          `json:"title"`
		Components []wireComponent `json:"components"`
	}
	if data == nil || json.Unmarshal(data, &m) != nil {
		return []fieldError{{"data", "BASE_TYPE_REQUIRED", "This field is required"}}
	}
	var errs []fieldError
	if m.CustomID == "" {
		errs = append(errs, fieldError{"data.custom_id", "BASE_TYPE_REQUIRED", "This field is required"})
	}
	maxLen(&errs, "data.custom_id", m.CustomID, 100)
	if m.Title == "" {
		errs = append(errs, fieldError{"data.title", "BASE_TYPE_REQUIRED", "This field is required"})
	}
	maxLen(&errs, "data.title", m.Title, 45)
	if len(m.Components) < 1 || len(m.Components) > 5 {
		errs = append(errs, fieldError{"data.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."})
	}
	inputs := textInputs(m.Components)
	if len(inputs) == 0 {
		errs = append(errs, fieldError{"data.components", "BASE_TYPE_REQUIRED", "A modal needs a text input"})
	}
	seen := map[string]bool{}
	for i, in := range inputs {
		p := "data.components." + strconv.Itoa(i)
		if in.CustomID == "" {
			errs = append(errs, fieldError{p + ".custom_id", "BASE_TYPE_REQUIRED", "This field is required"})
		}
		if seen[in.CustomID] {
			errs = append(errs, fieldError{p + ".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"})
		}
		seen[in.CustomID] = true
		maxLen(&errs, p+".label", in.Label, 45)
		if in.Style != 1 && in.Style != 2 {
			errs = append(errs, fieldError{p + ".style", "BASE_TYPE_CHOICES", "Value must be one of {1, 2}."})
		}
		if in.MaxLength != nil && (*in.MaxLength < 1 || *in.MaxLength > 4000) {
			errs = append(errs, fieldError{p + ".max_length", "NUMBER_TYPE_MAX", "int value should be between 1 and 4000."})
		}
	}
	return errs
}

// tokenInteractionLocked finds the live interaction of a webhook route.
func (f *Fake) tokenInteractionLocked(req *apiRequest) (*interactionState, *response) {
	ia := f.byToken[req.params["token"]]
	if ia == nil || req.params["app"] != f.cfg.appID || req.now.Sub(ia.pub.Created) > interactionTokenLifetime {
		r := apiError(http.StatusNotFound, 10015, "Unknown Webhook")
		return nil, &r
	}
	if ia.resp == nil {
		// The token works only once the interaction has been answered.
		r := apiError(http.StatusNotFound, 10015, "Unknown Webhook")
		return nil, &r
	}
	return ia, nil
}

// webhookMessageLocked finds the message a webhook route names.
func (f *Fake) webhookMessageLocked(ia *interactionState, id string) (*storedMessage, *response) {
	if id == "@original" {
		id = ia.originalID
	} else if !slices.Contains(ia.followups, id) {
		id = ""
	}
	m := f.messages[id]
	if m == nil || m.deleted {
		r := apiError(http.StatusNotFound, 10008, "Unknown Message")
		return nil, &r
	}
	return m, nil
}

func (f *Fake) webhookGet(req *apiRequest) response {
	ia, errResp := f.tokenInteractionLocked(req)
	if errResp != nil {
		return *errResp
	}
	m, errResp := f.webhookMessageLocked(ia, req.params["message"])
	if errResp != nil {
		return *errResp
	}
	return jsonResponse(http.StatusOK, m.obj)
}

func (f *Fake) webhookEdit(req *apiRequest) response {
	ia, errResp := f.tokenInteractionLocked(req)
	if errResp != nil {
		return *errResp
	}
	m, errResp := f.webhookMessageLocked(ia, req.params["message"])
	if errResp != nil {
		return *errResp
	}
	if errResp := f.editMessageLocked(m, req.body, req.files); errResp != nil {
		return *errResp
	}
	return jsonResponse(http.StatusOK, m.obj)
}

func (f *Fake) webhookDelete(req *apiRequest) response {
	ia, errResp := f.tokenInteractionLocked(req)
	if errResp != nil {
		return *errResp
	}
	m, errResp := f.webhookMessageLocked(ia, req.params["message"])
	if errResp != nil {
		return *errResp
	}
	f.deleteMessageLocked(m)
	return noContent()
}

// followupCreate sends a followup message. Right after a deferred response
// (type 5) the first followup edits the "thinking" message instead, as
// Discord documents.
func (f *Fake) followupCreate(req *apiRequest) response {
	ia, errResp := f.tokenInteractionLocked(req)
	if errResp != nil {
		return *errResp
	}
	if orig := f.messages[ia.originalID]; orig != nil && !orig.deleted &&
		ia.resp.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		if fl, _ := orig.obj["flags"].(int64); fl&int64(discordgo.MessageFlagsLoading) != 0 {
			if errResp := f.editMessageLocked(orig, req.body, req.files); errResp != nil {
				return *errResp
			}
			return jsonResponse(http.StatusOK, orig.obj)
		}
	}
	cs := f.channels[ia.pub.ChannelID]
	st, errResp := f.messageFromRequestLocked(cs.ch.ID, req, true)
	if errResp != nil {
		return *errResp
	}
	st.flags &= messageFlagsSettable | int64(discordgo.MessageFlagsEphemeral)
	opts := f.responseOptsLocked(ia)
	opts.typ = 0
	m := f.createMessageLocked(cs, &f.bot, st, req.files, opts)
	ia.followups = append(ia.followups, m.id)
	if req.query.Get("wait") != "true" {
		return noContent()
	}
	return jsonResponse(http.StatusOK, m.obj)
}
