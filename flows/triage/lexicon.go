package triage

import "sync"

// lexicon is every pattern the triage reads a message with, compiled into one phrase index, and where each
// pattern sits in it. It is built once, on first use, and never changed afterwards.
type lexicon struct {
	index    *phraseIndex
	sources  []string // by patternID
	rules    []rule
	cues     []cue // strongest first
	concepts [numConcepts]patternID

	idioms, abstract, serious, joke, pastMarkers, resolved, recent, recentStrong,
	fear, sinister, trivial, minor, figurative, otherSubject, selfAtRisk,
	partnerPronoun, strongRelationship, milestone, relapse, denial, pastYear, departure, routineCheck, armed, selfWord, leap patternID

	scans sync.Pool // of *phraseScan, scratch space for reading messages
}

var shippedLexicon = sync.OnceValue(newLexicon)

func newLexicon() *lexicon {
	lx := &lexicon{rules: riskRules(), cues: concernCues()}
	lx.scans.New = func() any { return new(phraseScan) }
	add := func(src string) patternID {
		lx.sources = append(lx.sources, src)
		return patternID(len(lx.sources) - 1)
	}
	for i := range lx.rules {
		lx.rules[i].pat = add(lx.rules[i].src)
		if lx.rules[i].ordinary != "" {
			lx.rules[i].ord = add(lx.rules[i].ordinary)
		}
	}
	for i := range lx.cues {
		lx.cues[i].pat = add(lx.cues[i].src)
	}
	for k, src := range conceptPatterns {
		lx.concepts[k] = add(src)
	}
	for _, p := range []struct {
		id  *patternID
		src string
	}{
		{&lx.idioms, idioms}, {&lx.abstract, abstract}, {&lx.serious, serious}, {&lx.joke, joke},
		{&lx.pastMarkers, pastMarkers}, {&lx.resolved, resolved}, {&lx.recent, recent},
		{&lx.recentStrong, recentStrong}, {&lx.fear, fear}, {&lx.sinister, sinister}, {&lx.trivial, trivial},
		{&lx.minor, minor}, {&lx.figurative, figurative}, {&lx.otherSubject, otherSubject},
		{&lx.selfAtRisk, selfAtRisk}, {&lx.partnerPronoun, partnerPronoun},
		{&lx.strongRelationship, strongRelationship}, {&lx.milestone, milestone}, {&lx.relapse, relapse},
		{&lx.denial, denial}, {&lx.pastYear, pastYear}, {&lx.departure, departure}, {&lx.routineCheck, routineCheck}, {&lx.armed, armed}, {&lx.selfWord, selfWord}, {&lx.leap, leap},
	} {
		*p.id = add(p.src)
	}
	lx.index = newPhraseIndex(lx.sources)
	return lx
}
