//go:build !race

package triage

// raceEnabled says the tests run under the race detector.
const raceEnabled = false
