// Package console runs the intake in a terminal: numbered choices for people, or one JSON object per line for
// scripts and tests (the machine protocol of `fulcrum console --json`).
package console

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// Options tune a console run.
type Options struct {
	// JSON selects the machine protocol.
	JSON bool
	// SessionID names the stored session, so a later run can resume it.
	SessionID string
	// Region picks crisis resources.
	Region string
	// Logger receives internal errors only.
	Logger *slog.Logger
}

// maxLine bounds one line read from the terminal; longer lines are cut (the engine keeps less still).
const maxLine = 64 << 10

// Run holds one conversation: it opens (or offers to resume) the session, then reads one reply per line until
// the conversation is done or the input ends. EOF leaves the session stored for resuming.
func Run(ctx context.Context, in io.Reader, out io.Writer, eng *flows.Engine, opts Options) error {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := bufio.NewWriter(out)
	defer w.Flush()
	p := printer{w: w, json: opts.JSON}
	step := func(input flows.Input) (done bool, err error) {
		input.SessionID, input.Region = opts.SessionID, opts.Region
		input.EventID = eventID()
		reply, err := eng.Handle(ctx, input)
		if errors.Is(err, flows.ErrDuplicate) {
			return false, nil
		}
		if err != nil {
			// Logged without the text: what a person wrote never reaches a log.
			log.Error("intake step failed", "session", opts.SessionID, "err", err)
		}
		for _, m := range reply.Messages {
			var alert *flows.Alert
			if m.Crisis && reply.Alert != nil {
				alert, reply.Alert = reply.Alert, nil
			}
			if err := p.print(m, alert); err != nil {
				return true, err
			}
			done = done || m.Done
		}
		return done, w.Flush()
	}
	if done, err := step(flows.Input{Command: flows.CommandOpen}); done || err != nil {
		return err
	}
	// Lines are read in their own goroutine so that a signal stops the console even while it waits for input.
	type read struct {
		line string
		err  error
	}
	lines := make(chan read)
	go func() {
		r := bufio.NewReaderSize(in, 4096)
		for {
			line, err := readLine(r)
			select {
			case lines <- read{line, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for {
		var rd read
		select {
		case <-ctx.Done():
			return nil
		case rd = <-lines:
		}
		if errors.Is(rd.err, io.EOF) && rd.line == "" {
			return nil
		}
		if rd.err != nil && !errors.Is(rd.err, io.EOF) {
			return fmt.Errorf("read input: %w", rd.err)
		}
		done, serr := step(flows.Input{Text: rd.line})
		if serr != nil {
			return serr
		}
		if done || errors.Is(rd.err, io.EOF) {
			return nil
		}
	}
}

// readLine reads one line of any length, keeping at most maxLine bytes of it.
func readLine(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		chunk, isPrefix, err := r.ReadLine()
		if b.Len() < maxLine {
			b.Write(chunk[:min(len(chunk), maxLine-b.Len())])
		}
		if err != nil {
			return b.String(), err
		}
		if !isPrefix {
			return b.String(), nil
		}
	}
}

func eventID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "console-" + hex.EncodeToString(b)
}

type printer struct {
	w    *bufio.Writer
	json bool
}

// jsonMessage is one line of the machine protocol.
type jsonMessage struct {
	Text    string         `json:"text"`
	Choices []flows.Choice `json:"choices"`
	Multi   bool           `json:"multi"`
	State   string         `json:"state"`
	Crisis  bool           `json:"crisis"`
	Waiting bool           `json:"waiting"`
	Done    bool           `json:"done"`
	Handoff *jsonHandoff   `json:"handoff,omitempty"`
	// Alert is the urgent alert the moderators would get at once, on the crisis message that raised it.
	Alert *flows.Alert `json:"alert,omitempty"`
}

type jsonHandoff struct {
	Ref       string           `json:"ref"`
	Concerns  []flows.Concern  `json:"concerns"`
	Urgent    bool             `json:"urgent"`
	Risks     []string         `json:"risks"`
	Wants     []string         `json:"wants"`
	Anonymous bool             `json:"anonymous"`
	Referrals []flows.Referral `json:"referrals"`
	Summary   string           `json:"summary"`
}

func (p printer) print(m flows.Message, alert *flows.Alert) error {
	if p.json {
		jm := jsonMessage{Text: m.Text, Choices: m.Choices, Multi: m.Multi, State: m.State, Crisis: m.Crisis,
			Waiting: m.Waiting, Done: m.Done, Alert: alert}
		if jm.Choices == nil {
			jm.Choices = []flows.Choice{}
		}
		if h := m.Handoff; h != nil {
			jh := &jsonHandoff{Ref: h.Ref, Concerns: h.Concerns, Urgent: h.Urgent, Wants: h.Wants,
				Anonymous: h.Anonymous, Referrals: h.Referrals, Summary: h.Summary, Risks: []string{}}
			for _, k := range h.Risks {
				jh.Risks = append(jh.Risks, string(k))
			}
			if jh.Concerns == nil {
				jh.Concerns = []flows.Concern{}
			}
			if jh.Wants == nil {
				jh.Wants = []string{}
			}
			if jh.Referrals == nil {
				jh.Referrals = []flows.Referral{}
			}
			jm.Handoff = jh
		}
		data, err := json.Marshal(jm)
		if err != nil {
			return fmt.Errorf("encode message: %w", err)
		}
		_, err = p.w.Write(append(data, '\n'))
		return err
	}
	var b strings.Builder
	if m.Crisis {
		b.WriteString("\n*** SUPPORT NOW ***\n")
	}
	b.WriteString(strings.ReplaceAll(m.Text, "**", ""))
	b.WriteByte('\n')
	for i, c := range m.Choices {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, c.Label)
	}
	if m.Multi {
		b.WriteString("  (pick one or more, e.g. 1,3)\n")
	}
	if m.Waiting && !m.Done {
		b.WriteString("> ")
	} else {
		b.WriteByte('\n')
	}
	_, err := p.w.WriteString(b.String())
	return err
}
