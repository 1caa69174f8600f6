package binfmt

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Parse reads an entry's file under binfmt_misc, in the form
// fs/binfmt_misc.c entry_status prints:
//
//	enabled
//	interpreter /usr/bin/qemu-aarch64-static
//	flags: OCF
//	offset 0
//	magic 7f454c46...
//	mask ffffffff...
//
// or "extension .ext" in place of the offset, magic and mask lines.
func Parse(name string, data []byte) (Entry, error) {
	e := Entry{Name: name}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	switch lines[0] {
	case "enabled":
		e.Enabled = true
	case "disabled":
	default:
		return Entry{}, fmt.Errorf("binfmt_misc entry %s: unexpected first line %q", name, lines[0])
	}
	for _, l := range lines[1:] {
		key, val, _ := strings.Cut(l, " ")
		if err := e.setField(key, val); err != nil {
			return Entry{}, fmt.Errorf("binfmt_misc entry %s: %q: %v", name, l, err)
		}
	}
	if e.Interpreter == "" || (e.Extension == "" && len(e.Magic) == 0) {
		return Entry{}, fmt.Errorf("binfmt_misc entry %s: incomplete (no interpreter or magic)", name)
	}
	if e.Mask != nil && len(e.Mask) != len(e.Magic) {
		return Entry{}, fmt.Errorf("binfmt_misc entry %s: mask and magic differ in length", name)
	}
	return e, nil
}

// setField stores one "key value" line of an entry file.
func (e *Entry) setField(key, val string) error {
	var err error
	switch key {
	case "interpreter":
		e.Interpreter = val
	case "flags:":
		e.Flags = NormFlags(val)
	case "offset":
		e.Offset, err = strconv.Atoi(val)
	case "magic":
		e.Magic, err = hex.DecodeString(val)
	case "mask":
		e.Mask, err = hex.DecodeString(val)
	case "extension":
		e.Extension = strings.TrimPrefix(val, ".")
	default:
		// A newer kernel may print more; what is known is enough.
	}
	return err
}
