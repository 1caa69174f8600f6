package usermode

import (
	"reflect"
	"testing"
)

// fill sets every exported field reachable from v to a value that is not
// its zero value, different from field to field (slices get two elements,
// pointers a value).
func fill(v reflect.Value, n *uint64) {
	*n++
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), n)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(v.Index(0), n)
		fill(v.Index(1), n)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.String:
		v.SetString("s" + string(rune('a'+*n%26)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(-int64(*n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(*n)
	default:
		panic("fill: no value for " + v.Type().String())
	}
}

// TestForkStateRoundTrip encodes a state with every field set and decodes
// it back: a field the codec forgets comes back zero.
func TestForkStateRoundTrip(t *testing.T) {
	var st forkState
	var n uint64
	fill(reflect.ValueOf(&st).Elem(), &n)
	got, err := decodeForkState(encodeForkState(&st))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &st) {
		t.Fatalf("decoded state differs:\n got %+v\nwant %+v", got, &st)
	}
	b := encodeForkState(&st)
	for _, cut := range []int{0, 1, len(b) / 2, len(b) - 1} {
		if _, err := decodeForkState(b[:cut]); err == nil {
			t.Errorf("a state cut at %d of %d bytes decoded without error", cut, len(b))
		}
	}
	if _, err := decodeForkState(append(b, 0)); err == nil {
		t.Error("a state with a trailing byte decoded without error")
	}
}
