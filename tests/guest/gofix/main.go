// Command gofix is a guest fixture: a static Go program whose output must be
// identical natively and under gemu. It exercises the Go runtime's use of
// threads, futexes, signals (preemption), timers and the garbage collector,
// plus files, formatting and hashing.
//
// Floating-point expressions are written so that no compiler may fuse them
// into FMA (riscv64 and arm64 Go compilers fuse x*y+z): every product is
// converted with float64() before it is added.
package main

import (
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	fmt.Println("gofix: hello from Go", runtime.GOOS)
	fmt.Printf("args: %d %q\n", len(os.Args)-1, os.Args[1:])
	fmt.Printf("env GEMU_TEST_A=%q\n", os.Getenv("GEMU_TEST_A"))
	v, ok := os.LookupEnv("GEMU_TEST_UNSET")
	fmt.Printf("env GEMU_TEST_UNSET set=%v %q\n", ok, v)

	goroutines()
	gcChurn()
	timers()
	files()
	floats()
	hashing()
	fmt.Println("gofix: done")
	os.Exit(3)
}

func goroutines() {
	const workers, per = 16, 5000
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		locked int
		atom   atomic.Int64
	)
	results := make(chan int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			sum := 0
			for i := 0; i < per; i++ {
				mu.Lock()
				locked++
				mu.Unlock()
				atom.Add(1)
				sum += i * id
				if i%1000 == 0 {
					runtime.Gosched()
				}
			}
			results <- sum
		}(w)
	}
	wg.Wait()
	close(results)
	total := 0
	for s := range results {
		total += s
	}
	fmt.Printf("goroutines: locked=%d atomic=%d total=%d\n", locked, atom.Load(), total)

	// unbuffered pipeline of three stages
	src := make(chan int)
	sq := make(chan int)
	go func() {
		for i := 1; i <= 100; i++ {
			src <- i
		}
		close(src)
	}()
	go func() {
		for v := range src {
			sq <- v * v
		}
		close(sq)
	}()
	n, s := 0, 0
	for v := range sq {
		n++
		s += v
	}
	fmt.Printf("pipeline: %d values, sum of squares %d\n", n, s)

	// select with a default and a closed channel
	done := make(chan struct{})
	close(done)
	select {
	case <-done:
		fmt.Println("select: closed channel is ready")
	default:
		fmt.Println("select: default")
	}
	var once sync.Once
	for i := 0; i < 3; i++ {
		once.Do(func() { fmt.Println("once: ran") })
	}
}

type node struct {
	next *node
	data [8]int64
}

func gcChurn() {
	var keep []*node
	var head *node
	for i := 0; i < 200000; i++ {
		n := &node{next: head}
		n.data[0] = int64(i)
		head = n
		if i%1000 == 0 {
			keep = append(keep, n)
			head = nil // drop the rest of the list
		}
		if i%50000 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	sum := int64(0)
	for _, k := range keep {
		sum += k.data[0]
	}
	bufs := make([][]byte, 0, 64)
	for i := 0; i < 256; i++ {
		b := make([]byte, 64<<10)
		b[len(b)-1] = byte(i)
		if i%4 == 0 {
			bufs = append(bufs, b)
		}
	}
	last := 0
	for _, b := range bufs {
		last += int(b[len(b)-1])
	}
	fmt.Printf("gc: kept %d nodes, sum %d, big buffers %d/%d, GC ran: %v\n",
		len(keep), sum, len(bufs), last, ms.NumGC > 0)
}

func timers() {
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	slept := time.Since(start)
	fmt.Printf("sleep: at least 20ms: %v\n", slept >= 20*time.Millisecond)

	t := time.NewTimer(10 * time.Millisecond)
	<-t.C
	fmt.Println("timer: fired")
	stopped := time.NewTimer(time.Hour)
	fmt.Printf("timer: stop before firing: %v\n", stopped.Stop())

	tk := time.NewTicker(5 * time.Millisecond)
	ticks := 0
	for range tk.C {
		ticks++
		if ticks == 4 {
			break
		}
	}
	tk.Stop()
	fmt.Printf("ticker: %d ticks, elapsed >= 20ms: %v\n", ticks, time.Since(start) >= 20*time.Millisecond)

	select {
	case <-time.After(5 * time.Millisecond):
		fmt.Println("time.After: fired")
	case <-time.After(10 * time.Second):
		fmt.Println("time.After: wrong one")
	}
	d, _ := time.ParseDuration("1h2m3.5s")
	fmt.Println("duration:", d, d.Seconds())
	tm := time.Date(2024, 2, 29, 13, 4, 5, 0, time.UTC)
	fmt.Println("date:", tm.Format(time.RFC3339), tm.Weekday(), tm.YearDay(), tm.Unix())
}

func files() {
	dir, err := os.MkdirTemp("", "gofix-")
	if err != nil {
		fmt.Println("mkdirtemp:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	for i, name := range []string{"b.txt", "a.txt", "c.dat"} {
		data := strings.Repeat(fmt.Sprintf("line %d\n", i), i+1)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o640); err != nil {
			fmt.Println("write:", err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o750); err != nil {
		fmt.Println("mkdir:", err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "c.dat"))
	fmt.Printf("read c.dat: %q err=%v\n", got, err)
	st, err := os.Stat(filepath.Join(dir, "a.txt"))
	if err == nil {
		fmt.Printf("stat a.txt: size=%d mode=%v dir=%v\n", st.Size(), st.Mode().Perm()&^0o022, st.IsDir())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		fmt.Println("readdir:", err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, fmt.Sprintf("%s(dir=%v)", e.Name(), e.IsDir()))
	}
	sort.Strings(names)
	fmt.Println("readdir:", strings.Join(names, " "))
	_, err = os.Stat(filepath.Join(dir, "missing"))
	fmt.Println("stat missing is not-exist:", os.IsNotExist(err))
	f, err := os.OpenFile(filepath.Join(dir, "a.txt"), os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		f.WriteString("appended\n")
		f.Close()
	}
	got, _ = os.ReadFile(filepath.Join(dir, "a.txt"))
	fmt.Printf("after append: %q\n", got)
	if err := os.Rename(filepath.Join(dir, "b.txt"), filepath.Join(dir, "sub", "b2.txt")); err != nil {
		fmt.Println("rename:", err)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "sub", "*"))
	for i := range matches {
		matches[i] = filepath.Base(matches[i])
	}
	fmt.Println("glob sub/*:", matches)
}

func floats() {
	negZero := math.Copysign(0, -1)
	vals := []float64{0, negZero, 1, 0.1, 1.0 / 3, 2.5, -1e-310, 1e300, math.Pi, math.Inf(1), math.MaxFloat64, math.SmallestNonzeroFloat64}
	for _, v := range vals {
		fmt.Printf("float %v %g %.3f %e %s %s %x\n", v, v, v, v,
			strconv.FormatFloat(v, 'f', -1, 64), strconv.FormatFloat(v, 'g', 5, 32),
			math.Float64bits(v))
	}
	for _, s := range []string{"0.1", "1e-400", "1e400", "0x1p-1074", "2.2250738585072011e-308", "-0", "NaN", "inf", "1_000.5", "12abc"} {
		f, err := strconv.ParseFloat(s, 64)
		if math.IsNaN(f) {
			fmt.Printf("parse %q: NaN err=%v\n", s, err != nil)
		} else {
			fmt.Printf("parse %q: %x err=%v\n", s, math.Float64bits(f), err != nil)
		}
	}
	x, y := 1.5, 2.25
	fmt.Printf("arith: %v %v %v %v\n", x+y, x-y, float64(x*y), x/y)
	fmt.Printf("math: sqrt2=%x floor=%v ceil=%v trunc=%v abs=%v copysign=%v\n",
		math.Float64bits(math.Sqrt(2)), math.Floor(-2.5), math.Ceil(-2.5), math.Trunc(-2.5),
		math.Abs(-3), math.Copysign(3, negZero))
	fmt.Printf("math: fma=%x mod=%v hypot=%v round=%v roundeven=%v\n",
		math.Float64bits(math.FMA(0.1, 10, -1)), math.Mod(10, 3), math.Hypot(3, 4),
		math.Round(-2.5), math.RoundToEven(2.5))
	// Transcendentals: Go uses assembly for some on amd64 and pure Go
	// elsewhere, so only 12 significant digits are compared.
	fmt.Printf("math: exp=%.12g log=%.12g pow=%.12g sin=%.12g cos=%.12g atan=%.12g\n",
		math.Exp(1), math.Log(10), math.Pow(2, 0.5), math.Sin(1), math.Cos(1), math.Atan(1))
	f32 := float32(1) / float32(3)
	fmt.Printf("float32: %v %x %v\n", f32, math.Float32bits(f32), float32(16777216)+float32(1))
	neg, big, huge, i62 := -2.7, 1e9, 1.8e19, int64(1)<<62+1
	fmt.Printf("conv: %d %d %d %v\n", int64(neg), int32(big), uint64(huge), float64(i62))
	fmt.Printf("nan: isnan=%v nan==nan=%v inf-inf isnan=%v\n", math.IsNaN(math.NaN()),
		math.NaN() == math.NaN(), math.IsNaN(math.Inf(1)-math.Inf(1)))
}

func hashing() {
	buf := make([]byte, 1<<20)
	var s uint32 = 12345
	for i := range buf {
		s = s*1103515245 + 12345
		buf[i] = byte(s >> 16)
	}
	sum := sha256.Sum256(buf)
	for i := 0; i < 20; i++ {
		sum = sha256.Sum256(sum[:])
	}
	fmt.Printf("sha256: %x\n", sum)
	fmt.Println("strconv:", strconv.Itoa(-987654321), strconv.FormatInt(-255, 16),
		strconv.Quote("tab\there ü"), strconv.FormatUint(math.MaxUint64, 36))
}
