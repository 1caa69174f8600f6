package monitor

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gemu-project/gemu/system/chardev"
)

const (
	prompt     = "(qemu) "
	maxLine    = 4096
	maxHistory = 64
)

// hmpSession is the human monitor on one chardev: a banner when a client
// connects (or, behind a mux, when the monitor first has the focus), the
// prompt, and line editing with echo, since the terminal on the other end
// is raw (a socket, or stdio put in raw mode).
type hmpSession struct {
	mon  *Monitor
	port chardev.Port
	ctx  hmpContext
	wmu  sync.Mutex
	ed   lineEditor
}

func (s *hmpSession) write(text string) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.port.Write([]byte(text))
}

func (s *hmpSession) event(e chardev.Event) {
	switch e {
	case chardev.EventOpened:
		s.ed.reset()
		s.ctx = hmpContext{mon: s.mon}
		s.write(crlf("QEMU " + s.mon.version.String() + " monitor - type 'help' for more information\n" + prompt))
	case chardev.EventMuxIn:
		s.ed.reset()
		s.write(prompt)
	case chardev.EventMuxOut:
		s.write("\r\n")
	}
}

func (s *hmpSession) input(p []byte) {
	for _, b := range p {
		line, done := s.ed.feed(b, s.write)
		if !done {
			continue
		}
		s.write("\r\n")
		s.ctx.mon = s.mon
		out, after := s.ctx.run(line)
		s.write(crlf(out))
		if after != nil {
			after() // quit: no prompt
			return
		}
		s.write(prompt)
	}
}

// lineEditor is a small readline: printable characters are echoed,
// backspace erases, Ctrl-U clears the line, the up and down arrows walk
// the history; other escape sequences are ignored. CR, LF or CRLF ends a
// line.
type lineEditor struct {
	line    []byte
	esc     int // 0: none, 1: after ESC, 2: in CSI / SS3
	lastCR  bool
	hist    []string
	histPos int
}

func (e *lineEditor) reset() {
	e.line, e.esc, e.lastCR = e.line[:0], 0, false
	e.histPos = len(e.hist)
}

// feed takes one byte; it returns the finished line when b ends one.
func (e *lineEditor) feed(b byte, echo func(string)) (string, bool) {
	wasCR := e.lastCR
	e.lastCR = b == '\r'
	switch {
	case e.esc == 1:
		e.esc = 0
		if b == '[' || b == 'O' {
			e.esc = 2
		}
		return "", false
	case e.esc == 2:
		if b >= 0x40 && b <= 0x7e {
			e.esc = 0
			e.arrow(b, echo)
		}
		return "", false
	}
	switch b {
	case '\n':
		if wasCR {
			return "", false
		}
		fallthrough
	case '\r':
		line := string(e.line)
		e.remember(line)
		e.line = e.line[:0]
		return line, true
	case 0x1b:
		e.esc = 1
	case 0x7f, 0x08:
		if len(e.line) > 0 {
			_, size := utf8.DecodeLastRune(e.line)
			e.line = e.line[:len(e.line)-size]
			echo("\b \b")
		}
	case 0x15: // Ctrl-U
		e.replace("", echo)
	default:
		if b >= 0x20 && len(e.line) < maxLine {
			e.line = append(e.line, b)
			echo(string([]byte{b}))
		}
	}
	return "", false
}

// arrow handles the final byte of an escape sequence: A up, B down.
func (e *lineEditor) arrow(b byte, echo func(string)) {
	switch {
	case b == 'A' && e.histPos > 0:
		e.histPos--
		e.replace(e.hist[e.histPos], echo)
	case b == 'B' && e.histPos < len(e.hist):
		e.histPos++
		text := ""
		if e.histPos < len(e.hist) {
			text = e.hist[e.histPos]
		}
		e.replace(text, echo)
	}
}

// replace redraws the line with text.
func (e *lineEditor) replace(text string, echo func(string)) {
	e.line = append(e.line[:0], text...)
	echo("\r" + prompt + text + "\x1b[K")
}

func (e *lineEditor) remember(line string) {
	if strings.TrimSpace(line) != "" && (len(e.hist) == 0 || e.hist[len(e.hist)-1] != line) {
		e.hist = append(e.hist, line)
		if len(e.hist) > maxHistory {
			e.hist = e.hist[1:]
		}
	}
	e.histPos = len(e.hist)
}
