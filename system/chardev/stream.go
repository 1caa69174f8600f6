package chardev

import (
	"io"
	"sync"
)

// Stream turns a Port into the io.Writer and io.Reader a serial device
// takes (system.Config's Serial and SerialIn). Input waits in Read until
// the device model takes it, so a slow guest holds the host side back
// instead of losing bytes; a client that disconnects does not end the
// stream.
type Stream struct {
	port    Port
	pr      *io.PipeReader
	pw      *io.PipeWriter
	mu      sync.Mutex
	onBreak func()
}

// NewStream attaches to p.
func NewStream(p Port) (*Stream, error) {
	pr, pw := io.Pipe()
	s := &Stream{port: p, pr: pr, pw: pw}
	if err := p.Attach(s.input, s.event); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Stream) input(p []byte) { s.pw.Write(p) }

func (s *Stream) event(e Event) {
	if e != EventBreak {
		return
	}
	s.mu.Lock()
	f := s.onBreak
	s.mu.Unlock()
	if f != nil {
		f()
	}
}

// OnBreak sets what a break (the mux's C-a b) does to the serial line.
func (s *Stream) OnBreak(f func()) {
	s.mu.Lock()
	s.onBreak = f
	s.mu.Unlock()
}

// Read returns input from the device.
func (s *Stream) Read(p []byte) (int, error) { return s.pr.Read(p) }

// Write sends output to the device.
func (s *Stream) Write(p []byte) (int, error) { return s.port.Write(p) }

// Close ends Read with io.EOF; input that arrives later is dropped.
func (s *Stream) Close() error {
	s.pw.Close()
	return s.pr.Close()
}
