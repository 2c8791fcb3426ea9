package platform

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The platform's schemas, one per check ID (Apache-2.0; schemas/SOURCE.md says where
// they come from).
//
//go:embed schemas/*.schema.json schemas/SOURCE.md
var schemaFS embed.FS

var (
	compileOnce sync.Once
	compiled    map[string]*jsonschema.Schema
	titles      map[string]string
	compileErr  error
)

// schemaURL is the name a schema is compiled under; nothing is fetched from it.
func schemaURL(id string) string { return "pgcheckup:///platform/" + id + ".schema.json" }

func compileAll() {
	compiled, titles = map[string]*jsonschema.Schema{}, map[string]string{}
	entries, err := fs.Glob(schemaFS, "schemas/*.schema.json")
	if err != nil {
		compileErr = err
		return
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	// No loader: a schema that referred to anything outside itself fails to compile
	// instead of reaching the network.
	c.UseLoader(jsonschema.SchemeURLLoader{})
	var ids []string
	for _, path := range entries {
		id := strings.TrimSuffix(strings.TrimPrefix(path, "schemas/"), ".schema.json")
		if id == "query" {
			continue // the per-query file, not a check
		}
		b, err := schemaFS.ReadFile(path)
		if err != nil {
			compileErr = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			compileErr = fmt.Errorf("schema %s: %w", id, err)
			return
		}
		if err := c.AddResource(schemaURL(id), doc); err != nil {
			compileErr = fmt.Errorf("schema %s: %w", id, err)
			return
		}
		var head struct {
			Properties struct {
				CheckTitle struct {
					Const string `json:"const"`
				} `json:"checkTitle"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(b, &head); err != nil || head.Properties.CheckTitle.Const == "" {
			compileErr = fmt.Errorf("schema %s: no checkTitle constant", id)
			return
		}
		titles[id] = head.Properties.CheckTitle.Const
		ids = append(ids, id)
	}
	for _, id := range ids {
		s, err := c.Compile(schemaURL(id))
		if err != nil {
			compileErr = fmt.Errorf("schema %s: %w", id, err)
			return
		}
		compiled[id] = s
	}
}

// Schemas lists the check IDs that have a platform schema, sorted.
func Schemas() []string {
	compileOnce.Do(compileAll)
	var ids []string
	for id := range compiled {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Title is the checkTitle the platform's schema for id requires ("" when none).
func Title(id string) string {
	compileOnce.Do(compileAll)
	return titles[id]
}

// Violation is one rule a file breaks.
type Violation struct {
	Pointer string // JSON pointer into the file ("" is the whole file)
	Rule    string // the schema keyword and its location, e.g. /$defs/nodeResult/additionalProperties
	Message string
}

// ValidationError says why one check's platform file does not match its schema.
type ValidationError struct {
	CheckID    string
	Violations []Violation
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "platform file %s.json does not match the %s schema:", e.CheckID, e.CheckID)
	for i, v := range e.Violations {
		if i == 10 {
			fmt.Fprintf(&b, " (and %d more)", len(e.Violations)-i)
			break
		}
		p := v.Pointer
		if p == "" {
			p = "(root)"
		}
		fmt.Fprintf(&b, "\n  at %s: %s (rule %s)", p, v.Message, v.Rule)
	}
	return b.String()
}

var printer = message.NewPrinter(language.English)

// Validate checks data, the platform file of check id, against the platform's schema
// for id. The error names the check, and for each violation the JSON pointer into the
// file and the schema rule it breaks (a *ValidationError). A check without a schema,
// or data that is not JSON, is an error too: nothing unchecked may be sent.
func Validate(id string, data []byte) error {
	compileOnce.Do(compileAll)
	if compileErr != nil {
		return fmt.Errorf("platform schemas: %w", compileErr)
	}
	s, ok := compiled[id]
	if !ok {
		return fmt.Errorf("platform file %s.json: no platform schema for check %q", id, id)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("platform file %s.json: not JSON: %w", id, err)
	}
	err = s.Validate(inst)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return fmt.Errorf("platform file %s.json: %w", id, err)
	}
	out := &ValidationError{CheckID: id}
	leaves(ve, func(l *jsonschema.ValidationError) {
		out.Violations = append(out.Violations, Violation{
			Pointer: pointer(l.InstanceLocation),
			Rule:    rule(l),
			Message: l.ErrorKind.LocalizedString(printer),
		})
	})
	if len(out.Violations) == 0 {
		out.Violations = []Violation{{Rule: rule(ve), Message: ve.ErrorKind.LocalizedString(printer)}}
	}
	return out
}

// leaves calls f on the innermost errors: the rules actually broken, not the "$ref" or
// "allOf" that led to them.
func leaves(e *jsonschema.ValidationError, f func(*jsonschema.ValidationError)) {
	if len(e.Causes) == 0 {
		f(e)
		return
	}
	for _, c := range e.Causes {
		leaves(c, f)
	}
}

// pointer is an RFC 6901 JSON pointer.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

// rule is the schema location of the broken keyword, as a pointer into the schema.
func rule(e *jsonschema.ValidationError) string {
	loc := e.SchemaURL
	if i := strings.IndexByte(loc, '#'); i >= 0 {
		loc = loc[i+1:]
	} else {
		loc = ""
	}
	kw := e.ErrorKind.KeywordPath()
	if len(kw) > 0 {
		loc += pointer(kw)
	}
	if loc == "" {
		return "/"
	}
	return loc
}
