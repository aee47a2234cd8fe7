package crisis

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ErrInvalid is wrapped by every error Parse returns for a malformed or incomplete file.
var ErrInvalid = errors.New("invalid crisis resources")

// Problem is one thing wrong with a resources file, located as precisely as the file allows.
type Problem struct {
	Line     int      // YAML line, 1-based
	Region   string   // region code, when known
	Category Category // category, for an entry
	Service  string   // service name, for an entry
	Field    string   // the field at fault, e.g. "source" or "reach[1].kind"
	Msg      string
}

func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d", p.Line)
	if p.Region != "" {
		fmt.Fprintf(&b, ": region %s", p.Region)
	}
	if p.Category != "" {
		fmt.Fprintf(&b, ": %s", p.Category)
	}
	if p.Service != "" {
		fmt.Fprintf(&b, " entry %q", p.Service)
	}
	if p.Field != "" {
		fmt.Fprintf(&b, ": field %s", p.Field)
	}
	fmt.Fprintf(&b, ": %s", p.Msg)
	return b.String()
}

// ValidationError lists every problem Parse found. It wraps ErrInvalid.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%v:\n  %s", ErrInvalid, strings.Join(lines, "\n  "))
}

// Unwrap lets callers test for ErrInvalid with errors.Is.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// dateSlack allows a checked date up to a day ahead of now: dates carry no time zone, and a person checking in
// Auckland is a day ahead of a server in UTC.
const dateSlack = 24 * time.Hour

var codePattern = regexp.MustCompile(`^[A-Z]{2}$`)

// parser walks the YAML node tree by hand rather than decoding into structs, so every problem can name the line
// of the exact field, and unknown (misspelt) fields are caught.
type parser struct {
	now      time.Time
	problems []Problem
}

// where locates a problem: the region, and for an entry its category and service.
type where struct {
	region   string
	category Category
	service  string
}

func (p *parser) add(line int, w where, field, format string, args ...any) {
	p.problems = append(p.problems, Problem{
		Line: line, Region: w.region, Category: w.category, Service: w.service, Field: field,
		Msg: fmt.Sprintf(format, args...),
	})
}

func parse(data []byte, now time.Time) (*Directory, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlErr(err)
		return nil, &ValidationError{Problems: []Problem{{Line: line, Msg: msg}}}
	}
	p := &parser{now: now}
	d := &Directory{regions: map[string]region{}, aliases: map[string]string{}}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		p.add(1, where{}, "regions", "the file is empty")
		return nil, p.err()
	}
	root := doc.Content[0]
	fields := p.mapping(root, where{}, "", "regions")
	regions, ok := fields["regions"]
	if !ok {
		p.add(root.Line, where{}, "regions", "missing")
		return nil, p.err()
	}
	if regions.Kind != yaml.SequenceNode {
		p.add(regions.Line, where{}, "regions", "must be a list of regions")
		return nil, p.err()
	}
	regionLine := map[string]int{}
	for _, n := range regions.Content {
		r, ok := p.region(n)
		if r.Code != "" {
			if first, dup := regionLine[r.Code]; dup {
				p.add(n.Line, where{region: r.Code}, "code", "region %s is defined twice (first on line %d)", r.Code,
					first)
				continue
			}
			regionLine[r.Code] = n.Line
		}
		if ok {
			d.regions[r.Code] = r
		}
	}
	p.aliases(regions, d)
	if _, ok := d.regions[IntlCode]; !ok && len(p.problems) == 0 {
		p.add(regions.Line, where{}, "regions", "the international fallback region %s is missing", IntlCode)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	for code := range d.regions {
		d.codes = append(d.codes, code)
	}
	slices.Sort(d.codes)
	return d, nil
}

func (p *parser) err() error {
	if len(p.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: p.problems}
}

// mapping returns n's fields by key, reporting a node that is not a mapping, a repeated key, or a key not in
// allowed.
func (p *parser) mapping(n *yaml.Node, w where, prefix string, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, w, strings.TrimSuffix(prefix, "."), "must be a mapping of fields")
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(allowed, k.Value):
			p.add(k.Line, w, prefix+k.Value, "unknown field (known: %s)", strings.Join(allowed, ", "))
		case out[k.Value] != nil:
			p.add(k.Line, w, prefix+k.Value, "given twice")
		default:
			out[k.Value] = v
		}
	}
	return out
}

// text returns a required, non-empty scalar field.
func (p *parser) text(fields map[string]*yaml.Node, parent *yaml.Node, w where, field string) (string, *yaml.Node) {
	return p.textAs(fields, parent, w, field, field)
}

// textAs is text for a field reported under another name, such as reach[1].kind.
func (p *parser) textAs(fields map[string]*yaml.Node, parent *yaml.Node, w where, key, field string) (string, *yaml.Node) {
	n, ok := fields[key]
	if !ok {
		p.add(parent.Line, w, field, "missing")
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		p.add(n.Line, w, field, "must be text")
		return "", n
	}
	v := strings.TrimSpace(n.Value)
	if v == "" || n.Tag == "!!null" {
		p.add(n.Line, w, field, "is empty")
		return "", n
	}
	return v, n
}

func (p *parser) region(n *yaml.Node) (region, bool) {
	var r region
	fields := p.mapping(n, where{region: scalarField(n, "code")}, "", "code", "aliases", "name", "emergency", "emergency_source",
		"emergency_checked", "resources")
	if n.Kind != yaml.MappingNode {
		return r, false
	}
	before := len(p.problems)
	code, codeNode := p.text(fields, n, where{}, "code")
	w := where{region: code}
	if code != "" && code != IntlCode && !codePattern.MatchString(code) {
		p.add(codeNode.Line, w, "code", "must be an upper-case ISO 3166-1 alpha-2 code or %s, got %q", IntlCode, code)
	}
	r.Code = code
	r.Name, _ = p.text(fields, n, w, "name")
	r.Emergency, _ = p.text(fields, n, w, "emergency")

	// Every number shown to a person needs a source; "call your local emergency number" needs none.
	if strings.ContainsAny(r.Emergency, "0123456789") || fields["emergency_source"] != nil {
		r.emergencySource = p.source(fields, n, w, "emergency_source")
		r.emergencyChecked = p.date(fields, n, w, "emergency_checked")
	} else if c := fields["emergency_checked"]; c != nil {
		p.add(c.Line, w, "emergency_checked", "given without emergency_source")
	}

	res, ok := fields["resources"]
	switch {
	case !ok:
		p.add(n.Line, w, "resources", "missing")
	case res.Kind != yaml.MappingNode:
		p.add(res.Line, w, "resources", "must map categories to lists of entries")
	default:
		r.Resources = p.resources(res, w)
		if !slices.ContainsFunc(r.Resources, func(x Resource) bool { return x.Category == CategorySuicide }) {
			p.add(res.Line, w, "resources.suicide", "every region needs at least one suicide or crisis line")
		}
	}
	return r, len(p.problems) == before
}

func (p *parser) resources(n *yaml.Node, w where) []Resource {
	var out []Resource
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		cat := Category(k.Value)
		cw := where{region: w.region, category: cat}
		if !cat.known() {
			p.add(k.Line, cw, "resources."+k.Value, "unknown category (known: suicide, domestic_violence, "+
				"sexual_assault, child_abuse)")
			continue
		}
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			p.add(v.Line, cw, "resources."+k.Value, "must be a non-empty list of entries")
			continue
		}
		seen := map[string]int{}
		for _, e := range v.Content {
			res, ok := p.entry(e, cw)
			if !ok {
				continue
			}
			if first, dup := seen[strings.ToLower(res.Service)]; dup {
				p.add(e.Line, where{w.region, cat, res.Service}, "service", "listed twice in this category "+
					"(first on line %d)", first)
				continue
			}
			seen[strings.ToLower(res.Service)] = e.Line
			out = append(out, res)
		}
	}
	return out
}

func (p *parser) entry(n *yaml.Node, w where) (Resource, bool) {
	before := len(p.problems)
	// Name the entry in every problem, including those mapping finds before service is read.
	w.service = fmt.Sprintf("(entry on line %d)", n.Line)
	if s := scalarField(n, "service"); s != "" {
		w.service = s
	}
	fields := p.mapping(n, w, "", "service", "reach", "hours", "languages", "source", "checked")
	if n.Kind != yaml.MappingNode {
		return Resource{}, false
	}
	res := Resource{Category: w.category}
	res.Service, _ = p.text(fields, n, w, "service")
	res.Reach = p.reach(fields, n, w)
	res.Hours, _ = p.text(fields, n, w, "hours")
	res.Languages = p.list(fields, n, w, "languages")
	res.Source = p.source(fields, n, w, "source")
	res.Checked = p.date(fields, n, w, "checked")
	return res, len(p.problems) == before
}

func (p *parser) reach(fields map[string]*yaml.Node, parent *yaml.Node, w where) []Contact {
	n, ok := fields["reach"]
	if !ok {
		p.add(parent.Line, w, "reach", "missing")
		return nil
	}
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.add(n.Line, w, "reach", "must list at least one way to reach the service")
		return nil
	}
	var out []Contact
	for i, c := range n.Content {
		prefix := fmt.Sprintf("reach[%d].", i)
		cf := p.mapping(c, w, prefix, "kind", "value")
		if c.Kind != yaml.MappingNode {
			continue
		}
		kind, kn := p.textAs(cf, c, w, "kind", prefix+"kind")
		value, vn := p.textAs(cf, c, w, "value", prefix+"value")
		if kind != "" && !knownKind(kind) {
			p.add(kn.Line, w, prefix+"kind", "unknown kind %q (known: call, text, chat, web)", kind)
		}
		if (kind == KindWeb || kind == KindChat) && value != "" {
			if msg := checkHTTPS(value); msg != "" {
				p.add(vn.Line, w, prefix+"value", "%s", msg)
			}
		}
		out = append(out, Contact{Kind: kind, Value: value})
	}
	return out
}

func (p *parser) list(fields map[string]*yaml.Node, parent *yaml.Node, w where, field string) []string {
	n, ok := fields[field]
	if !ok {
		p.add(parent.Line, w, field, "missing")
		return nil
	}
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.add(n.Line, w, field, "must list at least one")
		return nil
	}
	var out []string
	for i, item := range n.Content {
		v := strings.TrimSpace(item.Value)
		if item.Kind != yaml.ScalarNode || v == "" || item.Tag == "!!null" {
			p.add(item.Line, w, fmt.Sprintf("%s[%d]", field, i), "must be non-empty text")
			continue
		}
		out = append(out, v)
	}
	return out
}

func (p *parser) source(fields map[string]*yaml.Node, parent *yaml.Node, w where, field string) string {
	v, n := p.text(fields, parent, w, field)
	if v == "" {
		return ""
	}
	if msg := checkHTTPS(v); msg != "" {
		p.add(n.Line, w, field, "%s", msg)
		return ""
	}
	return v
}

func (p *parser) date(fields map[string]*yaml.Node, parent *yaml.Node, w where, field string) time.Time {
	v, n := p.text(fields, parent, w, field)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		p.add(n.Line, w, field, "must be a date as YYYY-MM-DD, got %q", v)
		return time.Time{}
	}
	if t.After(p.now.Add(dateSlack)) {
		p.add(n.Line, w, field, "%s is in the future", v)
		return time.Time{}
	}
	return t
}

// scalarField returns the trimmed value of a scalar field of mapping n, or "".
func scalarField(n *yaml.Node, key string) string {
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key && n.Content[i+1].Kind == yaml.ScalarNode {
			return strings.TrimSpace(n.Content[i+1].Value)
		}
	}
	return ""
}

// aliases records each region's aliases, refusing one that names a region or another alias.
func (p *parser) aliases(regions *yaml.Node, d *Directory) {
	for _, n := range regions.Content {
		if n.Kind != yaml.MappingNode {
			continue
		}
		code := scalarField(n, "code")
		var list *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "aliases" {
				list = n.Content[i+1]
			}
		}
		if list == nil {
			continue
		}
		w := where{region: code}
		if list.Kind != yaml.SequenceNode {
			p.add(list.Line, w, "aliases", "must be a list of codes")
			continue
		}
		for i, a := range list.Content {
			alias := strings.ToUpper(strings.TrimSpace(a.Value))
			field := fmt.Sprintf("aliases[%d]", i)
			switch {
			case alias == "":
				p.add(a.Line, w, field, "is empty")
			case d.regions[alias].Code != "":
				p.add(a.Line, w, field, "%s is already a region code", alias)
			case d.aliases[alias] != "":
				p.add(a.Line, w, field, "%s is already an alias of %s", alias, d.aliases[alias])
			default:
				d.aliases[alias] = code
			}
		}
	}
}

// checkHTTPS returns why s is not an absolute https URL with a host, or "" when it is.
func checkHTTPS(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Sprintf("must be an https URL, got %q", s)
	}
	return ""
}

// yamlErr splits a yaml.v3 syntax error ("yaml: line 3: did not find ...") into its line and message. The line
// is yaml's own and may point a line before the mistake.
func yamlErr(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		return line, strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	return 1, "not valid YAML: " + msg
}
