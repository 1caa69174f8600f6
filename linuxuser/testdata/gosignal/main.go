// Command gosignal is a guest Go program using os/signal and needing
// asynchronous preemption (SIGURG) to finish.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

var stop atomic.Bool

// spin loops without a preemption point until stop is set.
func spin(done chan<- bool) {
	n := 0
	for !stop.Load() {
		n++
	}
	done <- n > 0
}

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR1)
	syscall.Kill(syscall.Getpid(), syscall.SIGUSR1)
	fmt.Println("got", <-c)

	// One P: main runs again only if the spinner is preempted.
	runtime.GOMAXPROCS(1)
	done := make(chan bool)
	go spin(done)
	time.Sleep(20 * time.Millisecond)
	stop.Store(true)
	fmt.Println("preempted:", <-done)
}
