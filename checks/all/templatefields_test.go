package all

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"text/template"
	"text/template/parse"
)

// templateFieldErrors walks template name of set as the renderer executes it, with
// {"Data": <JSON of a value of type data>, "Node": "<name>"} as dot, and returns one
// message for every field chain the JSON of that type does not have. Templates run with
// missingkey=zero over decoded JSON, so a renamed or missing field renders as an empty cell
// instead of failing: this is the check that the renderer cannot make.
//
// Types are tracked through .Data, range, with, declared variables, function arguments and
// parenthesized pipelines. A value whose shape is not known from the type (the result of a
// function, any, a json.Marshaler) is not checked below.
func templateFieldErrors(set *template.Template, name string, data reflect.Type) []string {
	root := reflect.StructOf([]reflect.StructField{
		{Name: "Data", Type: data, Tag: `json:"Data"`},
		{Name: "Node", Type: reflect.TypeFor[string](), Tag: `json:"Node"`},
	})
	c := &fieldChecker{set: set, walking: map[string]bool{}}
	c.template(name, root)
	return c.errs
}

type fieldChecker struct {
	set     *template.Template
	tree    *parse.Tree // the tree being walked, for error positions
	errs    []string
	walking map[string]bool // templates on the current {{template}} path, against recursion
}

// variable is a template variable in scope and the type of its value (nil: unknown).
type variable struct {
	name string
	typ  reflect.Type
}

func (c *fieldChecker) template(name string, dot reflect.Type) {
	t := c.set.Lookup(name)
	if t == nil || t.Tree == nil || c.walking[name] {
		return
	}
	c.walking[name] = true
	defer delete(c.walking, name)
	outer := c.tree
	c.tree = t.Tree
	defer func() { c.tree = outer }()
	vars := []variable{{"$", dot}}
	c.walk(t.Tree.Root, dot, &vars)
}

func (c *fieldChecker) walk(n parse.Node, dot reflect.Type, vars *[]variable) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, x := range n.Nodes {
			c.walk(x, dot, vars)
		}
	case *parse.ActionNode:
		c.declare(n.Pipe, c.pipe(n.Pipe, dot, vars), vars)
	case *parse.IfNode:
		c.branch(&n.BranchNode, dot, vars)
	case *parse.WithNode:
		mark := len(*vars)
		t := c.pipe(n.Pipe, dot, vars)
		c.declare(n.Pipe, t, vars)
		c.walk(n.List, t, vars)
		c.walk(n.ElseList, dot, vars)
		*vars = (*vars)[:mark]
	case *parse.RangeNode:
		mark := len(*vars)
		key, elem := elements(c.pipe(n.Pipe, dot, vars))
		switch len(n.Pipe.Decl) {
		case 1:
			*vars = append(*vars, variable{n.Pipe.Decl[0].Ident[0], elem})
		case 2:
			*vars = append(*vars, variable{n.Pipe.Decl[0].Ident[0], key}, variable{n.Pipe.Decl[1].Ident[0], elem})
		}
		c.walk(n.List, elem, vars)
		c.walk(n.ElseList, dot, vars)
		*vars = (*vars)[:mark]
	case *parse.TemplateNode:
		var arg reflect.Type
		if n.Pipe != nil {
			arg = c.pipe(n.Pipe, dot, vars)
		}
		c.template(n.Name, arg)
	}
}

// branch walks an if: its list and else list keep dot; variables it declares end with it.
func (c *fieldChecker) branch(n *parse.BranchNode, dot reflect.Type, vars *[]variable) {
	mark := len(*vars)
	c.declare(n.Pipe, c.pipe(n.Pipe, dot, vars), vars)
	c.walk(n.List, dot, vars)
	c.walk(n.ElseList, dot, vars)
	*vars = (*vars)[:mark]
}

// declare binds the variables a pipeline declares ({{$d := .Data}}) or assigns.
func (c *fieldChecker) declare(p *parse.PipeNode, t reflect.Type, vars *[]variable) {
	for _, d := range p.Decl {
		if p.IsAssign {
			for i := len(*vars) - 1; i >= 0; i-- {
				if (*vars)[i].name == d.Ident[0] {
					(*vars)[i].typ = t
					break
				}
			}
			continue
		}
		*vars = append(*vars, variable{d.Ident[0], t})
	}
}

// pipe checks every command of a pipeline and returns the type of its result.
func (c *fieldChecker) pipe(p *parse.PipeNode, dot reflect.Type, vars *[]variable) reflect.Type {
	if p == nil {
		return nil
	}
	var t reflect.Type
	for _, cmd := range p.Cmds {
		t = c.command(cmd, dot, vars)
	}
	return t
}

func (c *fieldChecker) command(cmd *parse.CommandNode, dot reflect.Type, vars *[]variable) reflect.Type {
	if len(cmd.Args) == 0 {
		return nil
	}
	if _, ok := cmd.Args[0].(*parse.IdentifierNode); ok {
		// A function: its arguments are checked, its result is not known.
		for _, a := range cmd.Args[1:] {
			c.arg(a, dot, vars)
		}
		return nil
	}
	return c.arg(cmd.Args[0], dot, vars)
}

func (c *fieldChecker) arg(n parse.Node, dot reflect.Type, vars *[]variable) reflect.Type {
	switch a := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		return c.fields(a, dot, a.Ident)
	case *parse.VariableNode:
		return c.fields(a, lookup(*vars, a.Ident[0]), a.Ident[1:])
	case *parse.ChainNode:
		return c.fields(a, c.arg(a.Node, dot, vars), a.Field)
	case *parse.PipeNode:
		mark := len(*vars)
		t := c.pipe(a, dot, vars)
		c.declare(a, t, vars)
		*vars = (*vars)[:mark]
		return t
	}
	return nil
}

// fields follows a chain of field names from a value of type t.
func (c *fieldChecker) fields(at parse.Node, t reflect.Type, names []string) reflect.Type {
	for _, name := range names {
		if t == nil {
			return nil
		}
		next, ok := jsonField(t, name)
		if !ok {
			loc, _ := c.tree.ErrorContext(at)
			c.errs = append(c.errs, fmt.Sprintf("%s: %s: no field %q in the JSON of %s", loc, at, name, t))
			return nil
		}
		t = next
	}
	return t
}

func lookup(vars []variable, name string) reflect.Type {
	for i := len(vars) - 1; i >= 0; i-- {
		if vars[i].name == name {
			return vars[i].typ
		}
	}
	return nil
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// opaque reports whether the JSON shape of t is its own business (a json.Marshaler).
func opaque(t reflect.Type) bool {
	return t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler)
}

// jsonField is the type of the member name of a JSON value of type t: (nil, true) when
// t's shape is unknown, false when t has no such member.
func jsonField(t reflect.Type, name string) (reflect.Type, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if opaque(t) {
		return nil, true
	}
	if t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
		return nil, false // a JSON string
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil, true
	case reflect.Map:
		return t.Elem(), true
	case reflect.Struct:
		f, ok := jsonFields(t)[name]
		return f, ok
	}
	return nil, false
}

// jsonFields maps the member names encoding/json writes for struct t to their types:
// the tag's name, else the Go name; "-" and unexported fields are left out; an untagged
// embedded struct's fields are promoted unless the outer struct has the name.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var promoted []map[string]reflect.Type
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" && f.Tag.Get("json") == "-" {
			continue
		}
		if f.Anonymous && tag == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && !opaque(ft) {
				promoted = append(promoted, jsonFields(ft))
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		out[tag] = f.Type
	}
	for _, p := range promoted {
		for k, v := range p {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return out
}

// elements is the key and element type of ranging over a value of type t.
func elements(t reflect.Type) (key, elem reflect.Type) {
	if t == nil {
		return nil, nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if opaque(t) {
		return nil, nil
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return reflect.TypeFor[int](), t.Elem()
	case reflect.Map:
		return t.Key(), t.Elem()
	case reflect.Int, reflect.Int64, reflect.Int32:
		return t, t
	}
	return nil, nil
}
