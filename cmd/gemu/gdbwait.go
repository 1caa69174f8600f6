package main

import (
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gemu-project/gemu/usermode"
)

// acceptGDB waits for gdb to connect to ln (-g) and returns a listener
// that hands the gdbstub that connection. It runs before the guest
// process exists, so that SIGINT and SIGTERM during the wait take their
// default action and end gemu, as they would end the program natively:
// once linuxuser catches host signals for the guest, they would wait in
// the guest's queue for a first instruction that only gdb can start
// (qemu-user ignores them there). A signal ignored when gemu started
// stays ignored, as it would for the program.
func acceptGDB(ln net.Listener) (net.Listener, error) {
	var watched []os.Signal
	for _, s := range []os.Signal{syscall.SIGINT, syscall.SIGTERM} {
		if !signal.Ignored(s) {
			watched = append(watched, s)
		}
	}
	sigs := make(chan os.Signal, 1)
	if len(watched) > 0 {
		signal.Notify(sigs, watched...)
		defer signal.Reset(watched...)
	}
	type accepted struct {
		c   net.Conn
		err error
	}
	done := make(chan accepted, 1)
	go func() {
		var a accepted
		// gemu's descriptors stay out of the guest's way (hostfd.go).
		a.err = usermode.ParkHostFDs(func() (err error) {
			a.c, err = ln.Accept()
			return err
		})
		done <- a
	}()
	select {
	case a := <-done:
		ln.Close()
		if a.err != nil {
			return nil, a.err
		}
		return &connListener{c: a.c, addr: ln.Addr()}, nil
	case s := <-sigs:
		ln.Close() // a unix: socket file goes away
		dieBy(s.(syscall.Signal))
		return nil, nil
	}
}

// dieBy ends gemu with sig's default action: with gemu's notification
// removed, the Go runtime kills the process by sig itself (runtime
// dieFromSignal), so the parent sees a process killed by sig.
func dieBy(sig syscall.Signal) {
	signal.Reset(sig)
	syscall.Kill(syscall.Getpid(), sig)
	time.Sleep(time.Second)
	os.Exit(128 + int(sig))
}

// connListener is a listener whose one connection was accepted already.
type connListener struct {
	c    net.Conn
	addr net.Addr
}

func (l *connListener) Accept() (net.Conn, error) {
	if l.c == nil {
		return nil, net.ErrClosed
	}
	c := l.c
	l.c = nil
	return c, nil
}

func (l *connListener) Close() error   { return nil }
func (l *connListener) Addr() net.Addr { return l.addr }
