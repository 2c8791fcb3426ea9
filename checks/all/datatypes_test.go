package all

import (
	"fmt"
	"reflect"

	"github.com/pgcheckup/pgcheckup/checks"
)

var allowedStrings = map[reflect.Type]bool{
	reflect.TypeFor[checks.Name]():       true,
	reflect.TypeFor[checks.Text]():       true,
	reflect.TypeFor[checks.Host]():       true,
	reflect.TypeFor[checks.QueryText]():  true,
	reflect.TypeFor[checks.Definition](): true,
	reflect.TypeFor[checks.Label]():      true,
}

// plainStrings lists the places in type t where a plain string could carry a database
// string past the privacy path. Interfaces are refused too: their content is unknown.
func plainStrings(t reflect.Type, path string, seen map[reflect.Type]bool) []string {
	if allowedStrings[t] {
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		return []string{fmt.Sprintf("%s is %s", path, t)}
	case reflect.Interface:
		return []string{fmt.Sprintf("%s is an interface (%s)", path, t)}
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return plainStrings(t.Elem(), path+"[]", seen)
	case reflect.Map:
		return append(plainStrings(t.Key(), path+"{key}", seen), plainStrings(t.Elem(), path+"{}", seen)...)
	case reflect.Struct:
		if seen[t] || t.PkgPath() == "time" {
			return nil
		}
		seen[t] = true
		var out []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.IsExported() {
				out = append(out, plainStrings(f.Type, path+"."+f.Name, seen)...)
			}
		}
		return out
	}
	return nil
}
