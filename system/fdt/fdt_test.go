package fdt

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
)

// sampleTree uses every kind of property the builder makes.
func sampleTree() *Tree {
	t := NewTree()
	t.BootCPU = 1
	t.Reservations = []Reservation{{0x80000000, 0x200000}, {0x1_0000_0000, 0x1000}}
	r := t.Root
	r.SetU32("#address-cells", 2).SetU32("#size-cells", 2).SetString("compatible", "test,board")
	dev := r.AddNode("dev@10000000")
	dev.SetCells("reg", 0, 0x10000000, 0, 0x100).SetU64("big", 0x0123456789abcdef)
	dev.SetStrings("compatible", "vendor,a", "vendor,b").SetEmpty("flag")
	dev.SetBytes("raw", []byte{1, 2, 3}).SetPhandle(7)
	dev.AddNode("sub").SetPhandleRef("interrupt-parent", 7).SetString("compatible", "x")
	r.AddNode("other").SetString("label", "odd-length!")
	return t
}

func TestBlobRoundTrip(t *testing.T) {
	want := sampleTree()
	blob, err := want.Blob()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(blob)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip differs:\ngot  %+v\nwant %+v", got, want)
	}
}

// TestBlobLayout checks the header and block layout of §5.2 to §5.5.
func TestBlobLayout(t *testing.T) {
	blob, err := sampleTree().Blob()
	if err != nil {
		t.Fatal(err)
	}
	w := func(i int) uint32 { return binary.BigEndian.Uint32(blob[4*i:]) }
	if w(0) != Magic || int(w(1)) != len(blob) || w(5) != 17 || w(6) != 16 || w(7) != 1 {
		t.Fatalf("header magic %#x totalsize %d (blob %d) version %d/%d boot cpu %d",
			w(0), w(1), len(blob), w(5), w(6), w(7))
	}
	structOff, stringsOff, rsvOff := w(2), w(3), w(4)
	if rsvOff%8 != 0 || structOff%4 != 0 || structOff != rsvOff+3*16 {
		t.Fatalf("offsets: rsvmap %d struct %d", rsvOff, structOff)
	}
	if stringsOff != structOff+w(9) || stringsOff+w(8) != w(1) {
		t.Fatalf("strings block at %d size %d, struct size %d", stringsOff, w(8), w(9))
	}
	strs := string(blob[stringsOff:])
	if n := strings.Count(strs, "compatible\x00"); n != 1 {
		t.Fatalf("%q appears %d times in the strings block %q", "compatible", n, strs)
	}
}

// TestBlobThroughDtc decodes the blob with dtc instead of Parse.
func TestBlobThroughDtc(t *testing.T) {
	blob, err := sampleTree().Blob()
	if err != nil {
		t.Fatal(err)
	}
	root, rsv := parseDTS(t, decompile(t, blob))
	wantRsv := []string{"/memreserve/\t0x0000000080000000 0x0000000000200000;",
		"/memreserve/\t0x0000000100000000 0x0000000000001000;"}
	if !reflect.DeepEqual(rsv, wantRsv) {
		t.Errorf("memreserve %q, want %q", rsv, wantRsv)
	}
	dev := root.lookup("/dev@10000000")
	if dev == nil {
		t.Fatal("no /dev@10000000")
	}
	want := []dtsProp{
		{"reg", "<0x00 0x10000000 0x00 0x100>"},
		{"big", "<0x1234567 0x89abcdef>"},
		{"compatible", `"vendor,a\0vendor,b"`},
		{"flag", ""},
		{"raw", "[01 02 03]"},
		{"phandle", "<0x07>"},
	}
	if !reflect.DeepEqual(dev.props, want) {
		t.Errorf("dev props\n%q\nwant\n%q", dev.props, want)
	}
	if v, _ := root.lookup("/dev@10000000/sub").prop("interrupt-parent"); v != "<0x07>" {
		t.Errorf("sub interrupt-parent %q", v)
	}
	if v, _ := root.lookup("/other").prop("label"); v != `"odd-length!"` {
		t.Errorf("label %q", v)
	}
}

func TestBlobRejects(t *testing.T) {
	cases := map[string]func(*Tree){
		"empty node name":   func(t *Tree) { t.Root.AddNode("") },
		"digit first":       func(t *Tree) { t.Root.AddNode("0dev") },
		"bad character":     func(t *Tree) { t.Root.AddNode("dev/x") },
		"empty unit":        func(t *Tree) { t.Root.AddNode("dev@") },
		"long name":         func(t *Tree) { t.Root.AddNode(strings.Repeat("a", 32)) },
		"duplicate child":   func(t *Tree) { t.Root.AddNode("a"); t.Root.AddNode("a") },
		"bad property name": func(t *Tree) { t.Root.SetU32("a b", 1) },
		"duplicate property": func(t *Tree) {
			t.Root.Props = append(t.Root.Props, Property{"p", nil}, Property{"p", nil})
		},
		"named root": func(t *Tree) { t.Root.Name = "root" },
	}
	for name, mutate := range cases {
		tr := NewTree()
		mutate(tr)
		if _, err := tr.Blob(); err == nil {
			t.Errorf("%s: Blob accepted it", name)
		}
	}
}

func TestSetReplaces(t *testing.T) {
	n := &Node{}
	n.SetU32("a", 1).SetU32("b", 2).SetU32("a", 3)
	if len(n.Props) != 2 || n.Props[0].Name != "a" {
		t.Fatalf("props %+v", n.Props)
	}
	if v, _ := n.Prop("a"); !bytes.Equal(v, []byte{0, 0, 0, 3}) {
		t.Fatalf("a = %x", v)
	}
}

func TestDecoders(t *testing.T) {
	if c, ok := Cells([]byte{0, 0, 0, 1, 0xff, 0, 0, 2}); !ok || !reflect.DeepEqual(c, []uint32{1, 0xff000002}) {
		t.Errorf("Cells = %v %v", c, ok)
	}
	if _, ok := Cells([]byte{1, 2}); ok {
		t.Error("Cells accepted 2 bytes")
	}
	if s, ok := Strings([]byte("a\x00bc\x00")); !ok || !reflect.DeepEqual(s, []string{"a", "bc"}) {
		t.Errorf("Strings = %q %v", s, ok)
	}
	if _, ok := Strings([]byte("a")); ok {
		t.Error("Strings accepted an unterminated string")
	}
}

// TestParseRejects feeds Parse damaged copies of a good blob.
func TestParseRejects(t *testing.T) {
	good, err := sampleTree().Blob()
	if err != nil {
		t.Fatal(err)
	}
	put := func(b []byte, off int, v uint32) []byte {
		b = append([]byte{}, b...)
		binary.BigEndian.PutUint32(b[off:], v)
		return b
	}
	structOff := int(binary.BigEndian.Uint32(good[8:]))
	cases := map[string][]byte{
		"short":          good[:20],
		"magic":          put(good, 0, 0xfeedd00d),
		"version":        put(good, 24, 18),
		"totalsize":      put(good, 4, uint32(len(good)+1)),
		"truncated":      good[:len(good)-4],
		"struct size":    put(good, 36, 0x10000),
		"first token":    put(good, structOff, tokenProp),
		"unknown token":  put(good, structOff+8, 0x7),
		"strings offset": put(good, 12, uint32(len(good))),
	}
	for name, b := range cases {
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		}
	}
}

// TestParseNop checks that NOP tokens (§5.4.1) are skipped.
func TestParseNop(t *testing.T) {
	tr := NewTree()
	tr.Root.AddNode("a").SetU32("x", 1)
	blob, err := tr.Blob()
	if err != nil {
		t.Fatal(err)
	}
	structOff := binary.BigEndian.Uint32(blob[8:])
	// Root BEGIN_NODE and its empty name take 8 bytes; put a NOP after them.
	nop := binary.BigEndian.AppendUint32(nil, tokenNop)
	b := append(append(append([]byte{}, blob[:structOff+8]...), nop...), blob[structOff+8:]...)
	for i, delta := range map[int]uint32{4: 4, 12: 4, 36: 4} { // totalsize, strings offset, struct size
		binary.BigEndian.PutUint32(b[i:], binary.BigEndian.Uint32(b[i:])+delta)
	}
	got, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Root, tr.Root) {
		t.Fatalf("got %+v", got.Root)
	}
}
