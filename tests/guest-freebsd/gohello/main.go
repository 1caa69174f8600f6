// Command gohello is a FreeBSD guest fixture (built for freebsd/arm64 and,
// as the reference, linux/amd64): arguments, environment and a computation.
// Its output is the same on every OS and arch: no GOOS, pids, paths or
// times are printed, and no float expression can be fused into an FMA
// (arm64 fuses x*y+z; every product goes through float64() first).
package main

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	fmt.Println("gohello: hello from Go")
	fmt.Printf("args: %d %q\n", len(os.Args)-1, os.Args[1:])
	fmt.Printf("env GEMU_TEST_A=%q\n", os.Getenv("GEMU_TEST_A"))
	v, ok := os.LookupEnv("GEMU_TEST_UNSET")
	fmt.Printf("env GEMU_TEST_UNSET set=%v %q\n", ok, v)
	var mine []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GEMU_TEST_") {
			mine = append(mine, kv)
		}
	}
	sort.Strings(mine)
	fmt.Printf("GEMU_TEST_ variables: %q\n", mine)

	fmt.Println("primes below 10000:", countPrimes(10000))
	fmt.Println("fib(90):", fib(90))
	fmt.Println("30!:", factorial(30))
	sum := sha256.Sum256([]byte(strings.Repeat("gemu", 1000)))
	fmt.Printf("sha256: %x\n", sum[:8])
	x := 0.0
	for i := 1; i <= 1000; i++ {
		x += float64(1.0/float64(i)) * float64(1.0/float64(i))
	}
	fmt.Println("sum 1/i^2:", strconv.FormatFloat(x, 'g', 12, 64))
	os.Exit(len(os.Args) - 1)
}

func countPrimes(n int) int {
	sieve := make([]bool, n)
	count := 0
	for i := 2; i < n; i++ {
		if sieve[i] {
			continue
		}
		count++
		for j := i * i; j < n; j += i {
			sieve[j] = true
		}
	}
	return count
}

func fib(n int) uint64 {
	a, b := uint64(0), uint64(1)
	for range n {
		a, b = b, a+b
	}
	return a
}

func factorial(n int64) *big.Int {
	return new(big.Int).MulRange(1, n)
}
