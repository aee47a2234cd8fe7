package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/fulcrum-intake/fulcrum/flows"
)

// fill sets every field reachable from v, however deep, to a value that is not zero.
func fill(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			name := path + "." + v.Type().Field(i).Name
			if !f.CanSet() {
				t.Fatalf("%s is unexported: cloneSession cannot be checked, and JSON does not store it", name)
			}
			fill(t, f, name)
		}
	case reflect.Pointer:
		// A type that points to itself (Sub.Prev) is filled three levels deep, not forever.
		if strings.Count(path, "."+v.Type().Elem().Name()) > 3 || strings.Count(path, ".Prev") > 2 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), path)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			fill(t, k, path+"[key]")
			if k.Kind() == reflect.String {
				k.SetString(fmt.Sprint("k", i))
			}
			e := reflect.New(v.Type().Elem()).Elem()
			fill(t, e, path+"[]")
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		v.SetString(path)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(7)
	default:
		t.Fatalf("%s: fill does not know %s; teach it, and cloneSession", path, v.Kind())
	}
}

// scribble changes every value reachable from v in place, without replacing any slice, map or pointer, so that
// anything the clone shares with the original shows up in the original.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			scribble(v.Field(i))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			scribble(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			scribble(e)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		v.SetString(v.String() + "!")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(v.Uint() + 1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(v.Float() + 1)
	}
}

func TestCloneSessionCopiesEveryField(t *testing.T) {
	full := func() *flows.Session {
		var s flows.Session
		fill(t, reflect.ValueOf(&s).Elem(), "Session")
		return &s
	}
	orig := full()
	c := cloneSession(orig)
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("the clone differs from the original:\n%+v\n%+v", c, orig)
	}
	scribble(reflect.ValueOf(c).Elem())
	if !reflect.DeepEqual(orig, full()) {
		t.Error("changing the clone changed the original: cloneSession shares a slice, map or pointer")
	}
	// The cache hands out clones where it used to hand out decodes: both must be the same session.
	data, err := json.Marshal(orig)
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := decodeSession(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(decoded, cloneSession(orig)) {
		t.Errorf("a field does not survive JSON (json:\"-\"?), so a clone is not what is stored:\n%+v\n%+v", decoded, orig)
	}
	if got := cloneSession(&flows.Session{}); got.Answers == nil {
		t.Error("a clone has no Answers map, as a decoded session always has")
	}
}
