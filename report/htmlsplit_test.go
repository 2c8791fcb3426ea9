package report

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/yuin/goldmark/parser"
)

func toHTML(t *testing.T, pieces [][]byte) string {
	t.Helper()
	ids := &headingIDs{seen: map[string]int{}}
	var b bytes.Buffer
	for _, p := range pieces {
		if err := md.Convert(p, &b, parser.WithContext(parser.NewContext(parser.WithIDs(ids)))); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// Converting Markdown piece by piece, cut as small as splitBlocks allows, gives the HTML
// of one conversion of the whole: for the demo and the hostile report and for the shapes
// a careless cut would change (a loose list, a fence or HTML block across blank lines,
// a quote, an indented continuation).
func TestSplitBlocksKeepsHTML(t *testing.T) {
	rd, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{
		"shapes": []byte("# T\n\npara\n\n- a\n\n- b\n\n1. one\n\n2) two\n\n> q\n\n> r\n\n" +
			"```\ncode\n\nmore\n```\n\n    indented\n\n    code\n\n<!--\n\ncomment\n\n-->\n\nafter\n\n" +
			"| a | b |\n|---|---|\n| 1 | 2 |\n\n- item\n\n  continued\n\nend\n"),
	}
	for _, path := range []string{filepath.Join("..", "samples", "demo", "report.json"), filepath.Join("..", "testdata", "hostile", "report.json")} {
		r, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		b, err := rd.Markdown(r)
		if err != nil {
			t.Fatal(err)
		}
		docs[path] = b
	}
	for name, src := range docs {
		pieces := splitBlocks(src, 1)
		if len(pieces) < 3 {
			t.Errorf("%s: only %d pieces", name, len(pieces))
		}
		if got := bytes.Join(pieces, nil); !bytes.Equal(got, src) {
			t.Fatalf("%s: pieces do not add up to the document", name)
		}
		whole, split := toHTML(t, [][]byte{src}), toHTML(t, pieces)
		if whole != split {
			i := 0
			for i < len(whole) && i < len(split) && whole[i] == split[i] {
				i++
			}
			t.Errorf("%s: HTML differs at byte %d:\nwhole: %q\nsplit: %q", name, i, whole[max(0, i-80):min(len(whole), i+80)], split[max(0, i-80):min(len(split), i+80)])
		}
	}
}
