// Package crisis holds the crisis resources fulcrum shows a person who may be in danger: suicide and crisis
// lines, domestic violence, sexual assault and child abuse lines, and each region's emergency number.
//
// The resources are data, kept in resources.yaml and embedded in the binary. Every entry names the public page
// it was checked against and the day it was checked, so a wrong or stale number can be traced and fixed. Parse
// refuses a file with a missing or malformed field rather than showing a person half an entry.
package crisis

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"time"
)

//go:embed resources.yaml
var embedded []byte

// Category is the kind of harm a resource helps with.
type Category string

// The known categories, in the order they are shown when a caller names none.
const (
	CategorySuicide          Category = "suicide"
	CategoryDomesticViolence Category = "domestic_violence"
	CategorySexualAssault    Category = "sexual_assault"
	CategoryChildAbuse       Category = "child_abuse"
)

// allCategories returns the known categories in their default order. It is a function, not a variable, so no
// caller can change the list another relies on.
func allCategories() []Category {
	return []Category{CategorySuicide, CategoryDomesticViolence, CategorySexualAssault, CategoryChildAbuse}
}

func (c Category) known() bool { return slices.Contains(allCategories(), c) }

// Contact kinds.
const (
	KindCall = "call" // a phone number
	KindText = "text" // an SMS number, or "KEYWORD to NUMBER"
	KindChat = "chat" // an https page with a live chat
	KindWeb  = "web"  // an https page
)

func knownKind(k string) bool { return k == KindCall || k == KindText || k == KindChat || k == KindWeb }

// IntlCode is the code of the international fallback region.
const IntlCode = "INTL"

// Contact is one way to reach a service.
type Contact struct {
	Kind  string // call, text, chat or web
	Value string // a number, "KEYWORD to NUMBER", or an https URL
}

// Resource is one service in one category.
type Resource struct {
	Service   string
	Reach     []Contact
	Hours     string
	Languages []string
	Source    string    // the public https page the entry was checked against
	Checked   time.Time // the day it was checked, UTC midnight
	Category  Category
}

// Region is a country, or the international fallback.
type Region struct {
	Code      string // ISO 3166-1 alpha-2 (GB, not UK), or INTL
	Name      string
	Emergency string // how to reach emergency services, as shown to a person
	Resources []Resource
}

// Directory is a validated set of regions. It is read-only once built, so one value can serve every request.
type Directory struct {
	regions map[string]region // by code
	aliases map[string]string // alias to code
	codes   []string          // sorted
}

// region is a Region with the bookkeeping Stale needs.
type region struct {
	Region
	emergencySource  string
	emergencyChecked time.Time // zero when the emergency text names no number
}

// Load returns the embedded resources, validated.
func Load() (*Directory, error) {
	d, err := Parse(embedded)
	if err != nil {
		return nil, fmt.Errorf("load embedded resources.yaml: %w", err)
	}
	return d, nil
}

// Parse reads and validates a resources file. Its error lists every problem found, each naming the YAML line,
// region, category, service and field; it wraps ErrInvalid and is a *ValidationError.
func Parse(data []byte) (*Directory, error) {
	return parse(data, time.Now())
}

// For returns the region for code and its resources in the given categories' order, each service once,
// followed by the international entries for every asked category the region has none for. The code is
// matched without regard to case and through aliases (UK is GB); an unknown or empty code gives the
// international region. With no categories, all are returned in their default order.
func (d *Directory) For(code string, cats ...Category) (Region, []Resource) {
	r := d.lookup(code)
	if len(cats) == 0 {
		cats = allCategories()
	}
	intl := d.regions[IntlCode]

	seenCat := make(map[Category]bool, len(cats))
	seen := make(map[string]bool)
	var out, fallback []Resource
	add := func(dst *[]Resource, res Resource) {
		key := strings.ToLower(res.Service)
		if seen[key] {
			return
		}
		seen[key] = true
		*dst = append(*dst, cloneResource(res))
	}
	for _, c := range cats {
		if seenCat[c] {
			continue
		}
		seenCat[c] = true
		found := false
		for _, res := range r.Resources {
			if res.Category == c {
				found = true
				add(&out, res)
			}
		}
		if found || r.Code == IntlCode {
			continue
		}
		for _, res := range intl.Resources {
			if res.Category == c {
				add(&fallback, res)
			}
		}
	}
	return cloneRegion(r.Region), append(out, fallback...)
}

// Regions returns the region codes, sorted. Aliases are not included.
func (d *Directory) Regions() []string {
	return slices.Clone(d.codes)
}

// Stale returns the entries checked more than maxAge before now, as "GB/suicide/Samaritans", and emergency
// numbers as "GB/emergency", sorted.
func (d *Directory) Stale(now time.Time, maxAge time.Duration) []string {
	var out []string
	for _, code := range d.codes {
		r := d.regions[code]
		if !r.emergencyChecked.IsZero() && now.Sub(r.emergencyChecked) > maxAge {
			out = append(out, code+"/emergency")
		}
		for _, res := range r.Resources {
			if now.Sub(res.Checked) > maxAge {
				out = append(out, code+"/"+string(res.Category)+"/"+res.Service)
			}
		}
	}
	slices.Sort(out)
	return out
}

func (d *Directory) lookup(code string) region {
	c := strings.ToUpper(strings.TrimSpace(code))
	if alias, ok := d.aliases[c]; ok {
		c = alias
	}
	if r, ok := d.regions[c]; ok {
		return r
	}
	return d.regions[IntlCode]
}

// cloneRegion copies r so a caller cannot change the directory through the slices it gets back.
func cloneRegion(r Region) Region {
	res := make([]Resource, len(r.Resources))
	for i, x := range r.Resources {
		res[i] = cloneResource(x)
	}
	r.Resources = res
	return r
}

func cloneResource(r Resource) Resource {
	r.Reach = slices.Clone(r.Reach)
	r.Languages = slices.Clone(r.Languages)
	return r
}
