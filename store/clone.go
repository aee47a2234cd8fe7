package store

import (
	"slices"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// cloneSession returns a deep copy of s that shares nothing with it, as decoding what s encodes to would, at a
// tenth of the cost: the copy a remembered session hands to fn, and the copy kept of what fn returned (the
// engine keeps using its own after Update returns). TestCloneSessionCopiesEveryField fails when a field added to
// flows.Session or flows.Sub is not copied here.
func cloneSession(s *flows.Session) *flows.Session {
	if s == nil {
		return nil
	}
	c := *s
	c.Path = slices.Clone(s.Path)
	c.Answers = make(map[string]flows.Answer, len(s.Answers))
	for k, a := range s.Answers {
		a.Choices = slices.Clone(a.Choices)
		c.Answers[k] = a
	}
	c.Sub = cloneSub(s.Sub)
	c.Risks = slices.Clone(s.Risks)
	c.Alerted = slices.Clone(s.Alerted)
	c.Seen = slices.Clone(s.Seen)
	return &c
}

// cloneSub copies a pending step, and the step it interrupted (a forget confirmation remembers one).
func cloneSub(s *flows.Sub) *flows.Sub {
	if s == nil {
		return nil
	}
	c := *s
	c.Concerns = slices.Clone(s.Concerns)
	c.Kinds = slices.Clone(s.Kinds)
	c.Plan = slices.Clone(s.Plan)
	c.Prev = cloneSub(s.Prev)
	return &c
}
