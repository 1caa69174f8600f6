package fpu

import (
	"runtime"
	"math"
	"fmt"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZZRusage(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const n = 10_000_000
	e := Env{}
	var s uint64
	run := func(name string, fn func(i int)) {
		best := time.Hour
		for k := 0; k < 5; k++ {
			t0 := cpuNow()
			for i := 0; i < n; i++ {
				fn(i)
			}
			if d := cpuNow() - t0; d < best {
				best = d
			}
		}
		fmt.Printf("%-12s %.2f ns/op\n", name, float64(best)/n)
	}
	run("host add", func(i int) { s += f64b(math.Float64frombits(benchA[i&3]) + math.Float64frombits(benchB[i&3])) })
	run("Add64", func(i int) { s += Add64(&e, benchA[i&3], benchB[i&3]) })
	run("Mul64", func(i int) { s += Mul64(&e, benchA[i&3], benchB[i&3]) })
	run("Div64", func(i int) { s += Div64(&e, benchA[i&3], benchB[i&3]) })
	run("Sqrt64", func(i int) { s += Sqrt64(&e, benchA[i&3]&^(1<<63)) })
	run("MulAdd64", func(i int) { s += MulAdd64(&e, benchA[i&3], benchB[i&3], benchA[(i+1)&3]) })
	run("Add32", func(i int) { s += uint64(Add32(&e, uint32(benchA[i&3]>>32), uint32(benchB[i&3]>>32))) })
	run("MulAdd32", func(i int) { s += uint64(MulAdd32(&e, uint32(benchA[i&3]>>32), uint32(benchB[i&3]>>32), 0x3f800000)) })
	fastPath = false
	run("Add64 slow", func(i int) { s += Add64(&e, benchA[i&3], benchB[i&3]) })
	run("Mul64 slow", func(i int) { s += Mul64(&e, benchA[i&3], benchB[i&3]) })
	run("MulAdd64 slow", func(i int) { s += MulAdd64(&e, benchA[i&3], benchB[i&3], benchA[(i+1)&3]) })
	fastPath = true
	sink64 = s
}
