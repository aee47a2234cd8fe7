package bot

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// Discord's limits (https://discord.com/developers/docs/resources/message, .../interactions/message-components).
const (
	maxContent        = 2000
	maxRows           = 5
	maxButtonsPerRow  = 5
	maxButtonLabel    = 80
	maxSelectOptions  = 25
	maxSelectLabel    = 100
	maxSelectValue    = 100
	maxSelectDesc     = 100
	maxCustomID       = 100
	maxEmbedTitle     = 256
	maxEmbedDesc      = 4096
	maxEmbedFields    = 25
	maxFieldName      = 256
	maxFieldValue     = 1024
	maxEmbedFooter    = 2048
	maxEmbedTotal     = 6000
	maxModalTitle     = 45
	maxTextInputLabel = 45
	maxPlaceholder    = 100
)

// ellipsis marks text the bot cut to fit a limit, so a reader knows there was more.
const ellipsis = "…"

// truncate cuts s to at most n characters (runes, as Discord counts), ending a cut text with ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " \n") + ellipsis
}

// splitContent splits text into messages of at most maxContent characters, at line breaks where it can, so
// that a long crisis response or summary arrives whole rather than cut. A single line longer than a message is
// cut with the ellipsis.
func splitContent(text string) []string {
	if utf8.RuneCountInString(text) <= maxContent {
		return []string{text}
	}
	var out []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if s := strings.TrimRight(cur.String(), "\n"); strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
		cur.Reset()
		curLen = 0
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		n := utf8.RuneCountInString(line)
		if n > maxContent {
			flush()
			out = append(out, truncate(strings.TrimRight(line, "\n"), maxContent))
			continue
		}
		if curLen+n > maxContent {
			flush()
		}
		cur.WriteString(line)
		curLen += n
	}
	flush()
	return out
}

// noMentions lets nothing in a message ping anyone: Discord reads "parse": [] as "no mention types".
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// defang breaks mention syntax in text a member wrote (@everyone, <@id>, <@&id>) with a zero-width space, so it
// shows as written but can never become a mention, wherever it is later shown.
func defang(s string) string {
	return strings.ReplaceAll(s, "@", "@\u200b")
}

// Custom ids. Every component the bot sends carries one of these, and the router dispatches on them:
//
//	fc:c:<state>|<choice>   a choice button; <state> is the question's flows.Message.State
//	fc:m:<state>|<n>        a select menu of choices (the n-th of the question); values are choice ids
//	fc:t                    "Type my answer": opens the answer modal (intake in ephemeral messages)
//	fc:modal                the answer modal; its text input is "answer"
//	fc:g:<server id>        a community button; "fc:g" is the community select menu (values are server ids)
//	fc:f:yes, fc:f:no       /privacy forget confirmation
//	fc:h:<action>:<ref>     a moderator action on a handoff card (claim, resolve, note, block) or in its relay
//	                        thread (write)
//	fc:hm:<action>:<ref>    the form a moderator action opens (resolve: outcome and note; note; write: message)
const (
	idPrefix      = "fc:"
	idChoice      = "fc:c:"
	idSelect      = "fc:m:"
	idType        = "fc:t"
	idModal       = "fc:modal"
	idCommunity   = "fc:g"
	idForgetYes   = "fc:f:yes"
	idForgetNo    = "fc:f:no"
	idHandoff     = "fc:h:"
	modalAnswerID = "answer"
)

// parseStateID splits the "<state>|<rest>" tail of a choice or select custom id.
func parseStateID(tail string) (state, rest string, ok bool) {
	i := strings.LastIndexByte(tail, '|')
	if i < 0 {
		return "", "", false
	}
	return tail[:i], tail[i+1:], true
}

// Prompt kinds.
const (
	promptQuestion  = "q"
	promptCommunity = "g"
)

// prompt is a message's interactive part: enough to draw its components again, disabled, once answered.
type prompt struct {
	Kind    string         `json:"k"`
	State   string         `json:"s,omitempty"`
	Choices []flows.Choice `json:"c,omitempty"`
	Multi   bool           `json:"m,omitempty"`
	// Typed adds a button that opens a modal for a typed answer (members whose DMs are closed cannot type to
	// the bot).
	Typed bool `json:"t,omitempty"`
}

// questionPrompt returns the prompt for an engine message, or nil when it has nothing to click.
func questionPrompt(m flows.Message, typed bool) *prompt {
	if len(m.Choices) == 0 && !(typed && m.Waiting && !m.Done) {
		return nil
	}
	if strings.Contains(m.State, "|") {
		// Not expressible in a custom id; typing still works.
		if !typed {
			return nil
		}
		return &prompt{Kind: promptQuestion, Typed: true}
	}
	return &prompt{Kind: promptQuestion, State: m.State, Choices: m.Choices, Multi: m.Multi, Typed: typed}
}

// useButtons reports whether choices show as buttons rather than a select menu: a single answer among a few.
func (p *prompt) useButtons() bool { return !p.Multi && len(p.Choices) <= maxButtonsPerRow }

// components draws the prompt. disabled draws it answered, with picked highlighted.
func (p *prompt) components(disabled bool, picked []string) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	isPicked := func(id string) bool {
		for _, x := range picked {
			if x == id {
				return true
			}
		}
		return false
	}
	button := func(customID, label string, id string) discordgo.Button {
		style := discordgo.PrimaryButton
		if disabled {
			style = discordgo.SecondaryButton
			if isPicked(id) {
				style = discordgo.SuccessButton
			}
		}
		return discordgo.Button{CustomID: customID, Label: truncate(label, maxButtonLabel), Style: style, Disabled: disabled}
	}
	switch {
	case len(p.Choices) == 0:
	case p.Kind == promptCommunity && len(p.Choices) <= maxButtonsPerRow:
		var row []discordgo.MessageComponent
		for _, c := range p.Choices {
			row = append(row, button(idCommunity+":"+c.ID, c.Label, c.ID))
		}
		rows = append(rows, discordgo.ActionsRow{Components: row})
	case p.Kind == promptCommunity:
		rows = append(rows, p.selectMenu(idCommunity, p.Choices, false, "Choose the community", disabled, isPicked))
	case p.useButtons():
		var row []discordgo.MessageComponent
		for _, c := range p.Choices {
			id := idChoice + p.State + "|" + c.ID
			if len(id) > maxCustomID {
				continue
			}
			row = append(row, button(id, c.Label, c.ID))
		}
		if len(row) > 0 {
			rows = append(rows, discordgo.ActionsRow{Components: row})
		}
	default:
		placeholder := "Choose one"
		if p.Multi {
			placeholder = "Choose any that fit"
		}
		// Up to four menus of 25, leaving a row for the typing button.
		for n := 0; n*maxSelectOptions < len(p.Choices) && len(rows) < maxRows-1; n++ {
			chunk := p.Choices[n*maxSelectOptions : min(len(p.Choices), (n+1)*maxSelectOptions)]
			id := idSelect + p.State + "|" + strconv.Itoa(n)
			if len(id) > maxCustomID {
				break
			}
			if menu := p.selectMenu(id, chunk, p.Multi, placeholder, disabled, isPicked); menu != nil {
				rows = append(rows, menu)
			}
		}
	}
	if p.Typed {
		label := "Type my answer"
		if len(p.Choices) > 0 {
			label = "Type instead"
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{CustomID: idType, Label: label, Style: discordgo.SecondaryButton, Disabled: disabled},
		}})
	}
	return rows
}

func (p *prompt) selectMenu(customID string, choices []flows.Choice, multi bool, placeholder string, disabled bool, isPicked func(string) bool) discordgo.MessageComponent {
	var opts []discordgo.SelectMenuOption
	for _, c := range choices {
		if c.ID == "" || len(c.ID) > maxSelectValue {
			continue
		}
		opts = append(opts, discordgo.SelectMenuOption{
			Label: truncate(c.Label, maxSelectLabel), Value: c.ID, Default: disabled && isPicked(c.ID),
		})
	}
	if len(opts) == 0 {
		return nil
	}
	one := 1
	maxValues := 1
	if multi {
		maxValues = len(opts)
	}
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{
		CustomID: customID, Placeholder: placeholder, MinValues: &one, MaxValues: maxValues,
		Options: opts, Disabled: disabled,
	}}}
}

// rendered is one Discord message to send.
type rendered struct {
	content    string
	components []discordgo.MessageComponent
	prompt     *prompt
}

// renderMessages turns engine messages into Discord messages: long texts split, components on the last part.
// typed adds the typing button to questions (intake in ephemeral messages).
func renderMessages(msgs []flows.Message, typed bool) []rendered {
	var out []rendered
	for _, m := range msgs {
		p := questionPrompt(m, typed)
		parts := splitContent(m.Text)
		for i, part := range parts {
			r := rendered{content: part}
			if i == len(parts)-1 && p != nil {
				r.components, r.prompt = p.components(false, nil), p
			}
			out = append(out, r)
		}
	}
	return out
}

// dmLink is a link to a member's DM channel with the bot.
func dmLink(channelID string) string { return "https://discord.com/channels/@me/" + channelID }

// messageLink is a link to a message.
func messageLink(guildID, channelID, messageID string) string {
	if guildID == "" {
		guildID = "@me"
	}
	return "https://discord.com/channels/" + guildID + "/" + channelID + "/" + messageID
}
