// gosignal: os/signal and the runtime's own signals. Built for
// freebsd/arm64 (run under gemu) and linux/amd64 (run natively); both
// print the same lines.
//
//   - signal.Notify for SIGUSR1 and SIGHUP, each sent with syscall.Kill to
//     this process, arrives on the channel;
//   - after signal.Ignore(SIGHUP) a SIGHUP neither arrives nor kills;
//   - with one P, a goroutine spinning in a loop with no calls lets main
//     run again only when the runtime preempts it with SIGURG (sysmon
//     asks after 10 ms), several times over;
//   - a nil-pointer load raises SIGSEGV, which the runtime turns into a
//     panic that recover catches as a runtime.Error.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	notify()
	ignore()
	preempt()
	nilDeref()
	fmt.Println("done")
}

func notify() {
	c := make(chan os.Signal, 2)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGHUP)
	for _, s := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGHUP} {
		if err := syscall.Kill(os.Getpid(), s); err != nil {
			fmt.Println("kill:", err)
			os.Exit(1)
		}
		select {
		case got := <-c:
			fmt.Println("notified:", got)
		case <-time.After(10 * time.Second):
			fmt.Println("no signal within 10s:", s)
		}
	}
	signal.Stop(c)
}

func ignore() {
	signal.Ignore(syscall.SIGHUP)
	fmt.Println("SIGHUP ignored:", signal.Ignored(syscall.SIGHUP))
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR2)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	syscall.Kill(os.Getpid(), syscall.SIGUSR2) // ordered after SIGHUP
	<-c
	fmt.Println("still running after SIGHUP")
	signal.Reset(syscall.SIGUSR2)
}

// spin loops without calls, so only an asynchronous preemption stops it.
//
//go:noinline
func spin(stop *atomic.Bool, n *uint64) {
	for !stop.Load() {
		*n++
	}
}

func preempt() {
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	var stop atomic.Bool
	var n uint64
	done := make(chan struct{})
	go func() {
		spin(&stop, &n)
		close(done)
	}()
	rounds := 0
	for i := 0; i < 5; i++ {
		runtime.Gosched() // the spinner runs until preempted
		time.Sleep(time.Millisecond)
		rounds++
	}
	stop.Store(true)
	<-done
	fmt.Println("main ran while the spinner spun:", rounds, "rounds; spinner counted:", n > 0)
}

func nilDeref() {
	defer func() {
		r := recover()
		var re runtime.Error
		err, _ := r.(error)
		fmt.Println("recovered runtime error:", errors.As(err, &re), r)
	}()
	var p *int
	fmt.Println(*p)
}
