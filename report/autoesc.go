package report

import (
	"text/template"
	"text/template/parse"
)

// safeFuncs are the template functions whose output is already safe Markdown whatever
// their input: they escape it or print only numbers and fixed words.
var safeFuncs = map[string]bool{"esc": true, "code": true, "join": true, "bytes": true, "num": true,
	"pct": true, "float": true, "dur": true, "ms": true, "inc": true, "yesno": true, "len": true}

// autoEscape makes every action of every template that prints a value end in esc, unless
// it already ends in a safe function. The data comes from a report.json that may come
// from anyone: a field a template prints as it is ("{{.sourceline}}", a number in a real
// report) can hold a string with pipes, newlines and HTML in a hostile one. This is what
// html/template does for HTML, done for Markdown, so a new template cannot forget it.
func autoEscape(t *template.Template) {
	for _, tt := range t.Templates() {
		if tt.Tree != nil && tt.Tree.Root != nil {
			escapeList(tt.Tree.Root)
		}
	}
}

func escapeList(l *parse.ListNode) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		switch x := n.(type) {
		case *parse.ActionNode:
			escapePipe(x.Pipe)
		case *parse.IfNode:
			escapeList(x.List)
			escapeList(x.ElseList)
		case *parse.RangeNode:
			escapeList(x.List)
			escapeList(x.ElseList)
		case *parse.WithNode:
			escapeList(x.List)
			escapeList(x.ElseList)
		}
	}
}

func escapePipe(p *parse.PipeNode) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) == 0 {
		return // a declaration or assignment prints nothing
	}
	last := p.Cmds[len(p.Cmds)-1]
	if id, ok := last.Args[0].(*parse.IdentifierNode); ok && safeFuncs[id.Ident] {
		return
	}
	p.Cmds = append(p.Cmds, &parse.CommandNode{NodeType: parse.NodeCommand, Pos: last.Pos,
		Args: []parse.Node{parse.NewIdentifier("esc").SetPos(last.Pos)}})
}
