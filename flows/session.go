package flows

import (
	"slices"
	"time"
)

// Session is one person's intake as stored between messages. Field names are short because every session is
// kept in Redis for days; the store treats the value as opaque JSON.
type Session struct {
	ID        string `json:"id"`
	Community string `json:"cm,omitempty"`
	Region    string `json:"rg,omitempty"`
	// State is the current flow state.
	State string `json:"st"`
	// Path lists the question states answered so far, in order; back pops it, and tags derive from it.
	Path []string `json:"p,omitempty"`
	// Answers holds the answer to each question on the path.
	Answers map[string]Answer `json:"a,omitempty"`
	// Sub is a pending step inside the current state (confirming a concern, a risk check, a crisis follow-up...).
	Sub *Sub `json:"sub,omitempty"`
	// Risks lists the risk kinds seen in this session, most recent last.
	Risks []string `json:"rk,omitempty"`
	// Urgent is set by any crisis signal and never cleared within a session.
	Urgent bool `json:"u,omitempty"`
	// Alerted lists the risk kinds the moderators have been alerted to, so that each new kind alerts once.
	Alerted []string `json:"al,omitempty"`
	// SafetyPlan is the member's safety plan, kept only when they asked to keep it.
	SafetyPlan string `json:"sp,omitempty"`
	// Dismissed counts risk signals the person said were a figure of speech; after one, the next signal goes
	// straight to the crisis response.
	Dismissed int `json:"dm,omitempty"`
	// Paused is set by stop: the next message offers to resume or start over.
	Paused bool `json:"ps,omitempty"`
	// Editing is set while the person corrects an answer from the summary: questions answered before are
	// passed through with their answers until the summary.
	Editing bool `json:"ed,omitempty"`
	// EditTarget is the question being corrected.
	EditTarget string `json:"et,omitempty"`
	// Done is set once the handoff is made.
	Done bool `json:"dn,omitempty"`
	// Ref is the handoff reference once Done.
	Ref string `json:"ref,omitempty"`
	// Seen holds the most recent event ids, to apply a repeated event once.
	Seen    []string `json:"sn,omitempty"`
	Started int64    `json:"t0"`
	Updated int64    `json:"t1"`
}

// Answer is the answer to one question: chosen choice ids, typed text, or both.
type Answer struct {
	Choices []string `json:"c,omitempty"`
	Text    string   `json:"t,omitempty"`
}

// Sub kinds.
const (
	subConfirmConcern = "confirm" // "It sounds like this is about X. Is that right?"
	subPrimary        = "primary" // which selected concern matters most
	subRiskCheck      = "check"   // "Are you thinking about ending your life?"
	subCrisis         = "crisis"  // after a crisis response: continue, it was a figure of speech, or stop
	subResume         = "resume"  // resume or start over
	subEdit           = "edit"    // which answer to change
	subDone           = "done"    // intake complete: start a new one or delete
	subForget         = "forget"  // confirm deleting everything
	subPlan           = "plan"    // writing a safety plan, one step at a time
	subPlanKeep       = "keep"    // keep the finished safety plan, or not
)

// Sub is a step the engine asks inside a state without moving the flow: its choices are the engine's own.
type Sub struct {
	Kind string `json:"k"`
	// Concerns proposed from free text (confirm) or chosen (primary).
	Concerns []string `json:"cs,omitempty"`
	// Pending is the typed text a risk check interrupted; it is read as the answer once the check is answered.
	Pending string `json:"pt,omitempty"`
	// Kinds are the risk kinds behind a risk check or crisis response.
	Kinds []string `json:"ks,omitempty"`
	// Next is where continuing after a crisis response leads, when the answer was already recorded.
	Next string `json:"nx,omitempty"`
	// Third is set when the risk concerns someone else.
	Third bool `json:"3p,omitempty"`
	// Prev is the step a forget confirmation interrupted, asked again if the person keeps their answers.
	Prev *Sub `json:"pv,omitempty"`
	// Step and Plan hold a safety plan being written; it is dropped unless the member asks to keep it.
	Step int      `json:"n,omitempty"`
	Plan []string `json:"pl,omitempty"`
}

// maxSeen bounds the remembered event ids; Discord redelivers within seconds, not hundreds of events later.
const maxSeen = 32

func newSession(id string, now time.Time) *Session {
	return &Session{ID: id, Answers: map[string]Answer{}, Started: now.Unix(), Updated: now.Unix()}
}

// SeenEvent reports whether the session already applied the event.
func (s *Session) SeenEvent(id string) bool {
	return id != "" && slices.Contains(s.Seen, id)
}

// RememberEarlier records event ids applied before this session began (by a session that ended just before),
// oldest first, so that a late copy of one is still recognised; the most recent maxSeen ids are kept.
func (s *Session) RememberEarlier(ids []string) {
	if len(ids) == 0 {
		return
	}
	s.Seen = append(slices.Clone(ids), s.Seen...)
	if len(s.Seen) > maxSeen {
		s.Seen = slices.Clone(s.Seen[len(s.Seen)-maxSeen:])
	}
}

func (s *Session) remember(id string) {
	if id == "" {
		return
	}
	if len(s.Seen) < maxSeen {
		s.Seen = append(s.Seen, id)
		return
	}
	// Full: drop the oldest in place rather than grow and copy the list on every step.
	n := copy(s.Seen, s.Seen[len(s.Seen)-maxSeen+1:])
	s.Seen = append(s.Seen[:n], id)
}

// InCrisis reports whether the session showed a crisis signal or is in a step of the crisis response (a direct
// risk question, the crisis follow-up, a safety plan): an adapter must never drop such a person's answers.
func (s *Session) InCrisis() bool {
	return s.Urgent || (s.Sub != nil && s.Sub.safety())
}

func (s *Session) addRisk(kinds ...string) {
	for _, k := range kinds {
		if !slices.Contains(s.Risks, k) {
			s.Risks = append(s.Risks, k)
		}
	}
}

// safety reports whether the sub-step is part of a crisis response, where typed words are read as answers to it
// rather than screened as new messages.
func (s *Sub) safety() bool {
	switch s.Kind {
	case subRiskCheck, subCrisis, subPlan, subPlanKeep:
		return true
	}
	return false
}
