package bot

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows"
	"github.com/fulcrum-intake/fulcrum/ops"
	"github.com/fulcrum-intake/fulcrum/store"
)

// meteredIntake times every engine step and counts what its reply means: an intake started, completed or
// abandoned, a crisis response. Only bounded values reach a label, never a session id or what a member wrote.
type meteredIntake struct {
	Intake
	m *ops.Metrics
}

func (i meteredIntake) Handle(ctx context.Context, in flows.Input) (flows.Reply, error) {
	start := time.Now()
	reply, err := i.Intake.Handle(ctx, in)
	i.m.EngineStep(ops.StepOutcomeOf(err), time.Since(start))
	if errors.Is(err, flows.ErrDuplicate) {
		return reply, err
	}
	// A reply to a failed step still carries crisis resources when the text needed them.
	for _, msg := range reply.Messages {
		if msg.Crisis {
			i.m.CrisisResponse(i.crisisKind(in, reply))
		}
	}
	if err != nil || reply.Stale {
		return reply, err
	}
	switch {
	case reply.Handoff != nil:
		i.m.IntakeCompleted(ops.UrgencyOf(reply.Handoff.Urgent))
	case reply.Deleted && reply.Forgotten:
		i.m.IntakeAbandoned(ops.AbandonForgotten)
	case reply.Deleted:
		i.m.IntakeAbandoned(ops.AbandonCancelled)
	case typed(in, "stop"):
		i.m.IntakeAbandoned(ops.AbandonStopped)
	}
	if i.started(in, reply) {
		i.m.IntakeStarted()
	}
	return reply, err
}

// started reports whether reply opens an intake: it is in the flow's first state (a crisis response to a first
// message is too), and the input was neither an answer in that state nor a word that only says it again. A
// typed "restart" counts as a new intake.
func (i meteredIntake) started(in flows.Input, reply flows.Reply) bool {
	f := i.Intake.Flow()
	if f == nil || in.State == f.Start || strings.HasPrefix(in.State, f.Start+"#") {
		return false
	}
	for _, w := range []string{"help", "back", "stop", "forget"} {
		if typed(in, w) {
			return false
		}
	}
	for _, msg := range reply.Messages {
		if msg.State == f.Start {
			return true
		}
	}
	return false
}

// crisisKind is the kind a crisis response is counted under: the alert's when this turn raised one, else what
// triage finds in the text, else "other".
func (i meteredIntake) crisisKind(in flows.Input, reply flows.Reply) string {
	if reply.Alert != nil && len(reply.Alert.Kinds) > 0 {
		return string(reply.Alert.Kinds[0])
	}
	if in.Text != "" {
		if res := i.Intake.Triage(in.Text); len(res.Kinds) > 0 {
			return string(res.Kinds[0])
		}
	}
	return "other"
}

// typed reports whether the member typed exactly word.
func typed(in flows.Input, word string) bool {
	return len(in.Choices) == 0 && strings.EqualFold(strings.TrimSpace(in.Text), word)
}

// urgencyOf is a handoff's urgency label.
func urgencyOf(h store.Handoff) ops.Urgency { return ops.UrgencyOf(h.Urgent) }

// failReason classifies a failed attempt to post a card by Discord's answer.
func failReason(err error) ops.FailReason {
	switch st := restStatus(err); {
	case st == http.StatusForbidden:
		return ops.FailForbidden
	case st == http.StatusNotFound:
		return ops.FailNotFound
	case st == http.StatusTooManyRequests:
		return ops.FailRateLimited
	case st >= 500:
		return ops.FailUnavailable
	case st == 0:
		// No HTTP answer at all: the call timed out or could not connect.
		return ops.FailUnavailable
	}
	return ops.FailOther
}

// onThisShard reports whether Discord routes a server's events to this process: (server id >> 22) % shards.
func (b *Bot) onThisShard(guildID string) bool {
	if b.opts.ShardCount <= 1 {
		return true
	}
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil {
		return false
	}
	return int((id>>22)%uint64(b.opts.ShardCount)) == b.opts.ShardID
}

// measureUnclaimed sets the unclaimed-handoff gauges from the queues of this shard's servers. Each shard counts
// its own servers, so a sum over replicas is the whole bot.
func (b *Bot) measureUnclaimed(ctx context.Context) {
	if b.opts.Metrics == nil {
		return
	}
	guilds, err := b.st.SetUpGuilds(ctx)
	if err != nil {
		b.log.Warn("measure unclaimed handoffs", "err", err)
		return
	}
	now := b.opts.Now()
	count := map[ops.Urgency]int{}
	oldest := map[ops.Urgency]time.Duration{}
	for _, gid := range guilds {
		if !b.onThisShard(gid) {
			continue
		}
		hs, err := b.st.Queue(ctx, gid)
		if err != nil {
			b.log.Warn("measure unclaimed handoffs", "err", err)
			return // keep the last figures rather than report a partial count
		}
		for _, h := range hs {
			if h.State != store.StateOpen || !h.Posted() {
				continue
			}
			u := urgencyOf(h)
			count[u]++
			oldest[u] = max(oldest[u], now.Sub(h.Created))
		}
	}
	for _, u := range []ops.Urgency{ops.Urgent, ops.Routine} {
		b.opts.Metrics.SetUnclaimed(u, count[u], oldest[u])
	}
}
