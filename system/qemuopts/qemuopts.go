// Package qemuopts reads QEMU's option strings, as -drive, -device,
// -netdev, -chardev and -mon take them (QEMU's QemuOpts syntax:
// "key=value,key=value", ",," a literal comma, and for some options a
// first item without "=" that is the value of an implied key).
package qemuopts

import (
	"fmt"
	"strings"
)

// Split splits s at single commas; ",," is a literal comma.
func Split(s string) []string {
	var out []string
	var cur []byte
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == ',' && i+1 < len(s) && s[i+1] == ',':
			cur = append(cur, ',')
			i++
		case s[i] == ',':
			out = append(out, string(cur))
			cur = cur[:0]
		default:
			cur = append(cur, s[i])
		}
	}
	return append(out, string(cur))
}

// Parse reads s into a map; a first item without "=" is the value of
// implied (an error when implied is "").
func Parse(s, implied string) (map[string]string, error) {
	out := map[string]string{}
	for n, it := range Split(s) {
		k, v, ok := strings.Cut(it, "=")
		if !ok {
			if n != 0 || implied == "" {
				return nil, fmt.Errorf("%q: expected key=value", it)
			}
			k, v = implied, it
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("option '%s' given twice", k)
		}
		out[k] = v
	}
	return out, nil
}

// OnOff reads a boolean option value; "" (absent) is off.
func OnOff(v string) (bool, error) {
	switch v {
	case "on", "yes", "true":
		return true, nil
	case "", "off", "no", "false":
		return false, nil
	}
	return false, fmt.Errorf("%q is not on or off", v)
}
