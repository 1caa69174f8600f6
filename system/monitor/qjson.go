package monitor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"
)

// QMP input is a stream of JSON values, not lines (docs/interop/qmp-spec.rst):
// the splitter finds where each top-level value ends. It also takes the
// spec's extension of 'single-quoted' strings and the \' escape, turning
// them into standard JSON for encoding/json.

const (
	maxMessage = 1 << 20 // bytes of one message
	maxDepth   = 1024    // nesting of {} and []
)

// splitter cuts a byte stream into top-level JSON values.
type splitter struct {
	buf    []byte
	depth  int
	quote  byte // the open string's quote, 0 outside strings
	esc    bool // a backslash was seen in a string
	scalar bool // collecting a bare top-level token (number, keyword)
}

// feed scans p; msg gets each complete value, fail each lexical error
// (after which the splitter starts afresh, as the spec's "known-good
// state" section describes).
func (s *splitter) feed(p []byte, msg func([]byte), fail func(string)) {
	for _, b := range p {
		if e := s.byte(b, msg); e != "" {
			s.reset()
			fail("JSON parse error, " + e)
		}
	}
}

func (s *splitter) reset() { *s = splitter{buf: s.buf[:0]} }

func (s *splitter) emit(msg func([]byte)) {
	m := append([]byte(nil), s.buf...)
	s.reset()
	msg(m)
}

func (s *splitter) byte(b byte, msg func([]byte)) string {
	// Control characters other than tab, CR and LF are never valid
	// (RFC 8259 has them escaped in strings); 0xFE/0xFF never occur in
	// UTF-8. Either is the client's way to reset the parser.
	if b < 0x20 && b != '\t' && b != '\r' && b != '\n' || b >= 0xfe {
		return fmt.Sprintf("stray '\\u%04x'", b)
	}
	if len(s.buf) >= maxMessage {
		return "message too long"
	}
	if s.quote != 0 {
		s.stringByte(b)
		if s.quote == 0 && s.depth == 0 {
			s.emit(msg)
		}
		return ""
	}
	if s.scalar {
		if isDelim(b) {
			s.emit(msg)
		} else {
			s.buf = append(s.buf, b)
			return ""
		}
	}
	switch b {
	case ' ', '\t', '\r', '\n':
		if s.depth > 0 {
			s.buf = append(s.buf, b)
		}
	case '"', '\'':
		s.quote = b
		s.buf = append(s.buf, '"')
	case '{', '[':
		if s.depth++; s.depth > maxDepth {
			return "nesting too deep"
		}
		s.buf = append(s.buf, b)
	case '}', ']':
		s.buf = append(s.buf, b)
		if s.depth == 0 {
			s.emit(msg) // stray: let the parser say so
			return ""
		}
		if s.depth--; s.depth == 0 {
			s.emit(msg)
		}
	default:
		s.buf = append(s.buf, b)
		s.scalar = s.depth == 0
	}
	return ""
}

func isDelim(b byte) bool {
	switch b {
	case ' ', '\t', '\r', '\n', '{', '[', '}', ']', '"', '\'':
		return true
	}
	return false
}

// stringByte adds a byte of a string, rewriting single-quoted strings and
// \' into standard JSON.
func (s *splitter) stringByte(b byte) {
	switch {
	case s.esc:
		s.esc = false
		if b == '\'' {
			s.buf = append(s.buf, '\'')
		} else {
			s.buf = append(s.buf, '\\', b)
		}
	case b == '\\':
		s.esc = true
	case b == s.quote:
		s.quote = 0
		s.buf = append(s.buf, '"')
	case b == '"': // inside a single-quoted string
		s.buf = append(s.buf, '\\', '"')
	default:
		s.buf = append(s.buf, b)
	}
}

// decode parses one message; numbers stay json.Number.
func decode(m []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(m))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

// obj is a JSON object whose members keep their order, so replies read
// like QEMU's.
type obj []member

type member struct {
	k string
	v any
}

// encode writes v as QEMU does: ": " and ", " separators, ASCII only
// (qmp-spec.rst: the server's output is ASCII).
func encode(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case int:
		b.WriteString(strconv.Itoa(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case uint64:
		b.WriteString(strconv.FormatUint(v, 10))
	case json.Number:
		b.WriteString(v.String())
	case float64:
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	case string:
		quote(b, v)
	case obj:
		b.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			quote(b, m.k)
			b.WriteString(": ")
			encode(b, m.v)
		}
		b.WriteByte('}')
	case map[string]any: // an id the client sent
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := make(obj, len(keys))
		for i, k := range keys {
			o[i] = member{k, v[k]}
		}
		encode(b, o)
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			encode(b, e)
		}
		b.WriteByte(']')
	case []obj:
		a := make([]any, len(v))
		for i := range v {
			a[i] = v[i]
		}
		encode(b, a)
	default:
		panic(fmt.Sprintf("monitor: cannot encode %T", v))
	}
}

// quote writes a JSON string with everything outside printable ASCII as
// an escape.
func quote(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
}
