package report

import "bytes"

// splitBlocks cuts Markdown into pieces of about size bytes (or more, never less unless
// it ends) at top-level block boundaries, so the HTML writer can convert one piece at a
// time: goldmark's syntax tree of a large check's tables costs some 30 times their text.
// A cut is made only where a whole-document parse starts a new block anyway: after a
// blank line, before a line that starts at the margin and does not continue a list or
// quote (so lists keep their looseness), outside any fenced block, and never after a
// line that may open an HTML block, which could run across blank lines.
func splitBlocks(src []byte, size int) [][]byte {
	var parts [][]byte
	start, fence, html := 0, "", false
	blank := false // the previous line was blank
	for i := 0; i < len(src); {
		end := bytes.IndexByte(src[i:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += i + 1
		}
		line := string(bytes.TrimRight(src[i:end], "\r\n"))
		if fence == "" && !html && blank && i-start >= size && cuttable(line) {
			parts = append(parts, src[start:i])
			start = i
		}
		switch f := fenceOf(line); {
		case fence == "" && f != "":
			fence = f
		case fence != "" && closes(line, fence):
			fence = ""
		case fence == "" && len(bytes.TrimLeft([]byte(line), " ")) > 0 && bytes.TrimLeft([]byte(line), " ")[0] == '<':
			html = true // stays set: no more cuts in this piece's remainder
		}
		blank = len(bytes.TrimSpace([]byte(line))) == 0
		i = end
	}
	return append(parts, src[start:])
}

// cuttable: a line at the margin that is not a list item, a quote or an HTML start.
func cuttable(line string) bool {
	if line == "" || line[0] == ' ' || line[0] == '\t' || line[0] == '>' || line[0] == '<' {
		return false
	}
	switch line[0] {
	case '-', '*', '+':
		return len(line) > 1 && line[1] != ' ' && line[1] != '\t'
	}
	i := 0
	for i < len(line) && i < 10 && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	return !(i > 0 && i < len(line) && (line[i] == '.' || line[i] == ')'))
}
