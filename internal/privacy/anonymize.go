package privacy

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// keepNames are built-in names that tell a reader much and the owner nothing; they stay
// as they are in anonymized reports.
var keepNames = map[string]bool{
	"postgres": true, "template0": true, "template1": true, "public": true, "pg_catalog": true,
	"information_schema": true, "pg_toast": true, "pgcheckup": true, "": true,
	// Access methods and common functions in index definitions: they describe the shape.
	"btree": true, "hash": true, "gist": true, "gin": true, "spgist": true, "brin": true,
	"lower": true, "upper": true, "md5": true, "date_trunc": true, "to_tsvector": true, "now": true,
	"nextval": true, "currval": true, "length": true, "char_length": true, "date_part": true, "gen_random_uuid": true,
	"clock_timestamp": true, "statement_timestamp": true, "transaction_timestamp": true, "timezone": true,
	// Built-in types the SQL scanner sees as identifiers (casts in definitions and defaults).
	"date": true, "regclass": true, "regtype": true, "regproc": true, "regprocedure": true, "regconfig": true,
	"regnamespace": true, "regrole": true, "oid": true, "jsonb": true, "json": true, "uuid": true, "bytea": true,
	"inet": true, "cidr": true, "macaddr": true, "tsvector": true, "tsquery": true, "int2": true, "int4": true,
	"int8": true, "float4": true, "float8": true, "bool": true, "timestamptz": true, "timetz": true, "citext": true,
}

// Anonymizer maps names to stable pseudonyms: a keyed hash, so two runs with the same
// key give the same pseudonyms and only the key's owner can map a name to its pseudonym.
// It is safe for concurrent use.
type Anonymizer struct {
	key  []byte
	mu   sync.Mutex
	seen map[string]string // name -> pseudonym
	// multi are the known names that are not one word ("my table", "app.key"), longest
	// first: free text is searched for these few; every other name is looked up word by
	// word.
	multi []string
	// protected are words of the server's own vocabulary (the names of its settings): a
	// user's object of the same name cannot turn them into pseudonyms.
	protected map[string]bool
}

// NewAnonymizer uses key (at least 16 bytes).
func NewAnonymizer(key []byte) (*Anonymizer, error) {
	if len(key) < 16 {
		return nil, errors.New("anonymization key too short")
	}
	return &Anonymizer{key: key, seen: map[string]string{}, protected: map[string]bool{}}, nil
}

// LoadOrCreateKey reads the per-project key at path, creating it (0600) on first use.
// It is kept beside the reports, not in them: a report mailed out carries no key.
func LoadOrCreateKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return hex.DecodeString(strings.TrimSpace(string(b)))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write anonymization key: %w", err)
	}
	return key, nil
}

// Pseudonym returns the stable pseudonym of name and remembers the pair.
func (a *Anonymizer) Pseudonym(name string) string {
	if keepNames[name] || strings.HasPrefix(name, "pg_") || strings.HasSuffix(name, "_ops") || isPseudonym(name) {
		return name
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.protected[name] {
		return name
	}
	if p, ok := a.seen[name]; ok {
		return p
	}
	p := "n_" + a.mac(name)[:10]
	a.seen[name] = p
	if !isWord(name) {
		i := sort.Search(len(a.multi), func(i int) bool {
			return len(a.multi[i]) < len(name) || len(a.multi[i]) == len(name) && a.multi[i] >= name
		})
		a.multi = append(a.multi, "")
		copy(a.multi[i+1:], a.multi[i:])
		a.multi[i] = name
	}
	return p
}

// Protect marks words of the server's own vocabulary (its settings' names): they are
// never replaced, even when an object has the same name.
func (a *Anonymizer) Protect(words ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, w := range words {
		a.protected[w] = true
	}
}

// mac is the hex HMAC of s with the project key.
func (a *Anonymizer) mac(s string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return s != ""
}

var pseudonymRE = regexp.MustCompile(`^n_[0-9a-f]{10}$`)

func isPseudonym(s string) bool { return pseudonymRE.MatchString(s) }

// Definition replaces the identifiers in SQL text (a normalized query) by their
// pseudonyms, keeping its shape. Text the scanner cannot read is withheld.
func (a *Anonymizer) Definition(sql string) string {
	out, err := rewriteSQL(sql, sqlEdit{name: a.identifier, keyword: a.knownKeyword})
	if err != nil {
		return DefinitionWithheld
	}
	return out
}

// knownKeyword replaces a keyword that is the name of an object seen in the run: in a
// query someone wrote, "name" may be the keyword or a column, and only a known column
// is taken for one.
func (a *Anonymizer) knownKeyword(word string) (string, bool) {
	w := strings.ToLower(word)
	a.mu.Lock()
	_, ok := a.seen[w]
	a.mu.Unlock()
	if !ok {
		return "", false
	}
	return a.Pseudonym(w), true
}

// definitionKeyword replaces a keyword written in lower case in SQL the server
// generated: the server writes keywords in upper case, and names that are unreserved
// keywords unquoted in lower case (CREATE INDEX name ON schema.rows).
func (a *Anonymizer) definitionKeyword(word string) (string, bool) {
	if word == strings.ToLower(word) {
		return a.Pseudonym(word), true
	}
	return a.knownKeyword(word)
}

// identifier returns the pseudonym of an identifier token as written in SQL: quoted
// identifiers keep their case, unquoted ones are folded to lower case as the server does.
func (a *Anonymizer) identifier(word string) string {
	if strings.HasPrefix(word, `"`) {
		return a.Pseudonym(strings.ReplaceAll(strings.Trim(word, `"`), `""`, `"`))
	}
	return a.Pseudonym(strings.ToLower(word))
}

// Replace replaces every name seen so far inside free text where it stands as a whole
// word (so "id" does not change "valid"). The text is scanned once and each word looked
// up; only names that are not one word are searched for, longest first.
func (a *Anonymizer) Replace(s string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, n := range a.multi {
		if strings.Contains(s, n) {
			s = replaceWord(s, n, a.seen[n])
		}
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isWordByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		if p, ok := a.seen[s[i:j]]; ok && !a.protected[s[i:j]] {
			b.WriteString(s[last:i])
			b.WriteString(p)
			last = j
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func replaceWord(s, old, repl string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := i + len(old)
		if (i > 0 && isWordByte(s[i-1]) && isWordByte(old[0])) || (j < len(s) && isWordByte(s[j]) && isWordByte(old[len(old)-1])) {
			b.WriteString(s[:j])
		} else {
			b.WriteString(s[:i])
			b.WriteString(repl)
		}
		s = s[j:]
	}
}
