package console

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/fulcrum-intake/fulcrum/flows/triage"
)

// triageLine is one line of `fulcrum triage` output.
type triageLine struct {
	Text       string        `json:"text"`
	Crisis     bool          `json:"crisis"`
	Risk       triage.Risk   `json:"risk"`
	Kinds      []triage.Kind `json:"kinds"`
	ThirdParty bool          `json:"third_party"`
	Concerns   []triage.Area `json:"concerns"`
}

// Triage reads messages one per line and writes one JSON object per line: the text, whether it needs the crisis
// response, the risk level and kinds, and the concern areas, most likely first.
func Triage(in io.Reader, out io.Writer) error {
	r := bufio.NewReader(in)
	w := bufio.NewWriter(out)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for {
		line, err := readLine(r)
		if line != "" || err == nil {
			res := triage.Classify(line)
			tl := triageLine{Text: line, Crisis: res.Risk == triage.RiskCrisis, Risk: res.Risk, Kinds: res.Kinds,
				ThirdParty: res.ThirdParty, Concerns: res.Concerns}
			if tl.Kinds == nil {
				tl.Kinds = []triage.Kind{}
			}
			if tl.Concerns == nil {
				tl.Concerns = []triage.Area{}
			}
			if err := enc.Encode(tl); err != nil {
				return fmt.Errorf("write triage: %w", err)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read triage input: %w", err)
		}
	}
}
