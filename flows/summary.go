package flows

import (
	"crypto/rand"
	"strings"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows/triage"
)

// tags derives what the intake has learned from the answers on the session's path, so that going back or
// correcting an answer can never leave a stale tag behind.
func (f *Flow) tags(s *Session) map[string]bool {
	tags := map[string]bool{}
	for _, id := range s.Path {
		st, ok := f.byID[id]
		if !ok {
			continue
		}
		ans := s.Answers[id]
		for i, cid := range ans.Choices {
			if c := st.choice(cid); c != nil {
				for _, t := range c.Tags {
					tags[t] = true
				}
			}
			switch {
			case st.Concerns:
				tags["concern:"+cid] = true
				if i == 0 {
					tags["primary:"+cid] = true
				}
			case st.Field == "wants":
				tags["want:"+cid] = true
			}
		}
	}
	for _, k := range s.Risks {
		tags["risk:"+k] = true
		tags["crisis"] = true
	}
	if s.Urgent {
		tags["urgent"] = true
	}
	if s.Dismissed > 0 {
		// A risk the person called a figure of speech still rules out counseling with the other person.
		tags["dismissed"] = true
	}
	return tags
}

func (f *Flow) summaryID() string {
	for _, s := range f.States {
		if s.Kind == KindSummary {
			return s.ID
		}
	}
	return f.Start
}

func (f *Flow) concernState() *State {
	for _, s := range f.States {
		if s.Concerns {
			return s
		}
	}
	return nil
}

// concernPhrase names concerns for a sentence: "your workplace and your family".
func (e *Engine) concernPhrase(ids []string) string {
	var names []string
	for _, id := range ids {
		name := e.flow.Messages["concern."+id]
		if name == "" {
			name = id
		}
		names = append(names, name)
	}
	return strings.Join(names, " and ")
}

// answerLabel renders an answer for the summary.
func answerLabel(st *State, ans Answer) string {
	var parts []string
	for i, cid := range ans.Choices {
		label := cid
		if c := st.choice(cid); c != nil {
			label = c.Label
		}
		if st.Concerns && i == 0 && len(ans.Choices) > 1 {
			label += " (main)"
		}
		parts = append(parts, label)
	}
	v := strings.Join(parts, ", ")
	if ans.Text != "" {
		if v != "" {
			v += ": "
		}
		v += "“" + ans.Text + "”"
	}
	if v == "" {
		v = "(skipped)"
	}
	return v
}

// summaryLines lists the answered questions that belong in the summary, in the order they were asked.
func (e *Engine) summaryLines(s *Session) []SummaryLine {
	var out []SummaryLine
	for _, id := range s.Path {
		st, ok := e.flow.State(id)
		if !ok || st.Summary == "" {
			continue
		}
		out = append(out, SummaryLine{Label: st.Summary, Value: answerLabel(st, s.Answers[id])})
	}
	return out
}

// summaryText is the written summary the person reviews and the moderators receive.
func (e *Engine) summaryText(s *Session) string {
	var b strings.Builder
	if s.Urgent {
		b.WriteString("⚠ Marked urgent: this person may be at risk")
		if len(s.Risks) > 0 {
			b.WriteString(" (" + strings.ReplaceAll(strings.Join(s.Risks, ", "), "_", " ") + ")")
		}
		b.WriteString(".\n")
	}
	for _, l := range e.summaryLines(s) {
		b.WriteString("• " + l.Label + ": " + l.Value + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// buildHandoff assembles what the moderators receive.
func (e *Engine) buildHandoff(s *Session, now time.Time) *Handoff {
	f := e.flow
	tags := f.tags(s)
	h := &Handoff{
		Ref:       newRef(),
		SessionID: s.ID,
		Community: s.Community,
		Urgent:    s.Urgent,
		Anonymous: tags["anonymous"],
		Lines:     e.summaryLines(s),
		Summary:   e.summaryText(s),
		Created:   now,
	}
	for _, k := range s.Risks {
		h.Risks = append(h.Risks, triage.Kind(k))
	}
	if cs := f.concernState(); cs != nil {
		for _, id := range s.Answers[cs.ID].Choices {
			h.Concerns = append(h.Concerns, Concern(id))
		}
	}
	for _, id := range s.Path {
		st, ok := f.State(id)
		if !ok {
			continue
		}
		switch st.Field {
		case "wants":
			h.Wants = append(h.Wants, s.Answers[id].Choices...)
		case "contact":
			h.Contact = answerLabel(st, s.Answers[id])
		}
	}
	for _, r := range f.Referrals {
		if r.When.Holds(tags) {
			h.Referrals = append(h.Referrals, r.Referral)
		}
	}
	return h
}

// memberSummary is the last message a person gets: the reference, what was sent, and the options they can use
// right away without waiting for anyone.
func (e *Engine) memberSummary(st *State, h *Handoff) string {
	var b strings.Builder
	b.WriteString(strings.ReplaceAll(st.Say, "{ref}", h.Ref))
	b.WriteString("\n\n")
	b.WriteString(h.Summary)
	if len(h.Referrals) > 0 {
		b.WriteString("\n\n" + e.flow.Msg("referrals_intro"))
		for _, r := range h.Referrals {
			b.WriteString("\n• **" + r.Title + "**: " + r.Text)
			if r.Phone != "" {
				b.WriteString(" " + r.Phone)
			}
			if r.Link != "" {
				b.WriteString(" <" + r.Link + ">")
			}
		}
	}
	return b.String()
}

// refAlphabet leaves out letters and digits that read alike (0/O, 1/I/L) so a reference can be read aloud.
const refAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newRef returns a short handoff reference such as "F-7KQ3M".
func newRef() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms.
	out := []byte("F-")
	for _, x := range b {
		out = append(out, refAlphabet[int(x)%len(refAlphabet)])
	}
	return string(out)
}
