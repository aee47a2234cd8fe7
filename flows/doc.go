// Package flows is the heart of fulcrum: the intake conversation, the domain types it works on (Session, Input,
// Reply, Handoff, Referral), the rules that pick referrals, and the written summary a moderator receives.
//
// The intake is data. A flow file (YAML, embedded by default, or an operator's own) lists the questions, their
// choices, the tags a choice adds and the transitions; Load validates it and builds a looplab/fsm machine from it.
// Redis, not process memory, holds each person's progress: the Engine loads a Session through the SessionStore,
// steps the machine from the stored state, and saves the result in one atomic store call. Nothing here knows about
// Discord, Redis or a terminal; adapters turn their events into an Input and render the Reply.
//
// Safety comes first in every step: every typed message passes crisis detection (package flows/triage) before
// it is read as an answer, and a crisis is answered at once with resources for the person's region
// (package flows/crisis).
package flows
