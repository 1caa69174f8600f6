package aarch64

import (
	"testing"
	"time"
)

func TestLoopInterrupt(t *testing.T) {
	m := newMachine(t)
	m.load(t, words(0x14000000))
	timer := time.AfterFunc(20*time.Millisecond, m.c.RequestExit)
	defer timer.Stop()
	done := make(chan bool)
	go func() { m.e.Run(m.c); done <- true }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("b . not interrupted")
	}
}
