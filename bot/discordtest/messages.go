package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Message is a message as the fake now holds it, after every edit.
type Message struct {
	discordgo.Message
	// AllowedMentions is the allowed_mentions the message was last sent or
	// edited with; nil when the request had none (Discord then parses every
	// mention in the content).
	AllowedMentions *discordgo.MessageAllowedMentions
	// AllowedMentionsJSON is that allowed_mentions exactly as sent.
	AllowedMentionsJSON json.RawMessage
	// Files are the files uploaded with the message and its edits.
	Files []File
	// JSON is the message object as the fake serves it.
	JSON json.RawMessage
}

// Ephemeral reports whether only the user of an interaction can see the
// message.
func (m Message) Ephemeral() bool { return m.Flags&discordgo.MessageFlagsEphemeral != 0 }

type storedMessage struct {
	id        string
	channelID string
	guildID   string
	authorID  string
	obj       map[string]any
	allowed   json.RawMessage
	files     []File
	// interactionID is the interaction whose token may edit the message.
	interactionID string
	deleted       bool
	// refAuthor is the author of the message this one replies to.
	refAuthor string
}

// messageState is a message's editable content, as parsed from a request.
type messageState struct {
	content     string
	embeds      []json.RawMessage
	components  []json.RawMessage
	flags       int64
	tts         bool
	allowed     json.RawMessage
	reference   json.RawMessage
	attachments []any
	hasSticker  bool
	hasPoll     bool
	poll        json.RawMessage
	nonce       json.RawMessage
	// enforceNonce asks that a message with the same nonce from the same author in the last few minutes be
	// returned instead of creating another.
	enforceNonce bool
}

// messageFlagsSettable are the flags a bot may set when sending.
const messageFlagsSettable = int64(discordgo.MessageFlagsSuppressEmbeds |
	discordgo.MessageFlagsSuppressNotifications |
	discordgo.MessageFlagsIsComponentsV2)

// fieldError is one entry of a 50035 "Invalid Form Body" error.
type fieldError struct {
	path    string
	code    string
	message string
}

// invalidForm answers 400 50035 with Discord's nested errors object.
func invalidForm(errs []fieldError) response {
	root := map[string]any{}
	for _, e := range errs {
		node := root
		for _, p := range strings.Split(e.path, ".") {
			next, ok := node[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				node[p] = next
			}
			node = next
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": e.code, "message": e.message})
	}
	return jsonResponse(http.StatusBadRequest, map[string]any{"code": 50035, "errors": root, "message": "Invalid Form Body"})
}

func maxLen(errs *[]fieldError, path, s string, n int) {
	if utf8.RuneCountInString(s) > n {
		*errs = append(*errs, fieldError{path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", n)})
	}
}

// parseMessageFields reads the message fields present in a body into st,
// which holds the current state for an edit and is empty for a create.
func parseMessageFields(body json.RawMessage, st *messageState) []fieldError {
	var errs []fieldError
	if body == nil {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return []fieldError{{"_", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"}}
	}
	isNull := func(raw json.RawMessage) bool { return string(raw) == "null" }
	if raw, ok := fields["content"]; ok {
		st.content = ""
		if !isNull(raw) && json.Unmarshal(raw, &st.content) != nil {
			errs = append(errs, fieldError{"content", "BASE_TYPE_STRING", "Must be a string."})
		}
	}
	if raw, ok := fields["embeds"]; ok {
		st.embeds = nil
		if !isNull(raw) && json.Unmarshal(raw, &st.embeds) != nil {
			errs = append(errs, fieldError{"embeds", "BASE_TYPE_LIST", "Must be a list."})
		}
	}
	if raw, ok := fields["components"]; ok {
		st.components = nil
		if !isNull(raw) && json.Unmarshal(raw, &st.components) != nil {
			errs = append(errs, fieldError{"components", "BASE_TYPE_LIST", "Must be a list."})
		}
	}
	if raw, ok := fields["flags"]; ok && !isNull(raw) {
		var fl int64
		if json.Unmarshal(raw, &fl) != nil {
			errs = append(errs, fieldError{"flags", "NUMBER_TYPE_COERCE", "Value is not int."})
		}
		st.flags = st.flags&^messageFlagsSettable | fl&(messageFlagsSettable|int64(discordgo.MessageFlagsEphemeral))
	}
	if raw, ok := fields["tts"]; ok && !isNull(raw) {
		json.Unmarshal(raw, &st.tts)
	}
	if raw, ok := fields["allowed_mentions"]; ok {
		st.allowed = nil
		if !isNull(raw) {
			st.allowed = append(json.RawMessage{}, raw...)
		}
	}
	if raw, ok := fields["message_reference"]; ok && !isNull(raw) {
		st.reference = raw
	}
	if raw, ok := fields["sticker_ids"]; ok && !isNull(raw) {
		var ids []string
		json.Unmarshal(raw, &ids)
		st.hasSticker = len(ids) > 0
	}
	if raw, ok := fields["poll"]; ok && !isNull(raw) {
		st.hasPoll, st.poll = true, raw
	}
	if raw, ok := fields["nonce"]; ok && !isNull(raw) {
		st.nonce = raw
		var str string
		if json.Unmarshal(raw, &str) == nil && len(str) > 25 {
			errs = append(errs, fieldError{"nonce", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."})
		}
	}
	if raw, ok := fields["enforce_nonce"]; ok && !isNull(raw) {
		json.Unmarshal(raw, &st.enforceNonce)
	}
	if raw, ok := fields["attachments"]; ok && !isNull(raw) {
		var keep []struct {
			ID json.RawMessage `json:"id"`
		}
		json.Unmarshal(raw, &keep)
		kept := []any{}
		for _, a := range st.attachments {
			am := a.(map[string]any)
			for _, k := range keep {
				if strings.Trim(string(k.ID), `"`) == am["id"] {
					kept = append(kept, a)
				}
			}
		}
		st.attachments = kept
	}
	return errs
}

// validateMessage checks a message against Discord's limits.
func validateMessage(st *messageState) []fieldError {
	var errs []fieldError
	maxLen(&errs, "content", st.content, 2000)
	if len(st.embeds) > 10 {
		errs = append(errs, fieldError{"embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."})
	}
	total := 0
	for i, raw := range st.embeds {
		var e struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			Fields      []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"fields"`
			Footer *struct {
				Text string `json:"text"`
			} `json:"footer"`
			Author *struct {
				Name string `json:"name"`
			} `json:"author"`
		}
		p := "embeds." + strconv.Itoa(i)
		if json.Unmarshal(raw, &e) != nil {
			errs = append(errs, fieldError{p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"})
			continue
		}
		maxLen(&errs, p+".title", e.Title, 256)
		maxLen(&errs, p+".description", e.Description, 4096)
		total += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		if len(e.Fields) > 25 {
			errs = append(errs, fieldError{p + ".fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."})
		}
		for j, fl := range e.Fields {
			fp := p + ".fields." + strconv.Itoa(j)
			if fl.Name == "" {
				errs = append(errs, fieldError{fp + ".name", "BASE_TYPE_REQUIRED", "This field is required"})
			}
			if fl.Value == "" {
				errs = append(errs, fieldError{fp + ".value", "BASE_TYPE_REQUIRED", "This field is required"})
			}
			maxLen(&errs, fp+".name", fl.Name, 256)
			maxLen(&errs, fp+".value", fl.Value, 1024)
			total += utf8.RuneCountInString(fl.Name) + utf8.RuneCountInString(fl.Value)
		}
		if e.Footer != nil {
			maxLen(&errs, p+".footer.text", e.Footer.Text, 2048)
			total += utf8.RuneCountInString(e.Footer.Text)
		}
		if e.Author != nil {
			maxLen(&errs, p+".author.name", e.Author.Name, 256)
			total += utf8.RuneCountInString(e.Author.Name)
		}
	}
	if total > 6000 {
		errs = append(errs, fieldError{"embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"})
	}
	if st.flags&int64(discordgo.MessageFlagsIsComponentsV2) == 0 {
		errs = append(errs, validateComponents(st.components)...)
	}
	errs = append(errs, validateAllowedMentions(st.allowed)...)
	return errs
}

// emptyMessage reports whether Discord would refuse the message as empty
// (code 50006).
func emptyMessage(st *messageState) bool {
	return st.content == "" && len(st.embeds) == 0 && len(st.components) == 0 &&
		len(st.attachments) == 0 && !st.hasSticker && !st.hasPoll
}

// wireComponent is the subset of a component the fake checks.
type wireComponent struct {
	Type        int             `json:"type"`
	CustomID    string          `json:"custom_id"`
	Label       string          `json:"label"`
	Style       int             `json:"style"`
	URL         string          `json:"url"`
	SKUID       string          `json:"sku_id"`
	Disabled    bool            `json:"disabled"`
	Placeholder string          `json:"placeholder"`
	MinValues   *int            `json:"min_values"`
	MaxValues   *int            `json:"max_values"`
	MinLength   *int            `json:"min_length"`
	MaxLength   *int            `json:"max_length"`
	Required    *bool           `json:"required"`
	Options     []selectOption  `json:"options"`
	Components  []wireComponent `json:"components"`
	Component   *wireComponent  `json:"component"`
}

type selectOption struct {
	Label       string `json:"label"`
	Value       string `json:"value"`
	Description string `json:"description"`
}

func isSelect(t int) bool { return t == 3 || (t >= 5 && t <= 8) }

// validateComponents checks legacy (non-V2) message components: at most 5
// action rows, each with up to 5 buttons or exactly one select menu, and
// unique custom ids within the message.
func validateComponents(raws []json.RawMessage) []fieldError {
	var errs []fieldError
	if len(raws) > 5 {
		errs = append(errs, fieldError{"components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length."})
	}
	seen := map[string]bool{}
	for i, raw := range raws {
		p := "components." + strconv.Itoa(i)
		var row wireComponent
		if json.Unmarshal(raw, &row) != nil {
			errs = append(errs, fieldError{p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"})
			continue
		}
		if row.Type != 1 {
			errs = append(errs, fieldError{p + ".type", "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (1,)."})
			continue
		}
		if len(row.Components) == 0 {
			errs = append(errs, fieldError{p + ".components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."})
		}
		buttons, selects := 0, 0
		for j, c := range row.Components {
			cp := p + ".components." + strconv.Itoa(j)
			switch {
			case c.Type == 2:
				buttons++
				errs = append(errs, validateButton(cp, c)...)
			case isSelect(c.Type):
				selects++
				errs = append(errs, validateSelect(cp, c)...)
			default:
				errs = append(errs, fieldError{cp + ".type", "UNION_TYPE_CHOICES", fmt.Sprintf("Component type %d is not allowed in an action row of a message.", c.Type)})
			}
			if c.CustomID != "" {
				if seen[c.CustomID] {
					errs = append(errs, fieldError{cp + ".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"})
				}
				seen[c.CustomID] = true
			}
		}
		if buttons > 5 {
			errs = append(errs, fieldError{p + ".components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length."})
		}
		if selects > 1 || (selects == 1 && buttons > 0) {
			errs = append(errs, fieldError{p + ".components", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width"})
		}
	}
	return errs
}

func validateButton(p string, c wireComponent) []fieldError {
	var errs []fieldError
	maxLen(&errs, p+".label", c.Label, 80)
	switch {
	case c.Style < 1 || c.Style > 6:
		errs = append(errs, fieldError{p + ".style", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}."})
	case c.Style == 5:
		if c.URL == "" {
			errs = append(errs, fieldError{p + ".url", "BUTTON_COMPONENT_URL_REQUIRED", "A url is required"})
		}
		if c.CustomID != "" {
			errs = append(errs, fieldError{p + ".custom_id", "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A custom id cannot be specified"})
		}
	case c.Style == 6:
		if c.SKUID == "" {
			errs = append(errs, fieldError{p + ".sku_id", "BASE_TYPE_REQUIRED", "This field is required"})
		}
	default:
		if c.CustomID == "" {
			errs = append(errs, fieldError{p + ".custom_id", "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "A custom id is required"})
		}
		if c.URL != "" {
			errs = append(errs, fieldError{p + ".url", "BUTTON_COMPONENT_URL_NOT_ALLOWED", "A url cannot be specified"})
		}
	}
	maxLen(&errs, p+".custom_id", c.CustomID, 100)
	return errs
}

func validateSelect(p string, c wireComponent) []fieldError {
	var errs []fieldError
	if c.CustomID == "" {
		errs = append(errs, fieldError{p + ".custom_id", "BASE_TYPE_REQUIRED", "This field is required"})
	}
	maxLen(&errs, p+".custom_id", c.CustomID, 100)
	maxLen(&errs, p+".placeholder", c.Placeholder, 150)
	minV, maxV := 1, 1
	if c.MinValues != nil {
		minV = *c.MinValues
	}
	if c.MaxValues != nil {
		maxV = *c.MaxValues
	}
	if minV < 0 || minV > 25 {
		errs = append(errs, fieldError{p + ".min_values", "NUMBER_TYPE_MAX", "int value should be between 0 and 25."})
	}
	if maxV < 1 || maxV > 25 || maxV < minV {
		errs = append(errs, fieldError{p + ".max_values", "NUMBER_TYPE_MAX", "int value should be between 1 and 25 and not below min_values."})
	}
	if c.Type != 3 {
		return errs
	}
	if len(c.Options) == 0 || len(c.Options) > 25 {
		errs = append(errs, fieldError{p + ".options", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."})
	}
	if maxV > len(c.Options) && len(c.Options) > 0 {
		errs = append(errs, fieldError{p + ".max_values", "SELECT_COMPONENT_MAX_VALUES_EXCEEDS_OPTIONS", "max_values must be less than or equal to the number of options"})
	}
	values := map[string]bool{}
	for k, o := range c.Options {
		op := p + ".options." + strconv.Itoa(k)
		if o.Label == "" {
			errs = append(errs, fieldError{op + ".label", "BASE_TYPE_REQUIRED", "This field is required"})
		}
		if o.Value == "" {
			errs = append(errs, fieldError{op + ".value", "BASE_TYPE_REQUIRED", "This field is required"})
		}
		maxLen(&errs, op+".label", o.Label, 100)
		maxLen(&errs, op+".value", o.Value, 100)
		maxLen(&errs, op+".description", o.Description, 100)
		if values[o.Value] {
			errs = append(errs, fieldError{op + ".value", "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Select component option values must be unique"})
		}
		values[o.Value] = true
	}
	return errs
}

// allowedMentions is allowed_mentions as Discord reads it.
type allowedMentions struct {
	Parse       []string `json:"parse"`
	Users       []string `json:"users"`
	Roles       []string `json:"roles"`
	RepliedUser bool     `json:"replied_user"`
}

func validateAllowedMentions(raw json.RawMessage) []fieldError {
	if raw == nil {
		return nil
	}
	var am allowedMentions
	if err := json.Unmarshal(raw, &am); err != nil {
		return []fieldError{{"allowed_mentions", "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"}}
	}
	var errs []fieldError
	for i, p := range am.Parse {
		if p != "users" && p != "roles" && p != "everyone" {
			errs = append(errs, fieldError{"allowed_mentions.parse." + strconv.Itoa(i), "BASE_TYPE_CHOICES", "Value must be one of ('roles', 'users', 'everyone')."})
		}
	}
	if slices.Contains(am.Parse, "users") && len(am.Users) > 0 {
		errs = append(errs, fieldError{"allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["users"] and users: [ids...] are mutually exclusive.`})
	}
	if slices.Contains(am.Parse, "roles") && len(am.Roles) > 0 {
		errs = append(errs, fieldError{"allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["roles"] and roles: [ids...] are mutually exclusive.`})
	}
	if len(am.Users) > 100 {
		errs = append(errs, fieldError{"allowed_mentions.users", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."})
	}
	if len(am.Roles) > 100 {
		errs = append(errs, fieldError{"allowed_mentions.roles", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length."})
	}
	return errs
}

// attachFilesLocked turns uploaded files into attachment objects, applying
// the description and filename of matching entries in the body's
// attachments array.
func (f *Fake) attachFilesLocked(channelID string, body json.RawMessage, files []File, st *messageState) {
	var meta struct {
		Attachments []struct {
			ID          json.RawMessage `json:"id"`
			Filename    string          `json:"filename"`
			Description string          `json:"description"`
		} `json:"attachments"`
	}
	if body != nil {
		json.Unmarshal(body, &meta)
	}
	for i, file := range files {
		id := f.NewID()
		name := file.Name
		a := map[string]any{
			"id":           id,
			"size":         len(file.Data),
			"content_type": nullable(file.ContentType),
		}
		for _, m := range meta.Attachments {
			if strings.Trim(string(m.ID), `"`) == strconv.Itoa(i) {
				if m.Filename != "" {
					name = m.Filename
				}
				if m.Description != "" {
					a["description"] = m.Description
				}
			}
		}
		a["filename"] = name
		a["url"] = "https://cdn.discordapp.com/attachments/" + channelID + "/" + id + "/" + name
		a["proxy_url"] = "https://media.discordapp.net/attachments/" + channelID + "/" + id + "/" + name
		st.attachments = append(st.attachments, a)
	}
}

// messageOpts are what a message's origin adds to it.
type messageOpts struct {
	typ           int
	webhookID     string
	interactionID string
	metadata      map[string]any
	// loading marks a deferred interaction response ("is thinking...").
	loading bool
}

// createMessageLocked stores a new message and dispatches MESSAGE_CREATE
// (unless it is ephemeral: those only reach the interaction's user).
func (f *Fake) createMessageLocked(cs *channelState, author *discordgo.User, st *messageState, files []File, opts messageOpts) *storedMessage {
	m := &storedMessage{
		id:            f.NewID(),
		channelID:     cs.ch.ID,
		guildID:       cs.ch.GuildID,
		authorID:      author.ID,
		allowed:       st.allowed,
		files:         append([]File(nil), files...),
		interactionID: opts.interactionID,
	}
	if st.reference != nil {
		var ref struct {
			MessageID string `json:"message_id"`
		}
		json.Unmarshal(st.reference, &ref)
		if r := f.messages[ref.MessageID]; r != nil && !r.deleted {
			m.refAuthor = r.authorID
		}
	}
	flags := st.flags
	if opts.loading {
		flags |= int64(discordgo.MessageFlagsLoading)
	}
	obj := map[string]any{
		"id":               m.id,
		"channel_id":       cs.ch.ID,
		"author":           userJSON(author),
		"timestamp":        timestamp(time.Now()),
		"edited_timestamp": nil,
		"tts":              st.tts,
		"pinned":           false,
		"type":             opts.typ,
		"flags":            flags,
		"reactions":        []any{},
	}
	if m.guildID != "" {
		obj["guild_id"] = m.guildID
	}
	if opts.webhookID != "" {
		obj["webhook_id"] = opts.webhookID
		obj["application_id"] = f.cfg.appID
	}
	if opts.metadata != nil {
		obj["interaction_metadata"] = opts.metadata
		obj["interaction"] = map[string]any{
			"id":   opts.metadata["id"],
			"type": opts.metadata["type"],
			"name": opts.metadata["name"],
			"user": opts.metadata["user"],
		}
		delete(obj["interaction_metadata"].(map[string]any), "name")
	}
	if st.nonce != nil {
		obj["nonce"] = st.nonce
	}
	if st.reference != nil {
		var ref map[string]any
		json.Unmarshal(st.reference, &ref)
		ref["channel_id"] = cs.ch.ID
		if m.guildID != "" {
			ref["guild_id"] = m.guildID
		}
		ref["type"] = 0
		delete(ref, "fail_if_not_exists")
		obj["message_reference"] = ref
		if id, _ := ref["message_id"].(string); f.messages[id] != nil {
			referenced := map[string]any{}
			for k, v := range f.messages[id].obj {
				if k != "referenced_message" {
					referenced[k] = v
				}
			}
			obj["referenced_message"] = referenced
		}
	}
	m.obj = obj
	f.applyStateLocked(m, st)
	f.messages[m.id] = m
	f.channelMsgs[cs.ch.ID] = append(f.channelMsgs[cs.ch.ID], m.id)
	cs.ch.LastMessageID = m.id
	if isThread(cs.ch.Type) {
		cs.ch.MessageCount++
	}
	if flags&int64(discordgo.MessageFlagsEphemeral) == 0 {
		f.dispatchMessageLocked("MESSAGE_CREATE", m)
	}
	f.touchChannelLocked(cs.ch.ID)
	f.notifyLocked()
	return m
}

// applyStateLocked writes the editable fields and the mentions they imply.
func (f *Fake) applyStateLocked(m *storedMessage, st *messageState) {
	m.allowed = st.allowed
	m.obj["content"] = st.content
	m.obj["embeds"] = nonNil(st.embeds)
	m.obj["components"] = nonNil(st.components)
	m.obj["attachments"] = append([]any{}, st.attachments...)
	m.obj["tts"] = st.tts
	flags, _ := m.obj["flags"].(int64)
	m.obj["flags"] = flags&^messageFlagsSettable | st.flags&messageFlagsSettable
	if st.hasPoll {
		m.obj["poll"] = st.poll
	}
	users, roles, everyone := f.pingLocked(m, false)
	mentions := []any{}
	for _, id := range users {
		if u := f.users[id]; u != nil {
			mentions = append(mentions, userJSON(u))
		}
	}
	m.obj["mentions"] = mentions
	m.obj["mention_roles"] = append([]string{}, roles...)
	m.obj["mention_everyone"] = everyone
}

func nonNil(raws []json.RawMessage) []json.RawMessage {
	if raws == nil {
		return []json.RawMessage{}
	}
	return raws
}

// stateOf reads a stored message's editable fields back.
func stateOf(m *storedMessage) *messageState {
	st := &messageState{allowed: m.allowed}
	st.content, _ = m.obj["content"].(string)
	st.embeds, _ = m.obj["embeds"].([]json.RawMessage)
	st.components, _ = m.obj["components"].([]json.RawMessage)
	st.attachments, _ = m.obj["attachments"].([]any)
	st.flags, _ = m.obj["flags"].(int64)
	st.tts, _ = m.obj["tts"].(bool)
	return st
}

// editMessageLocked applies an edit body (and new files) to a message and
// dispatches MESSAGE_UPDATE. It answers a 400 response when the result
// breaks Discord's limits.
func (f *Fake) editMessageLocked(m *storedMessage, body json.RawMessage, files []File) *response {
	st := stateOf(m)
	// allowed_mentions applies to the request it comes with; an edit without
	// one gets Discord's default (parse everything), like a new message.
	st.allowed = nil
	errs := parseMessageFields(body, st)
	f.attachFilesLocked(m.channelID, body, files, st)
	errs = append(errs, validateMessage(st)...)
	if len(errs) > 0 {
		r := invalidForm(errs)
		return &r
	}
	if emptyMessage(st) {
		r := apiError(http.StatusBadRequest, 50006, "Cannot send an empty message")
		return &r
	}
	m.files = append(m.files, files...)
	f.applyStateLocked(m, st)
	flags, _ := m.obj["flags"].(int64)
	m.obj["flags"] = flags &^ int64(discordgo.MessageFlagsLoading)
	m.obj["edited_timestamp"] = timestamp(time.Now())
	if flags&int64(discordgo.MessageFlagsEphemeral) == 0 {
		f.dispatchMessageLocked("MESSAGE_UPDATE", m)
	}
	f.touchChannelLocked(m.channelID)
	f.notifyLocked()
	return nil
}

func (f *Fake) deleteMessageLocked(m *storedMessage) {
	m.deleted = true
	f.touchChannelLocked(m.channelID)
	if ids := f.channelMsgs[m.channelID]; ids != nil {
		f.channelMsgs[m.channelID] = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == m.id })
	}
	flags, _ := m.obj["flags"].(int64)
	if flags&int64(discordgo.MessageFlagsEphemeral) != 0 {
		return
	}
	intent := discordgo.IntentGuildMessages
	if m.guildID == "" {
		intent = discordgo.IntentDirectMessages
	}
	f.dispatchLocked("MESSAGE_DELETE", m.guildID, intent, func(*gwSession) any {
		d := map[string]any{"id": m.id, "channel_id": m.channelID}
		if m.guildID != "" {
			d["guild_id"] = m.guildID
		}
		return d
	})
	f.notifyLocked()
}

// dispatchMessageLocked sends MESSAGE_CREATE or MESSAGE_UPDATE. Without the
// MESSAGE_CONTENT intent a guild message's content, embeds, attachments and
// components arrive empty, unless the bot wrote it or is mentioned in it.
func (f *Fake) dispatchMessageLocked(typ string, m *storedMessage) {
	intent := discordgo.IntentGuildMessages
	if m.guildID == "" {
		intent = discordgo.IntentDirectMessages
	}
	f.dispatchLocked(typ, m.guildID, intent, func(s *gwSession) any {
		d := make(map[string]any, len(m.obj)+1)
		for k, v := range m.obj {
			d[k] = v
		}
		if gs := f.guilds[m.guildID]; gs != nil {
			if mem := gs.members[m.authorID]; mem != nil && d["webhook_id"] == nil {
				d["member"] = memberJSON(gs, mem, f.users, false)
			}
		}
		mentioned := false
		for _, u := range d["mentions"].([]any) {
			if u.(map[string]any)["id"] == f.bot.ID {
				mentioned = true
			}
		}
		if m.guildID != "" && m.authorID != f.bot.ID && !mentioned && s.intents&discordgo.IntentMessageContent == 0 {
			d["content"] = ""
			d["embeds"] = []any{}
			d["attachments"] = []any{}
			d["components"] = []any{}
			delete(d, "poll")
		}
		return d
	})
}

// messageSnapshot is a stored message as it stood, taken under the fake's
// lock; decode turns it into what tests see without holding the lock.
type messageSnapshot struct {
	raw     []byte
	files   []File
	allowed json.RawMessage
}

func snapshotLocked(m *storedMessage) messageSnapshot {
	raw, err := json.Marshal(m.obj)
	if err != nil {
		panic("discordtest: marshal message: " + err.Error())
	}
	s := messageSnapshot{raw: raw, files: append([]File(nil), m.files...)}
	if m.allowed != nil {
		s.allowed = append(json.RawMessage{}, m.allowed...)
	}
	return s
}

func (s messageSnapshot) decode() Message {
	out := Message{JSON: s.raw, Files: s.files}
	if err := json.Unmarshal(s.raw, &out.Message); err != nil {
		// Components discordgo cannot decode: keep the rest.
		var obj map[string]json.RawMessage
		json.Unmarshal(s.raw, &obj)
		delete(obj, "components")
		raw2, _ := json.Marshal(obj)
		json.Unmarshal(raw2, &out.Message)
	}
	if s.allowed != nil {
		out.AllowedMentionsJSON = s.allowed
		var am discordgo.MessageAllowedMentions
		if json.Unmarshal(s.allowed, &am) == nil {
			out.AllowedMentions = &am
		}
	}
	return out
}

// publicMessage converts a stored message to what tests see.
func (f *Fake) publicMessage(m *storedMessage) Message { return snapshotLocked(m).decode() }

// Messages returns the messages of a channel, oldest first, as they now
// stand after edits; deleted messages are left out, ephemeral ones are in
// (see Message.Ephemeral).
func (f *Fake) Messages(channelID string) []Message {
	return f.MessagesAfter(channelID, "")
}

// MessagesAfter returns the messages of a channel whose ids come after
// afterID (all of them for ""), oldest first, as Messages does. Like
// Discord's GET /channels/{id}/messages?after=, it lets a test that waits
// for a reply look only at what came after its own message.
func (f *Fake) MessagesAfter(channelID, afterID string) []Message {
	after := uint64(0)
	if afterID != "" {
		after, _ = strconv.ParseUint(afterID, 10, 64)
	}
	// Decoding is the costly part and needs no lock: many tests' waiters
	// reading at once must not hold up the bot's requests.
	f.mu.Lock()
	var snaps []messageSnapshot
	for _, id := range f.channelMsgs[channelID] {
		if n, _ := strconv.ParseUint(id, 10, 64); n > after {
			snaps = append(snaps, snapshotLocked(f.messages[id]))
		}
	}
	f.mu.Unlock()
	var out []Message
	for _, s := range snaps {
		out = append(out, s.decode())
	}
	return out
}

// Message returns one message by id, deleted or not.
func (f *Fake) Message(id string) (Message, bool) {
	f.mu.Lock()
	m := f.messages[id]
	if m == nil {
		f.mu.Unlock()
		return Message{}, false
	}
	s := snapshotLocked(m)
	f.mu.Unlock()
	return s.decode(), true
}

// DMs returns the messages of the DM channel between the bot and a user,
// from both sides, oldest first.
func (f *Fake) DMs(userID string) []Message {
	f.mu.Lock()
	id, ok := f.dmByUser[userID]
	f.mu.Unlock()
	if !ok {
		return nil
	}
	return f.Messages(id)
}

// BotMessages returns the messages the bot wrote in a channel (including
// interaction responses and followups), oldest first.
func (f *Fake) BotMessages(channelID string) []Message {
	var out []Message
	for _, m := range f.Messages(channelID) {
		if m.Author != nil && m.Author.ID == f.bot.ID {
			out = append(out, m)
		}
	}
	return out
}

// WaitBotMessages waits until the bot has at least n messages in a channel
// and returns them.
func (f *Fake) WaitBotMessages(ctx context.Context, channelID string, n int) ([]Message, error) {
	var out []Message
	err := f.WaitForChannel(ctx, channelID, func() bool {
		out = f.BotMessages(channelID)
		return len(out) >= n
	})
	return out, err
}

// WaitDMs waits until the bot has sent at least n messages to a user's DM
// channel and returns the bot's messages there.
func (f *Fake) WaitDMs(ctx context.Context, userID string, n int) ([]Message, error) {
	var out []Message
	err := f.WaitFor(ctx, func() bool {
		out = out[:0]
		for _, m := range f.DMs(userID) {
			if m.Author != nil && m.Author.ID == f.bot.ID {
				out = append(out, m)
			}
		}
		return len(out) >= n
	})
	return out, err
}

// SendDM injects a DM from a user to the bot, as MESSAGE_CREATE in their DM
// channel (no guild_id; sessions need the DIRECT_MESSAGES intent), and
// returns the message id. Unknown users are created.
func (f *Fake) SendDM(userID, text string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	cs := f.dmChannelLocked(userID)
	st := &messageState{content: text}
	return f.createMessageLocked(cs, f.userLocked(userID), st, nil, messageOpts{}).id
}

// SendMessage injects a message a guild member writes in a guild channel or
// thread and returns its id. Sessions need GUILD_MESSAGES, and
// MESSAGE_CONTENT to see its content unless it mentions the bot.
func (f *Fake) SendMessage(channelID, userID, text string) string {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	cs := f.channels[channelID]
	if cs == nil || cs.ch.GuildID == "" {
		f.t.Fatalf("discordtest: SendMessage: %s is not a guild channel", channelID)
	}
	if f.guilds[cs.ch.GuildID].members[userID] == nil {
		f.t.Fatalf("discordtest: SendMessage: user %s is not a member of guild %s", userID, cs.ch.GuildID)
	}
	st := &messageState{content: text}
	return f.createMessageLocked(cs, f.users[userID], st, nil, messageOpts{}).id
}

// channelForSendLocked checks that the bot may post in a channel, answering
// Discord's error when it may not.
func (f *Fake) channelForSendLocked(channelID string, withFiles bool) (*channelState, *response) {
	cs := f.channels[channelID]
	if cs == nil {
		r := apiError(http.StatusNotFound, 10003, "Unknown Channel")
		return nil, &r
	}
	switch cs.ch.Type {
	case discordgo.ChannelTypeDM:
		if f.dmClosed[cs.recipientID] {
			r := apiError(http.StatusForbidden, 50007, "Cannot send messages to this user")
			return nil, &r
		}
		return cs, nil
	case discordgo.ChannelTypeGuildCategory, discordgo.ChannelTypeGuildForum:
		r := apiError(http.StatusBadRequest, 50008, "Cannot send messages in a non-text channel")
		return nil, &r
	}
	perms := f.permissionsLocked(cs.ch.GuildID, cs.ch.ID, f.bot.ID)
	if perms&discordgo.PermissionViewChannel == 0 {
		r := apiError(http.StatusForbidden, 50001, "Missing Access")
		return nil, &r
	}
	need := int64(discordgo.PermissionSendMessages)
	if isThread(cs.ch.Type) {
		need = discordgo.PermissionSendMessagesInThreads
		if md := cs.ch.ThreadMetadata; md != nil && (md.Locked || md.Archived) && perms&discordgo.PermissionManageThreads == 0 {
			r := apiError(http.StatusBadRequest, 50083, "Thread is archived")
			return nil, &r
		}
	}
	if withFiles {
		need |= discordgo.PermissionAttachFiles
	}
	if perms&need != need {
		r := apiError(http.StatusForbidden, 50013, "Missing Permissions")
		return nil, &r
	}
	return cs, nil
}

// messageFromRequestLocked parses and checks a new message's body.
func (f *Fake) messageFromRequestLocked(channelID string, req *apiRequest, allowEphemeral bool) (*messageState, *response) {
	st := &messageState{}
	errs := parseMessageFields(req.body, st)
	if !allowEphemeral {
		st.flags &^= int64(discordgo.MessageFlagsEphemeral)
	}
	if len(req.files) > 10 {
		errs = append(errs, fieldError{"files", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."})
	}
	f.attachFilesLocked(channelID, req.body, req.files, st)
	errs = append(errs, validateMessage(st)...)
	if st.reference != nil {
		var ref struct {
			MessageID       string `json:"message_id"`
			FailIfNotExists *bool  `json:"fail_if_not_exists"`
		}
		json.Unmarshal(st.reference, &ref)
		if m := f.messages[ref.MessageID]; (m == nil || m.deleted || m.channelID != channelID) && (ref.FailIfNotExists == nil || *ref.FailIfNotExists) {
			errs = append(errs, fieldError{"message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"})
		}
	}
	if len(errs) > 0 {
		r := invalidForm(errs)
		return nil, &r
	}
	if emptyMessage(st) {
		r := apiError(http.StatusBadRequest, 50006, "Cannot send an empty message")
		return nil, &r
	}
	return st, nil
}

func (f *Fake) postMessage(req *apiRequest) response {
	cs, errResp := f.channelForSendLocked(req.params["channel"], len(req.files) > 0)
	if errResp != nil {
		return *errResp
	}
	st, errResp := f.messageFromRequestLocked(cs.ch.ID, req, false)
	if errResp != nil {
		return *errResp
	}
	typ := 0
	if st.reference != nil {
		typ = 19
	}
	var nonceKey string
	if st.enforceNonce && st.nonce != nil {
		nonceKey = f.bot.ID + "\x00" + string(st.nonce)
		if seen, ok := f.nonces[nonceKey]; ok && req.now.Sub(seen.at) < nonceWindow {
			if m := f.messages[seen.messageID]; m != nil && !m.deleted {
				return jsonResponse(http.StatusOK, m.obj)
			}
		}
	}
	m := f.createMessageLocked(cs, &f.bot, st, req.files, messageOpts{typ: typ})
	if nonceKey != "" {
		f.nonces[nonceKey] = nonceUse{messageID: m.id, at: req.now}
	}
	return jsonResponse(http.StatusOK, m.obj)
}

// nonceWindow is how long Discord remembers an enforced nonce: "the past few minutes" in its documentation
// (Create Message, enforce_nonce); the fake takes five.
const nonceWindow = 5 * time.Minute

// nonceUse is the message an enforced nonce created, and when.
type nonceUse struct {
	messageID string
	at        time.Time
}

// channelMessageLocked finds a live message in a channel.
func (f *Fake) channelMessageLocked(channelID, messageID string) (*storedMessage, *response) {
	if f.channels[channelID] == nil {
		r := apiError(http.StatusNotFound, 10003, "Unknown Channel")
		return nil, &r
	}
	m := f.messages[messageID]
	if m == nil || m.deleted || m.channelID != channelID {
		r := apiError(http.StatusNotFound, 10008, "Unknown Message")
		return nil, &r
	}
	return m, nil
}

func (f *Fake) getMessage(req *apiRequest) response {
	m, errResp := f.channelMessageLocked(req.params["channel"], req.params["message"])
	if errResp != nil {
		return *errResp
	}
	return jsonResponse(http.StatusOK, m.obj)
}

func (f *Fake) listMessages(req *apiRequest) response {
	cs := f.channels[req.params["channel"]]
	if cs == nil {
		return apiError(http.StatusNotFound, 10003, "Unknown Channel")
	}
	limit := 50
	if n, err := strconv.Atoi(req.query.Get("limit")); err == nil && n >= 1 && n <= 100 {
		limit = n
	}
	out := []any{}
	ids := f.channelMsgs[cs.ch.ID]
	for i := len(ids) - 1; i >= 0 && len(out) < limit; i-- {
		m := f.messages[ids[i]]
		if fl, _ := m.obj["flags"].(int64); fl&int64(discordgo.MessageFlagsEphemeral) == 0 {
			out = append(out, m.obj)
		}
	}
	return jsonResponse(http.StatusOK, out)
}

func (f *Fake) editMessage(req *apiRequest) response {
	m, errResp := f.channelMessageLocked(req.params["channel"], req.params["message"])
	if errResp != nil {
		return *errResp
	}
	if m.authorID != f.bot.ID {
		return apiError(http.StatusForbidden, 50005, "Cannot edit a message authored by another user")
	}
	if errResp := f.editMessageLocked(m, req.body, req.files); errResp != nil {
		return *errResp
	}
	return jsonResponse(http.StatusOK, m.obj)
}

func (f *Fake) deleteMessage(req *apiRequest) response {
	m, errResp := f.channelMessageLocked(req.params["channel"], req.params["message"])
	if errResp != nil {
		return *errResp
	}
	if m.authorID != f.bot.ID {
		cs := f.channels[m.channelID]
		if cs.ch.GuildID == "" {
			return apiError(http.StatusForbidden, 50003, "Cannot execute action on a DM channel")
		}
		if f.permissionsLocked(cs.ch.GuildID, cs.ch.ID, f.bot.ID)&discordgo.PermissionManageMessages == 0 {
			return apiError(http.StatusForbidden, 50013, "Missing Permissions")
		}
	}
	f.deleteMessageLocked(m)
	return noContent()
}

func (f *Fake) createDM(req *apiRequest) response {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if req.body == nil || json.Unmarshal(req.body, &body) != nil || body.RecipientID == "" {
		return invalidForm([]fieldError{{"recipient_id", "BASE_TYPE_REQUIRED", "This field is required"}})
	}
	if f.users[body.RecipientID] == nil {
		return apiError(http.StatusNotFound, 10013, "Unknown User")
	}
	cs := f.dmChannelLocked(body.RecipientID)
	return jsonResponse(http.StatusOK, channelJSON(cs.ch, f.users))
}
