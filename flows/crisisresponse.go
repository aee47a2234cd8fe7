package flows

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fulcrum-intake/fulcrum/flows/crisis"
	"github.com/fulcrum-intake/fulcrum/flows/triage"
)

// riskKinds are the kinds a flow's crisis choices may name.
var riskKinds = []string{
	string(triage.KindSuicide), string(triage.KindSelfHarm), string(triage.KindViolence),
	string(triage.KindSexualAbuse), string(triage.KindChildAtRisk), string(triage.KindMedical),
	string(triage.KindHarmOthers),
}

// categoriesFor picks the resource lists that fit the signals, most fitting first: a person threatened by a
// partner needs a domestic-violence line before a suicide line.
func categoriesFor(kinds []string) []crisis.Category {
	var out []crisis.Category
	add := func(c crisis.Category) {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for _, k := range kinds {
		switch triage.Kind(k) {
		case triage.KindViolence:
			add(crisis.CategoryDomesticViolence)
		case triage.KindSexualAbuse:
			add(crisis.CategorySexualAssault)
		case triage.KindChildAtRisk:
			add(crisis.CategoryChildAbuse)
		default:
			add(crisis.CategorySuicide)
		}
	}
	// Every crisis response ends with a crisis line a person can call about anything.
	add(crisis.CategorySuicide)
	return out
}

// crisisMessage is the crisis response: a few calm words, the emergency number, and the lines that fit.
func (e *Engine) crisisMessage(region string, kinds []string, third bool) Message {
	key := "crisis"
	if third {
		key = "crisis_other"
	}
	if slices.Contains(kinds, string(triage.KindMedical)) && !third {
		if m := e.flow.Msg("crisis_medical"); m != "" {
			key = "crisis_medical"
		}
	}
	var b strings.Builder
	b.WriteString(e.flow.Msg(key))
	var res []crisis.Resource
	if e.resources != nil {
		reg, list := e.resources.For(region, categoriesFor(kinds)...)
		res = list
		if reg.Emergency != "" {
			fmt.Fprintf(&b, "\n\n• Emergency services (%s): **%s**", reg.Name, reg.Emergency)
		}
		for _, r := range list {
			b.WriteString("\n• ")
			b.WriteString(formatResource(r))
		}
	}
	return Message{Text: b.String(), Crisis: true, Resources: res}
}

// formatResource writes one resource on one line: service, ways to reach it, hours.
func formatResource(r crisis.Resource) string {
	var ways []string
	for _, c := range r.Reach {
		switch c.Kind {
		case "call":
			ways = append(ways, "call "+c.Value)
		case "text":
			ways = append(ways, "text "+c.Value)
		case "chat":
			ways = append(ways, "chat "+c.Value)
		default:
			ways = append(ways, c.Value)
		}
	}
	s := r.Service + ": " + strings.Join(ways, " · ")
	if r.Hours != "" {
		s += " (" + r.Hours + ")"
	}
	return s
}
