package flows

import (
	"context"
	"errors"
	"time"

	"github.com/fulcrum-intake/fulcrum/flows/crisis"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
)

// Concern is an area a person's concern is about: workplace, family, relationship, oppression or other.
type Concern = triage.Area

// The concern areas, as their ids appear in flow files and JSON.
const (
	ConcernWorkplace    = triage.AreaWorkplace
	ConcernFamily       = triage.AreaFamily
	ConcernRelationship = triage.AreaRelationship
	ConcernOppression   = triage.AreaOppression
	ConcernOther        = triage.AreaOther
)

// Errors with a kind the caller can test with errors.Is.
var (
	// ErrDuplicate means the input's event id was applied before; nothing changed and nothing should be sent.
	ErrDuplicate = errors.New("event already applied")
	// ErrConflict means another input for the same session won a race too many times in a row.
	ErrConflict = errors.New("session changed concurrently")
	// ErrUnavailable means the session store could not be reached.
	ErrUnavailable = errors.New("session store unavailable")
	// ErrInvalidFlow means a flow file failed validation.
	ErrInvalidFlow = errors.New("invalid flow")
)

// SessionStore keeps sessions. It is declared here, where it is used, and implemented by package store.
type SessionStore interface {
	// Update loads the session with the given id (nil when there is none), passes it to fn, and saves what fn
	// returns, atomically: no other Update of the same id interleaves. When eventID is not empty and the stored
	// session already applied it, Update returns ErrDuplicate without calling fn. fn may be called more than once
	// when a concurrent update forces a retry, so it must have no effects outside its return value. A nil result
	// from fn deletes the session.
	Update(ctx context.Context, id, eventID string, fn func(*Session) (*Session, error)) error
	// Delete removes the session and everything stored under it.
	Delete(ctx context.Context, id string) error
}

// Command is something an adapter asks for outside the conversation's own words.
type Command string

// Commands an adapter may send. Typed words such as "back" and "stop" are understood from Text as well.
const (
	// CommandOpen is sent when a person opens the conversation (console start, /intake): it starts an intake
	// or offers to resume one.
	CommandOpen Command = "open"
	// CommandForget deletes the person's session after no confirmation; adapters confirm first.
	CommandForget Command = "forget"
)

// Input is one thing a person did: typed a line, clicked a choice, or opened the conversation.
type Input struct {
	// SessionID names the person's session, e.g. "discord:1234" or "console:local".
	SessionID string
	// EventID identifies the event for de-duplication; empty means never de-duplicated.
	EventID string
	// Text is what the person typed. It passes crisis detection before anything else.
	Text string
	// Choices are the ids of clicked choices (several for a multi-choice question).
	Choices []string
	// State is the state the clicked question belonged to; a click on an older question changes nothing.
	State string
	// Command is set for adapter commands.
	Command Command
	// Region picks crisis resources (ISO code such as "US" or "GB"); empty means international.
	Region string
	// Community names the community (Discord server) the handoff is for, when known.
	Community string
}

// Choice is one option a question offers.
type Choice struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Message is one message the bot sends.
type Message struct {
	Text    string   `json:"text"`
	Choices []Choice `json:"choices"`
	// Multi means several choices may be picked at once.
	Multi bool `json:"multi"`
	// State is the flow state the message belongs to; adapters put it in component ids to spot stale clicks.
	State string `json:"state"`
	// Crisis marks a crisis response.
	Crisis bool `json:"crisis"`
	// Resources are the crisis resources the text lists, for adapters that render them richly.
	Resources []crisis.Resource `json:"-"`
	// Waiting marks the last message of a turn: the bot now waits for the person.
	Waiting bool `json:"waiting"`
	// Done marks the end of the conversation.
	Done bool `json:"done"`
	// Handoff is set on the last message of a completed intake.
	Handoff *Handoff `json:"handoff,omitempty"`
}

// Reply is everything the bot says in answer to one Input.
type Reply struct {
	Messages []Message
	// Handoff is set when this turn completed the intake.
	Handoff *Handoff
	// Stale is set when the input was a click on a question that is no longer current; nothing changed.
	Stale bool
	// Deleted is set when the session was deleted: the person asked to forget, cancelled, or declined.
	Deleted bool
	// Forgotten is set when the person asked to delete everything: adapters delete what they keep about the
	// person too (handoffs, relays), not only the session.
	Forgotten bool
	// Alert is set when this turn found a crisis signal the moderators have not yet been alerted to: adapters
	// raise an urgent handoff at once, even mid-intake.
	Alert *Alert
}

// Alert is the minimum the moderators need, at once, when a member may be at risk: what kind of signal, where,
// and who (unless the member chose to stay anonymous). It carries nothing the member wrote.
type Alert struct {
	Ref        string        `json:"ref"`
	SessionID  string        `json:"-"`
	Community  string        `json:"-"`
	Region     string        `json:"region,omitempty"`
	Kinds      []triage.Kind `json:"kinds"`
	ThirdParty bool          `json:"third_party"`
	Anonymous  bool          `json:"anonymous"`
	Created    time.Time     `json:"-"`
}

// Referral is one support option offered to the person.
type Referral struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text,omitempty"`
	Link  string `json:"link,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// SummaryLine is one answered question as the summary shows it.
type SummaryLine struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Handoff is what the moderators receive when an intake is complete.
type Handoff struct {
	Ref       string        `json:"ref"`
	SessionID string        `json:"-"`
	Community string        `json:"-"`
	Concerns  []Concern     `json:"concerns"`
	Urgent    bool          `json:"urgent"`
	Risks     []triage.Kind `json:"risks,omitempty"`
	Wants     []string      `json:"wants,omitempty"`
	Contact   string        `json:"contact,omitempty"`
	Anonymous bool          `json:"anonymous"`
	Lines     []SummaryLine `json:"-"`
	Referrals []Referral    `json:"referrals"`
	Summary   string        `json:"summary"`
	Created   time.Time     `json:"-"`
}
