// Command goprog is a guest Go program: goroutines, channels, a mutex,
// timers and the garbage collector.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"
)

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := map[int]int{}
	ch := make(chan int, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := 0
			for j := 0; j < 100000; j++ {
				s += j % (i + 1)
			}
			mu.Lock()
			results[i] = s
			mu.Unlock()
			ch <- i
		}(i)
	}
	wg.Wait()
	close(ch)
	n := 0
	for range ch {
		n++
	}
	keys := make([]int, 0, len(results))
	for k := range results {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	total := 0
	for _, k := range keys {
		total += results[k]
	}
	garbage := make([][]byte, 0)
	for i := 0; i < 200; i++ {
		garbage = append(garbage, make([]byte, 64<<10))
		if len(garbage) > 20 {
			garbage = garbage[1:]
		}
	}
	runtime.GC()
	start := time.Now()
	time.Sleep(10 * time.Millisecond)
	fmt.Println("goroutines done:", n, "total:", total, "slept:", time.Since(start) >= 10*time.Millisecond)
	fmt.Println("args:", os.Args[1:], runtime.GOARCH)
	os.Exit(7)
}
