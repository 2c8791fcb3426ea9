package main

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// validateSettings checks the settings of one check (what Config returns) once the file
// is decoded into them, and returns the TOML key at fault when it knows it.
//
// Every check gets the generic rule: a number is finite and not negative. Thresholds are
// counts, sizes, ages, shares and limits; a negative one is never meant and failed later,
// on every node (a negative top_n is a SQL error). Upper bounds are left to each check's
// own Validate: several percentages are legitimately above 100 (overdue_percent of a
// freeze max age, stale_percent of rows changed since ANALYZE), and a name cannot tell.
func validateSettings(settings any) (string, error) {
	v := reflect.ValueOf(settings)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct {
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			if err := checkNumber(v.Field(i)); err != nil {
				return tomlKey(f), err
			}
		}
	}
	if val, ok := settings.(checks.Validator); ok {
		if err := val.Validate(); err != nil {
			return "", err
		}
	}
	return "", nil
}

// checkNumber refuses negative, NaN and infinite numbers. Values read from text (a
// severity) check themselves when they are decoded.
func checkNumber(v reflect.Value) error {
	if v.CanAddr() {
		if _, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
			return nil
		}
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Int() < 0 {
			return fmt.Errorf("%d is negative", v.Int())
		}
	case reflect.Float32, reflect.Float64:
		x := v.Float()
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			return fmt.Errorf("%v is not a number", x)
		case x < 0:
			return fmt.Errorf("%v is negative", x)
		}
	}
	return nil
}

// tomlKey is the name of a field in the file, as the TOML decoder matches it.
func tomlKey(f reflect.StructField) string {
	if name, _, _ := strings.Cut(f.Tag.Get("toml"), ","); name != "" && name != "-" {
		return name
	}
	return f.Name
}
