package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/flows"
)

const (
	textForgetConfirm = "This deletes everything fulcrum keeps about you: your answers, your intake summaries, and any " +
		"handoff, note and message kept for the moderators. Cards already posted to the moderators are emptied and marked as removed at your request. Are you sure?"
	textForgetKept   = "Okay, nothing was deleted."
	textForgetFailed = "I couldn't delete everything just now because my storage isn't answering. Nothing is lost; please try /privacy forget again in a minute."
	textForgetDone   = "Done. I've deleted everything you told me. If you ever want to talk again, just send a message."
	textExport       = "Here is everything fulcrum keeps about you. Only you can see this message."
	textExportFailed = "I can't reach my storage right now. Please try /privacy export again in a minute."
)

// cmdPrivacy handles /privacy export and /privacy forget.
func (b *Bot) cmdPrivacy(ctx context.Context, r *responder) {
	data := r.i.ApplicationCommandData()
	sub := ""
	if len(data.Options) > 0 {
		sub = data.Options[0].Name
	}
	switch sub {
	case "export":
		b.privacyExport(ctx, r)
	case "forget":
		buttons := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{CustomID: idForgetYes, Label: "Delete everything", Style: discordgo.DangerButton},
			discordgo.Button{CustomID: idForgetNo, Label: "Keep it", Style: discordgo.SecondaryButton},
		}}}
		if _, err := r.reply(ctx, textForgetConfirm, buttons); err != nil {
			r.log.Error("ask forget confirmation", "err", err)
		}
	default:
		b.replyText(ctx, r, "Use /privacy export or /privacy forget.")
	}
}

// privacyExport sends the member a file of everything kept about them.
func (b *Bot) privacyExport(ctx context.Context, r *responder) {
	if err := r.deferEphemeral(ctx); err != nil {
		r.log.Error("acknowledge /privacy export", "err", err)
		return
	}
	exp, err := b.st.ExportMember(ctx, sessionID(r.userID()))
	if err != nil {
		r.log.Error("export member", "err", err)
		b.replyText(ctx, r, textExportFailed)
		return
	}
	data, err := json.MarshalIndent(exp, "", "  ")
	if err != nil {
		r.log.Error("encode export", "err", err)
		b.replyText(ctx, r, textExportFailed)
		return
	}
	file := &discordgo.File{Name: "fulcrum-data.json", ContentType: "application/json", Reader: bytes.NewReader(data)}
	if _, err := r.replyFiles(ctx, textExport, nil, []*discordgo.File{file}); err != nil {
		r.log.Error("send export", "err", err)
	}
}

// onForget carries out (or cancels) /privacy forget once the member confirmed.
func (b *Bot) onForget(ctx context.Context, r *responder, confirmed bool) {
	if !confirmed {
		if err := r.update(ctx, textForgetKept, nil); err != nil {
			r.log.Error("answer forget", "err", err)
		}
		return
	}
	sid := sessionID(r.userID())
	var reply flows.Reply
	var herr, ferr error
	r.beforeAck(ctx, r.deferUpdate, func(ctx context.Context) {
		reply, herr = b.intake.Handle(ctx, flows.Input{SessionID: sid, EventID: "ia:" + r.i.ID, Command: flows.CommandForget})
		ferr = b.forgetMember(ctx, r.log, r.userID())
	})
	if herr != nil && !errors.Is(herr, flows.ErrDuplicate) {
		r.log.Error("forget session", "err", herr)
	}
	if ferr != nil {
		r.log.Error("forget member", "err", ferr)
		b.replyText(ctx, r, textForgetFailed)
		return
	}
	text := textForgetDone
	if herr == nil && len(reply.Messages) > 0 && reply.Messages[0].Text != "" {
		text = reply.Messages[0].Text
	}
	if err := r.update(ctx, text, nil); err != nil {
		r.log.Error("answer forget", "err", err)
	}
	r.log.Info("member data deleted at their request")
}
