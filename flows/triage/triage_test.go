package triage

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/fulcrum-intake/fulcrum/flows/triage/triagedata"
)

func TestRules(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		risk  Risk
		kind  Kind // must be among the kinds when set
		third bool
	}{
		// Direct and indirect intent.
		{"intent", "i am going to end my life this weekend", RiskCrisis, KindSuicide, false},
		{"no reason", "honestly there's no reason for me to keep living", RiskCrisis, KindSuicide, false},
		{"dont want to live", "I dont wanna be alive anymore", RiskCrisis, KindSuicide, false},
		{"not sure I want to live", "not sure i want to live anymore", RiskCrisis, KindSuicide, false},
		{"negation elsewhere", "I'm not okay, I want to die", RiskCrisis, KindSuicide, false},
		// Slang, misspellings, stretching, leetspeak.
		{"kms", "kms", RiskCrisis, KindSuicide, false},
		{"unalive", "thinking of how to unalive myself", RiskCrisis, KindSuicide, false},
		{"sewerslide", "sewerslide tonight", RiskCrisis, KindSuicide, false},
		{"leet", "i want to commit su1c1de", RiskCrisis, KindSuicide, false},
		{"stretched", "i wanna diiiie", RiskCrisis, KindSuicide, false},
		{"caps no apostrophes", "IM GOING TO KILL MYSELF", RiskCrisis, KindSuicide, false},
		// Negation and hedges.
		{"not suicidal", "I'm not suicidal, just tired", RiskNone, "", false},
		{"would never", "I would never hurt myself, I just need to vent", RiskNone, "", false},
		{"no thoughts", "no thoughts of suicide, just stress about work", RiskNone, "", false},
		// Figures of speech.
		{"killing me", "this deadline is killing me", RiskNone, "", false},
		{"kill for", "I'd kill for a coffee right now", RiskNone, "", false},
		{"dying to", "dying to see that film", RiskNone, "", false},
		{"died laughing", "I nearly died laughing", RiskNone, "", false},
		{"feet", "my feet are killing me after that shift", RiskNone, "", false},
		{"shoot me", "shoot me an email when you're free", RiskNone, "", false},
		{"bored", "I'm bored to death in these meetings", RiskNone, "", false},
		{"trivial threat", "my mom will kill me if I'm late again lol", RiskNone, "", false},
		{"kill me now joke", "kill me now, another meeting at 8am", RiskNone, "", false},
		{"kill me now serious", "kill me now, I mean it, I can't do this", RiskCrisis, KindSuicide, false},
		{"end things", "I want to end things with my boyfriend", RiskNone, "", false},
		// Past versus present.
		{"past resolved", "I used to self-harm years ago but I'm doing well now", RiskNone, "", false},
		{"relapse", "I used to cut and I started again last night", RiskCrisis, KindSelfHarm, false},
		{"cutting again", "I've started cutting again", RiskCrisis, KindSelfHarm, false},
		// Abstract mentions.
		{"training", "we did a suicide prevention training at work", RiskNone, "", false},
		{"film", "watched a documentary about self harm in class", RiskNone, "", false},
		// Third parties.
		{"friend", "my friend says she wants to die", RiskCrisis, KindSuicide, true},
		{"brother cutting", "my little brother is cutting himself", RiskCrisis, "", true},
		// Threats and violence from others.
		{"threat if leave", "he said he'd kill me if I leave", RiskCrisis, KindViolence, false},
		{"scared tonight", "I'm scared he'll kill me tonight", RiskCrisis, KindViolence, false},
		{"hit", "my boyfriend hit me and said next time will be worse", RiskCrisis, KindViolence, false},
		{"real threat, trivial pretext", "my stepdad said if I come home late he'll break my legs", RiskCrisis, KindViolence, false},
		{"assault", "he raped me at the party", RiskCrisis, KindSexualAbuse, false},
		{"child", "I'm 14 and my dad hits me when he drinks", RiskCrisis, KindChildAtRisk, false},
		// Medical.
		{"pills", "I took too many pills", RiskCrisis, KindMedical, false},
		{"coffee", "overdosed on coffee lol", RiskNone, "", false},
		// Harm to others.
		{"harm others", "I'm going to stab him tonight", RiskCrisis, KindHarmOthers, false},
		// Ambiguous: ask directly.
		{"point", "what's the point of anything anymore", RiskCheck, KindSuicide, false},
		{"disappear", "sometimes i wish i could just disappear", RiskCheck, KindSuicide, false},
		// Ordinary power dynamics.
		{"boss", "my boss makes me stay late every day without pay", RiskNone, "", false},
		{"money", "my partner never asks my opinion about money", RiskNone, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := Classify(tc.text)
			if res.Risk != tc.risk {
				t.Fatalf("Classify(%q).Risk = %s, want %s (%+v)", tc.text, res.Risk, tc.risk, res)
			}
			if tc.kind != "" && !res.HasKind(tc.kind) {
				t.Errorf("kinds = %v, want %s among them", res.Kinds, tc.kind)
			}
			if tc.risk != RiskNone && res.ThirdParty != tc.third {
				t.Errorf("ThirdParty = %v, want %v", res.ThirdParty, tc.third)
			}
			if (res.Risk == RiskNone) != (len(res.Kinds) == 0) {
				t.Errorf("kinds %v do not fit risk %s", res.Kinds, res.Risk)
			}
		})
	}
}

func TestConcerns(t *testing.T) {
	cases := []struct {
		text string
		want []Area // acceptable first areas
	}{
		{"my boss is dating me and I don't know how to end it safely", []Area{AreaWorkplace}},
		{"my coworker spreads rumors about me", []Area{AreaWorkplace}},
		{"my parents compare me to my cousin constantly", []Area{AreaFamily}},
		{"my mother-in-law makes every holiday about her", []Area{AreaFamily}},
		{"my girlfriend checks my phone every night", []Area{AreaRelationship}},
		{"I was refused an apartment because I'm gay", []Area{AreaOppression}},
		{"the police stop me every week because of my skin colour", []Area{AreaOppression}},
		{"I'm paid less than the men doing the same job", []Area{AreaOppression, AreaWorkplace}},
	}
	for _, tc := range cases {
		got := Classify(tc.text).Concerns
		if len(got) == 0 || !slices.Contains(tc.want, got[0]) {
			t.Errorf("Classify(%q).Concerns = %v, want first among %v", tc.text, got, tc.want)
		}
	}
	if got := Classify("I'm not sure what's wrong, I just feel small").Concerns; len(got) != 0 {
		t.Errorf("no area words, got %v", got)
	}
}

func TestHostileInputNeverPanics(t *testing.T) {
	for _, s := range []string{
		"", " ", "\x00\x01\x02", "\xff\xfe\xfd", strings.Repeat("a", 100_000), strings.Repeat("kill myself ", 20_000),
		"🙂🙂🙂💀", "@everyone <@&123>", "'''---,,,...", strings.Repeat("\u202e", 50), "1111 3333 0000",
	} {
		res := Classify(s)
		if res.Risk == "" {
			t.Errorf("empty risk for %q", s[:min(len(s), 20)])
		}
		for _, a := range res.Concerns {
			if !utf8.ValidString(string(a)) {
				t.Error("invalid area")
			}
		}
	}
}

// TestClassifyConcurrently runs Classify from several goroutines at once, as the bot does: each message must get
// the answer it gets alone, whatever the others do with the shared lexicon and its scratch space.
func TestClassifyConcurrently(t *testing.T) {
	msgs := append(slices.Clone(benchMessages), longMessages...)
	want := make([]Result, len(msgs))
	for i, m := range msgs {
		want[i] = Classify(m)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(msgs))
	for g := range 8 {
		wg.Go(func() {
			for k := range 5 * len(msgs) {
				i := (g + k) % len(msgs)
				if got := Classify(msgs[i]); !reflect.DeepEqual(got, want[i]) {
					errs <- fmt.Sprintf("Classify(%q) = %+v alongside others, %+v alone", msgs[i], got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"I'm going to kill myself tonight", "this project is killing me", "kms", "\xff", "my boss"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		res := Classify(s)
		switch res.Risk {
		case RiskNone, RiskCheck, RiskCrisis:
		default:
			t.Fatalf("unknown risk %q", res.Risk)
		}
		if (res.Risk == RiskNone) != (len(res.Kinds) == 0) {
			t.Fatalf("kinds %v with risk %s", res.Kinds, res.Risk)
		}
	})
}

// benchMessages are the twenty messages of figure (5) in bench: answers, idioms, risk said plainly and
// obliquely, so that this benchmark predicts that figure.
var benchMessages = triagedata.Figure5()

// longMessages are the long end of what members write: several sentences, mixed concerns, risk buried late.
var longMessages = []string{
	"So this has been building for months. My supervisor at the warehouse schedules me for doubles with no " +
		"notice, docks my pay when I'm two minutes late, and laughs about it with the other leads. When I went to " +
		"HR they said it was a misunderstanding. I can't afford to lose this job because my mom depends on my " +
		"paycheck, but I'm exhausted all the time and I honestly don't know how much longer I can keep doing this.",
	"My girlfriend and I have been together four years. She goes through my phone every night, decides who I " +
		"can see, and says nobody else would ever want me. Last weekend she threw a glass at me during an argument " +
		"and I had to lie to my sister about the cut on my hand. I keep thinking it's my fault, that if I were " +
		"better she wouldn't get so angry. I don't feel safe going home tonight.",
	"I'm the only Black nurse on my unit and the charge nurse gives me the worst patients every shift, comments " +
		"on my natural hair, and writes me up for things the white nurses do every day. Patients ask to see a real " +
		"nurse. I've filed a grievance with the union but nothing happens. Some nights I drive home and think about " +
		"not turning at the curve, just letting the car go. I haven't told anyone that.",
	"Honestly I'm fine, it's just family stuff. My parents want me to study medicine, my older brother is the " +
		"golden child, and every holiday turns into a comparison. Thanksgiving was awful again, my aunt asked in " +
		"front of everyone why I'm still single. I'm not in danger or anything like that, I just want someone to " +
		"talk to about how to set boundaries without starting a war at home.",
}

// BenchmarkClassify measures Classify over the messages of bench figure (5) and over long messages; ns/op is
// the mean cost of one message of the set.
func BenchmarkClassify(b *testing.B) {
	for _, set := range []struct {
		name string
		msgs []string
	}{{"figure5", benchMessages}, {"long", longMessages}} {
		b.Run(set.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				Classify(set.msgs[i%len(set.msgs)])
				i++
			}
		})
	}
}
