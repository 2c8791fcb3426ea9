package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// decode decodes a report.json one check at a time, so memory holds the decoded
// report and one check's raw text, not the whole file besides. Each result's data is
// kept compacted as json.RawMessage (indentation is most of a report's bytes) until a
// template needs it. It reads what json.Unmarshal into a Report would: keys match
// fields case-insensitively, the last of a repeated key wins, unknown keys are ignored.
func decode(in io.Reader) (*Report, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(in, 1<<20))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var list []Check
	fields := map[string]json.RawMessage{} // everything but the checks: small
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		if !strings.EqualFold(key, "checks") {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, err
			}
			fields[key] = v
			continue
		}
		if list, err = decodeChecks(dec); err != nil {
			return nil, err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("invalid character after top-level value")
	}
	head, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(head, &r); err != nil {
		return nil, err
	}
	r.Checks = list
	if r.SchemaVersion < 3 {
		// Before version 3 each node's copy of a finding was its own entry.
		for i := range r.Checks {
			r.Checks[i].Findings = MergeFindings(r.Checks[i].Findings)
		}
	}
	return &r, nil
}

// decodeChecks decodes the checks array (or null) element by element.
func decodeChecks(dec *json.Decoder) ([]Check, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("checks: want an array, got %v", tok)
	}
	list := []Check{}
	for dec.More() {
		var c Check
		if err := dec.Decode(&c); err != nil {
			return nil, err
		}
		for i := range c.Results {
			c.Results[i].Data = compact(c.Results[i].Data)
		}
		list = append(list, c)
	}
	return list, expectDelim(dec, ']')
}

func compact(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return raw
	}
	var b bytes.Buffer
	b.Grow(len(raw) / 2)
	if err := json.Compact(&b, raw); err != nil {
		return raw // Decode accepted it, so this does not happen; keep it as it came
	}
	return bytes.Clone(b.Bytes()) // no spare capacity kept for the life of the report
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, got %v", want, tok)
	}
	return nil
}
