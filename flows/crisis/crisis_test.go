package crisis

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLoadEmbedded(t *testing.T) {
	// The regions fulcrum promises to cover.
	requiredRegions := []string{"US", "CA", "GB", "IE", "AU", "NZ", "IN", "DE", "FR", "ES", "BR", "MX", "PH", "ZA", "INTL"}
	d, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	codes := d.Regions()
	for _, code := range requiredRegions {
		if !slices.Contains(codes, code) {
			t.Errorf("region %s is missing", code)
		}
	}
	if !slices.IsSorted(codes) {
		t.Errorf("Regions() = %v, want sorted", codes)
	}
	for _, code := range codes {
		r, _ := d.For(code)
		if r.Code != code {
			t.Errorf("For(%q) gave region %q", code, r.Code)
		}
		if strings.TrimSpace(r.Emergency) == "" {
			t.Errorf("%s has no emergency number", code)
		}
		if code != IntlCode && !strings.ContainsAny(r.Emergency, "0123456789") {
			t.Errorf("%s: emergency %q names no number", code, r.Emergency)
		}
		if !slices.ContainsFunc(r.Resources, func(x Resource) bool { return x.Category == CategorySuicide }) {
			t.Errorf("%s has no suicide or crisis entry", code)
		}
	}
}

// TestEmbeddedFreshness fails on an entry with a missing field and warns, without failing, on entries checked
// more than a year ago: a stale entry still needs a person to re-check it, not a red build.
func TestEmbeddedFreshness(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for _, code := range d.Regions() {
		r, _ := d.For(code)
		for _, res := range r.Resources {
			name := code + "/" + string(res.Category) + "/" + res.Service
			switch {
			case res.Service == "", res.Hours == "", res.Source == "", len(res.Reach) == 0, len(res.Languages) == 0,
				res.Checked.IsZero():
				t.Errorf("%s: a required field is empty: %+v", name, res)
			case !strings.HasPrefix(res.Source, "https://"):
				t.Errorf("%s: source %q is not https", name, res.Source)
			}
			for _, c := range res.Reach {
				if c.Kind == "" || c.Value == "" {
					t.Errorf("%s: incomplete contact %+v", name, c)
				}
			}
		}
	}
	const year = 365 * 24 * time.Hour
	for _, s := range d.Stale(time.Now(), year) {
		t.Logf("WARNING: %s was checked more than a year ago; re-check it against its source", s)
	}
}

// testFile is a small valid file. Tests that need a broken one replace a line of it; the line numbers in the
// table below refer to this text.
const testFile = `regions:
  - code: GB
    aliases: [UK]
    name: United Kingdom
    emergency: "999"
    emergency_source: https://example.org/999
    emergency_checked: 2026-01-02
    resources:
      suicide:
        - service: Samaritans
          reach:
            - {kind: call, value: "116 123"}
          hours: 24/7
          languages: [English]
          source: https://example.org/samaritans
          checked: 2026-01-02
        - service: Shout
          reach:
            - {kind: text, value: "SHOUT to 85258"}
          hours: 24/7
          languages: [English]
          source: https://example.org/shout
          checked: 2025-01-02
      child_abuse:
        - service: Childline
          reach:
            - {kind: call, value: "0800 1111"}
          hours: 24/7
          languages: [English]
          source: https://example.org/childline
          checked: 2026-01-02
      domestic_violence:
        - service: National Domestic Abuse Helpline
          reach:
            - {kind: call, value: "0808 2000 247"}
          hours: 24/7
          languages: [English]
          source: https://example.org/ndah
          checked: 2026-01-02
  - code: INTL
    name: International
    emergency: Call your local emergency number.
    resources:
      suicide:
        - service: Find A Helpline
          reach:
            - {kind: web, value: "https://findahelpline.com"}
          hours: always
          languages: [English]
          source: https://example.org/fah
          checked: 2026-01-02
      sexual_assault:
        - service: Global Assault Line
          reach:
            - {kind: web, value: "https://example.org/gal"}
          hours: always
          languages: [English]
          source: https://example.org/gal
          checked: 2026-01-02
      domestic_violence:
        - service: Global DV Line
          reach:
            - {kind: web, value: "https://example.org/gdv"}
          hours: always
          languages: [English]
          source: https://example.org/gdv
          checked: 2026-01-02
`

var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func mustParse(t *testing.T, data string) *Directory {
	t.Helper()
	d, err := parse([]byte(data), testNow)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return d
}

// edit returns testFile with line n (1-based) replaced by repl; an empty repl deletes the line.
func edit(t *testing.T, n int, repl string) string {
	t.Helper()
	lines := strings.Split(testFile, "\n")
	if n < 1 || n > len(lines) {
		t.Fatalf("edit: no line %d", n)
	}
	if repl == "" {
		lines = slices.Delete(lines, n-1, n)
	} else {
		lines[n-1] = repl
	}
	return strings.Join(lines, "\n")
}

func TestParseValid(t *testing.T) {
	d := mustParse(t, testFile)
	if got, want := d.Regions(), []string{"GB", "INTL"}; !slices.Equal(got, want) {
		t.Errorf("Regions() = %v, want %v", got, want)
	}
	r, _ := d.For("GB")
	if got := r.Resources[0].Checked; !got.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("checked = %v, want 2026-01-02", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string // each must appear in one problem line
	}{
		{
			name: "missing field",
			data: edit(t, 15, ""), // Samaritans' source
			want: []string{"line 10", "region GB", `suicide entry "Samaritans"`, "field source", "missing"},
		},
		{
			name: "empty field",
			data: edit(t, 13, "          hours: \"\""),
			want: []string{"line 13", "region GB", `"Samaritans"`, "field hours", "empty"},
		},
		{
			name: "no languages",
			data: edit(t, 14, "          languages: []"),
			want: []string{"line 14", `"Samaritans"`, "field languages", "at least one"},
		},
		{
			name: "no reach",
			data: edit(t, 12, "            []"),
			want: []string{"line 12", `"Samaritans"`, "field reach", "at least one"},
		},
		{
			name: "bad category",
			data: edit(t, 24, "      child_abus:"),
			want: []string{"line 24", "region GB", "field resources.child_abus", "unknown category"},
		},
		{
			name: "bad kind",
			data: edit(t, 12, `            - {kind: fax, value: "116 123"}`),
			want: []string{"line 12", "region GB", `"Samaritans"`, "field reach[0].kind", `unknown kind "fax"`},
		},
		{
			name: "web reach not https",
			data: edit(t, 47, `            - {kind: web, value: "http://findahelpline.com"}`),
			want: []string{"line 47", "region INTL", `"Find A Helpline"`, "field reach[0].value", "https"},
		},
		{
			name: "duplicate region",
			data: edit(t, 40, "  - code: GB"),
			want: []string{"line 40", "region GB", "field code", "defined twice (first on line 2)"},
		},
		{
			name: "bad date",
			data: edit(t, 16, "          checked: 27/11/2026"),
			want: []string{"line 16", `"Samaritans"`, "field checked", "YYYY-MM-DD"},
		},
		{
			name: "future date",
			data: edit(t, 16, "          checked: 2026-12-25"),
			want: []string{"line 16", `"Samaritans"`, "field checked", "in the future"},
		},
		{
			name: "non-https source",
			data: edit(t, 15, "          source: http://example.org/samaritans"),
			want: []string{"line 15", "region GB", `"Samaritans"`, "field source", "https"},
		},
		{
			name: "relative source",
			data: edit(t, 15, "          source: samaritans.org"),
			want: []string{"line 15", "field source", "https"},
		},
		{
			name: "misspelt field",
			data: edit(t, 14, "          langauges: [English]"),
			want: []string{"line 14", `"Samaritans"`, "field langauges", "unknown field"},
		},
		{
			name: "emergency number without source",
			data: edit(t, 6, ""),
			want: []string{"line 2", "region GB", "field emergency_source", "missing"},
		},
		{
			name: "region without suicide entry",
			data: edit(t, 9, "      sexual_assault:"),
			want: []string{"region GB", "field resources.suicide", "at least one suicide"},
		},
		{
			name: "duplicate service in a category",
			data: edit(t, 17, "        - service: Samaritans"),
			want: []string{"line 17", `suicide entry "Samaritans"`, "listed twice"},
		},
		{
			name: "alias names a region",
			data: edit(t, 3, "    aliases: [INTL]"),
			want: []string{"line 3", "region GB", "field aliases[0]", "already a region code"},
		},
		{
			name: "no international fallback",
			data: testFile[:strings.Index(testFile, "  - code: INTL")],
			want: []string{"line 2", "field regions", "INTL is missing"},
		},
		{
			name: "bad region code",
			data: edit(t, 2, "  - code: UK-England"),
			want: []string{"line 2", "field code", "ISO 3166-1"},
		},
		{
			name: "yaml syntax",
			data: edit(t, 4, "    name: [United Kingdom"),
			want: []string{"line"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.data), testNow)
			if err == nil {
				t.Fatal("parse succeeded, want an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("error %v is not a *ValidationError with problems", err)
			}
			for _, p := range verr.Problems {
				line := p.String()
				if containsAll(line, tt.want) {
					return
				}
			}
			t.Errorf("no problem mentions all of %q; got:\n%v", tt.want, err)
		})
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// TestParseAllowsTomorrow: a date carries no time zone, so one day ahead of the server clock is accepted.
func TestParseAllowsTomorrow(t *testing.T) {
	mustParse(t, edit(t, 16, "          checked: 2026-11-28"))
}

func services(rs []Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r.Category) + ":" + r.Service
	}
	return out
}

func TestFor(t *testing.T) {
	d := mustParse(t, testFile)
	tests := []struct {
		name       string
		region     string
		cats       []Category
		wantRegion string
		want       []string
	}{
		{
			name: "code", region: "GB", cats: []Category{CategorySuicide},
			wantRegion: "GB", want: []string{"suicide:Samaritans", "suicide:Shout"},
		},
		{
			name: "alias and case", region: " uk ", cats: []Category{CategorySuicide},
			wantRegion: "GB", want: []string{"suicide:Samaritans", "suicide:Shout"},
		},
		{
			name: "lower-case code", region: "gb", cats: []Category{CategoryChildAbuse},
			wantRegion: "GB", want: []string{"child_abuse:Childline"},
		},
		{
			name: "unknown region is international", region: "XX", cats: []Category{CategorySuicide},
			wantRegion: "INTL", want: []string{"suicide:Find A Helpline"},
		},
		{
			name: "empty region is international", region: "", cats: []Category{CategorySuicide},
			wantRegion: "INTL", want: []string{"suicide:Find A Helpline"},
		},
		{
			name: "categories in the order asked", region: "GB",
			cats:       []Category{CategoryChildAbuse, CategoryDomesticViolence, CategorySuicide},
			wantRegion: "GB",
			want: []string{"child_abuse:Childline", "domestic_violence:National Domestic Abuse Helpline",
				"suicide:Samaritans", "suicide:Shout"},
		},
		{
			name: "fallback follows the region's own entries", region: "GB",
			cats:       []Category{CategorySexualAssault, CategorySuicide},
			wantRegion: "GB",
			want:       []string{"suicide:Samaritans", "suicide:Shout", "sexual_assault:Global Assault Line"},
		},
		{
			name: "no fallback where the region has entries", region: "GB",
			cats:       []Category{CategoryDomesticViolence},
			wantRegion: "GB", want: []string{"domestic_violence:National Domestic Abuse Helpline"},
		},
		{
			name: "repeated category once", region: "GB",
			cats:       []Category{CategoryChildAbuse, CategoryChildAbuse},
			wantRegion: "GB", want: []string{"child_abuse:Childline"},
		},
		{
			name: "no categories means all, default order", region: "GB",
			wantRegion: "GB",
			want: []string{"suicide:Samaritans", "suicide:Shout",
				"domestic_violence:National Domestic Abuse Helpline", "child_abuse:Childline",
				"sexual_assault:Global Assault Line"},
		},
		{
			name: "international region has no fallback to itself", region: "INTL",
			cats:       []Category{CategoryChildAbuse},
			wantRegion: "INTL", want: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, got := d.For(tt.region, tt.cats...)
			if r.Code != tt.wantRegion {
				t.Errorf("region = %q, want %q", r.Code, tt.wantRegion)
			}
			if !slices.Equal(services(got), tt.want) {
				t.Errorf("resources = %q, want %q", services(got), tt.want)
			}
		})
	}
}

func TestForDeduplicates(t *testing.T) {
	// The same service listed under two categories, as 1800RESPECT is, is shown once.
	data := strings.Replace(testFile, "        - service: Childline", "        - service: Samaritans", 1)
	d := mustParse(t, data)
	_, got := d.For("GB", CategorySuicide, CategoryChildAbuse)
	if want := []string{"suicide:Samaritans", "suicide:Shout"}; !slices.Equal(services(got), want) {
		t.Errorf("resources = %q, want %q", services(got), want)
	}
}

func TestForReturnsCopies(t *testing.T) {
	d := mustParse(t, testFile)
	r, got := d.For("GB", CategorySuicide)
	got[0].Reach[0].Value = "changed"
	got[0].Languages[0] = "changed"
	r.Resources[0].Service = "changed"
	_, again := d.For("GB", CategorySuicide)
	if again[0].Reach[0].Value != "116 123" || again[0].Languages[0] != "English" || again[0].Service != "Samaritans" {
		t.Errorf("changing a result changed the directory: %+v", again[0])
	}
	codes := d.Regions()
	codes[0] = "changed"
	if d.Regions()[0] != "GB" {
		t.Error("changing Regions() changed the directory")
	}
}

func TestStale(t *testing.T) {
	d := mustParse(t, testFile)
	const year = 365 * 24 * time.Hour
	if got, want := d.Stale(testNow, year), []string{"GB/suicide/Shout"}; !slices.Equal(got, want) {
		t.Errorf("Stale(1 year) = %q, want %q", got, want)
	}
	later := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	want := []string{
		"GB/child_abuse/Childline", "GB/domestic_violence/National Domestic Abuse Helpline", "GB/emergency",
		"GB/suicide/Samaritans", "GB/suicide/Shout", "INTL/domestic_violence/Global DV Line",
		"INTL/sexual_assault/Global Assault Line", "INTL/suicide/Find A Helpline",
	}
	if got := d.Stale(later, year); !slices.Equal(got, want) {
		t.Errorf("Stale(later) = %q, want %q", got, want)
	}
}
