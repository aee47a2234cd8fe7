package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fulcrum-intake/fulcrum/store"
)

// reminderLease is how long a due re-ping is left to one attempt before another may take it.
const reminderLease = 2 * time.Minute

// runReminders pings the urgent role again for urgent handoffs nobody claimed in time, and updates the
// unclaimed-handoff gauges, until ctx ends.
func (b *Bot) runReminders(ctx context.Context) {
	t := time.NewTicker(b.opts.ReminderPoll)
	defer t.Stop()
	for {
		b.remind(ctx)
		b.measureUnclaimed(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// remind sends every re-ping that is due.
func (b *Bot) remind(ctx context.Context) {
	b.drain(ctx, "read reminders", func() ([]store.Handoff, error) {
		return b.st.DueReminders(ctx, b.opts.Now(), reminderLease, 10)
	}, b.repingOne)
}

// repingOne pings the urgent role once more about an unclaimed urgent handoff, in reply to its card.
func (b *Bot) repingOne(ctx context.Context, h store.Handoff) {
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
	log := b.log.With("event", "reping", "ref", h.Ref, "guild", h.GuildID)
	later := func(reason string, err error) {
		log.Warn("re-ping postponed", "reason", reason, "err", err)
		if err := b.st.RemindAt(ctx, h.Ref, b.opts.Now().Add(time.Minute)); err != nil {
			log.Error("reschedule re-ping", "err", err) // the lease runs out and it is tried again
		}
	}
	g, ok, err := b.st.Guild(ctx, h.GuildID)
	switch {
	case err != nil:
		later("settings unavailable", err)
		return
	case !ok || !g.SetUp():
		later("server not set up", nil)
		return
	case !h.Posted():
		later("card not posted yet", nil) // its first posting pings the role anyway
		return
	}
	am := noMentions()
	content := fmt.Sprintf("🚨 Urgent intake **%s** is still unclaimed after %d minutes. Please claim it: %s",
		h.Ref, int(b.opts.Now().Sub(h.Created).Minutes()), messageLink(h.GuildID, h.ChannelID, h.MessageID))
	if g.UrgentRole != "" {
		content = "<@&" + g.UrgentRole + "> " + content
		am.Roles = []string{g.UrgentRole}
	}
	_, err = b.api.ChannelMessageSendComplex(g.ModeratorChannel, &discordgo.MessageSend{
		Content: content, AllowedMentions: am,
	}, discordgo.WithContext(ctx))
	if err != nil {
		later("discord error", err)
		return
	}
	if err := b.st.Reminded(ctx, h.Ref, b.opts.Now()); err != nil {
		log.Error("record re-ping", "err", err)
	}
	log.Info("urgent role pinged again")
}
