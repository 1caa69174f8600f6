// Command gosync is a FreeBSD guest fixture: goroutines, channels,
// time.Sleep, sync (Mutex, RWMutex, WaitGroup, Once, Cond) and atomics.
// Its output does not depend on scheduling or timing: only totals and
// facts that hold on every OS are printed.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	fmt.Println("gosync: start")
	pipeline()
	mutexes()
	sleeps()
	condAndOnce()
	fmt.Println("gosync: done")
	os.Exit(0)
}

// pipeline passes numbers through three stages of goroutines.
func pipeline() {
	src := make(chan int)
	sq := make(chan int, 8)
	go func() {
		for i := 1; i <= 1000; i++ {
			src <- i
		}
		close(src)
	}()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range src {
				sq <- v * v
			}
		}()
	}
	go func() { wg.Wait(); close(sq) }()
	total := 0
	for v := range sq {
		total += v
	}
	fmt.Println("pipeline sum of squares:", total)
}

// mutexes hammers a Mutex, an RWMutex and an atomic from many goroutines.
func mutexes() {
	const workers, rounds = 8, 20000
	var mu sync.Mutex
	var rw sync.RWMutex
	var n, reads int64
	var at atomic.Int64
	m := map[int]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				mu.Lock()
				n++
				m[i%100] += w
				mu.Unlock()
				rw.RLock()
				_ = m
				rw.RUnlock()
				if i%1000 == 0 {
					rw.Lock()
					reads++
					rw.Unlock()
					runtime.Gosched()
				}
				at.Add(2)
			}
		}()
	}
	wg.Wait()
	sum := 0
	for _, v := range m {
		sum += v
	}
	fmt.Println("mutex count:", n, "map sum:", sum, "write locks:", reads, "atomic:", at.Load())
}

// sleeps checks that sleeps and timers last at least what they ask for.
func sleeps() {
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("slept at least 20ms:", time.Since(start) >= 20*time.Millisecond)
	var wg sync.WaitGroup
	done := make(chan int, 5)
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 3 * time.Millisecond)
			done <- i
		}()
	}
	wg.Wait()
	close(done)
	got := 0
	for i := range done {
		got += 1 << i
	}
	fmt.Printf("sleepers done: %#x\n", got)
	select {
	case <-time.After(10 * time.Millisecond):
		fmt.Println("time.After fired")
	case <-make(chan int):
	}
	t := time.NewTicker(2 * time.Millisecond)
	for range 3 {
		<-t.C
	}
	t.Stop()
	fmt.Println("ticker ticked 3 times")
}

// condAndOnce: a Cond-guarded queue and a Once called from many goroutines.
func condAndOnce() {
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	var queue []int
	var once sync.Once
	inits := 0
	var wg sync.WaitGroup
	results := make(chan int, 100)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			once.Do(func() { inits++ })
			for {
				mu.Lock()
				for len(queue) == 0 {
					cond.Wait()
				}
				v := queue[0]
				queue = queue[1:]
				mu.Unlock()
				if v < 0 {
					return
				}
				results <- v * 2
			}
		}()
	}
	for i := 1; i <= 50; i++ {
		mu.Lock()
		queue = append(queue, i)
		mu.Unlock()
		cond.Signal()
	}
	mu.Lock()
	queue = append(queue, -1, -1, -1, -1)
	mu.Unlock()
	cond.Broadcast()
	wg.Wait()
	close(results)
	sum := 0
	for v := range results {
		sum += v
	}
	fmt.Println("cond queue sum:", sum, "once ran:", inits)
}
