package gdbstub

import (
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
)

// Numbers in packets are hex without a prefix; byte strings are two hex
// digits per byte (GDB manual, "Packets").

var errSyntax = errors.New("gdbstub: malformed packet")

func appendHex(out, b []byte) []byte {
	return hex.AppendEncode(out, b)
}

func decodeHex(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, errSyntax
	}
	return b, nil
}

// parseNum reads a hex number.
func parseNum(s string) (uint64, error) {
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, errSyntax
	}
	return v, nil
}

// parseAddrLen reads "ADDR,LEN".
func parseAddrLen(s string) (addr, n uint64, err error) {
	a, l, ok := strings.Cut(s, ",")
	if !ok {
		return 0, 0, errSyntax
	}
	if addr, err = parseNum(a); err != nil {
		return
	}
	n, err = parseNum(l)
	return
}

// parseThreadID reads a thread-id: hex TID, -1 (all) or 0 (any); a
// multiprocess "pPID.TID" form is accepted too ("thread-id syntax").
func parseThreadID(s string) (int, error) {
	if rest, ok := strings.CutPrefix(s, "p"); ok {
		if _, tid, ok := strings.Cut(rest, "."); ok {
			s = tid
		} else {
			s = "-1"
		}
	}
	if s == "-1" {
		return -1, nil
	}
	v, err := strconv.ParseUint(s, 16, 31)
	if err != nil {
		return 0, errSyntax
	}
	return int(v), nil
}
