// Package triagedata holds the messages the triage's speed is measured on, so that the benchmark command
// (figure 5 of bench) and the triage package's own benchmark read the same twenty: answers, idioms, risk said
// plainly and obliquely. It has no code of the triage's and imports nothing of the project's.
package triagedata

import (
	_ "embed"
	"strings"
)

//go:embed figure5.txt
var figure5 string

// Figure5 returns the twenty messages, one per line of figure5.txt, in a new slice each call.
func Figure5() []string {
	return strings.Split(strings.TrimSuffix(figure5, "\n"), "\n")
}
