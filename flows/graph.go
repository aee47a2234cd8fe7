package flows

import (
	"fmt"
	"strings"
)

// Mermaid renders the flow as a Mermaid flowchart: one node per state, one arrow per transition, labelled with
// the choice or condition that takes it.
func (f *Flow) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	for _, s := range f.States {
		label := s.ID
		switch s.Kind {
		case KindSay:
			fmt.Fprintf(&b, "  %s[/%q/]\n", s.ID, label)
		case KindSummary:
			fmt.Fprintf(&b, "  %s{{%q}}\n", s.ID, label)
		case KindHandoff, KindEnd:
			fmt.Fprintf(&b, "  %s([%q])\n", s.ID, label)
		default:
			fmt.Fprintf(&b, "  %s[%q]\n", s.ID, label)
		}
	}
	for _, s := range f.States {
		drawn := map[string]bool{}
		for _, c := range s.Choices {
			if c.Next == "" {
				continue
			}
			label := c.ID
			if c.Crisis != "" {
				label += " ⚠"
			}
			fmt.Fprintf(&b, "  %s -->|%s| %s\n", s.ID, mermaidText(label), c.Next)
			drawn[c.Next] = true
		}
		for _, r := range s.Next {
			if drawn[r.To] && r.When.empty() {
				continue
			}
			if r.When.empty() {
				fmt.Fprintf(&b, "  %s --> %s\n", s.ID, r.To)
				continue
			}
			fmt.Fprintf(&b, "  %s -->|%s| %s\n", s.ID, mermaidText(condText(r.When)), r.To)
		}
	}
	fmt.Fprintf(&b, "  classDef crisis stroke:#c00,stroke-width:2px\n")
	return b.String()
}

func condText(c Cond) string {
	var parts []string
	if len(c.All) > 0 {
		parts = append(parts, strings.Join(c.All, " & "))
	}
	if len(c.Any) > 0 {
		parts = append(parts, "any "+strings.Join(c.Any, " | "))
	}
	if len(c.None) > 0 {
		parts = append(parts, "not "+strings.Join(c.None, " | "))
	}
	return strings.Join(parts, ", ")
}

// mermaidText quotes an edge label so that characters such as ":" and "|" cannot break the diagram.
func mermaidText(s string) string {
	return `"` + strings.NewReplacer(`"`, "'", "|", "/").Replace(s) + `"`
}
