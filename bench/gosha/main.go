// Command gosha is one of gemu's benchmark workloads: SHA-256 over a 1 MiB
// buffer, chained for a number of rounds (default 300, or the first
// argument). The Makefile builds it with -tags purego so that every
// architecture runs the same portable Go code instead of each one's
// assembly (SHA-NI on x86_64), which keeps the comparison about the
// emulator, not about the hash implementations.
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
)

func main() {
	rounds := 300
	if len(os.Args) > 1 {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "usage: gosha [rounds]")
			os.Exit(2)
		}
		rounds = n
	}
	buf := make([]byte, 1<<20)
	x := uint64(0x9e3779b97f4a7c15)
	for i := range buf {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		buf[i] = byte(x)
	}
	var sum [32]byte
	for r := 0; r < rounds; r++ {
		copy(buf[r%(len(buf)-32):], sum[:])
		sum = sha256.Sum256(buf)
	}
	fmt.Printf("gosha: rounds %d sha256 %x\n", rounds, sum)
}
