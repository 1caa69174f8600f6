package loader

import (
	"bytes"
	"testing"
	"time"

	"github.com/gemu-project/gemu/translate"
)

// FuzzLoad feeds arbitrary bytes to the loader: it must return an error or
// an image, never panic, and never allocate more than the input suggests.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("\x7fELF"))
	f.Add(newELF(text(0x10000, 0x100)).bytes())
	data := seg{typ: 1, flags: 6, vaddr: 0x12345, data: []byte("data"), memsz: 0x5000, align: 0x1000}
	f.Add(newELF(text(0x10000, 0x900), data).bytes())
	pie := newELF(text(0, 0x100))
	pie.typ = 3
	f.Add(pie.bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("load took %v", d)
			}
		}()
		as, err := translate.NewAddressSpace(fakeArch{}.AddressSpaceSize())
		if err != nil {
			t.Skip(err)
		}
		defer as.Close()
		ProbeReader(bytes.NewReader(b), int64(len(b)), "fuzz")
		img, err := LoadReader(as, fakeArch{}, "fuzz", bytes.NewReader(b), int64(len(b)), []string{"fuzz"}, nil,
			Options{StackSize: 64 << 10})
		if err == nil && img.SP == 0 {
			t.Fatal("image without a stack")
		}
	})
}
