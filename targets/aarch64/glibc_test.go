package aarch64

import (
	"debug/elf"
	"encoding/binary"
	"os"
	osexec "os/exec"
	"path/filepath"
	"sort"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"

	"github.com/gemu-project/gemu/internal/testenv"
)

// A static glibc program's .text, walked word by word: every instruction
// arm64asm knows must decode here too (SVE, MTE and other ifunc variants
// arm64asm cannot decode are only reached when HWCAP advertises them).

const sweepProgram = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <pthread.h>
#include <time.h>
static int cmp(const void *a, const void *b) { return *(const double *)a < *(const double *)b ? -1 : 1; }
static void *worker(void *p) { return (void *)(long)strlen((char *)p); }
int main(int argc, char **argv) {
	double v[64]; char buf[256]; pthread_t th; void *r;
	for (int i = 0; i < 64; i++) v[i] = sin(i * argc) * exp(i / 10.0) + pow(i, 0.5);
	qsort(v, 64, sizeof v[0], cmp);
	snprintf(buf, sizeof buf, "%s %.17g %ld", argv[0], v[3], strtol("123", 0, 10));
	pthread_create(&th, 0, worker, buf); pthread_join(th, &r);
	printf("%s %zu %ld %d\n", buf, strlen(buf), (long)r, memcmp(buf, "x", 1));
	return time(0) == 0;
}
`

func buildStatic(t *testing.T, src string) string {
	cc := testenv.NeedTool(t, "aarch64-linux-gnu-gcc")
	dir := t.TempDir()
	c := filepath.Join(dir, "prog.c")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "prog")
	if b, err := osexec.Command(cc, "-O2", "-static", "-pthread", "-o", out, c, "-lm").CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cc, err, b)
	}
	return out
}

func TestGlibcTextSweep(t *testing.T) {
	textSweep(t, buildStatic(t, sweepProgram))
}

const goSweepProgram = `package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"sync"
)

func main() {
	s := strings.Repeat("hello, world ", 10)
	var wg sync.WaitGroup
	var mu sync.Mutex
	m := map[string]int{}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); mu.Lock(); m[fmt.Sprint(i)] = strings.Count(s, "o"); mu.Unlock() }(i)
	}
	wg.Wait()
	x := []float64{3, math.Sqrt(2), 1}
	sort.Float64s(x)
	fmt.Println(len(m), strings.Index(s, "world"), bytes.Equal([]byte(s), []byte(s)), x, sha256.Sum256([]byte(s)), os.Args[0])
}
`

// TestGoTextSweep does the same for a Go program built for GOARCH=arm64.
func TestGoTextSweep(t *testing.T) {
	goTool := testenv.NeedTool(t, "go")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(goSweepProgram), 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module sweep\n\ngo 1.21\n"), 0o644)
	cmd := osexec.Command(goTool, "build", "-o", "prog", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0", "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	textSweep(t, filepath.Join(dir, "prog"))
}

func textSweep(t *testing.T, path string) {
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text := f.Section(".text")
	data, err := text.Data()
	if err != nil {
		t.Fatal(err)
	}
	missing := map[string][]string{}
	total, ours := 0, 0
	for off := 0; off+4 <= len(data); off += 4 {
		x := binary.LittleEndian.Uint32(data[off:])
		in, known := xarch(x)
		_, ok := decodeOnly(x, models["max"])
		if ok {
			ours++
		}
		if !known {
			continue
		}
		total++
		if !ok {
			if _, skip := notImplemented[in.Op.String()]; skip {
				continue
			}
			name := in.Op.String()
			missing[name] = append(missing[name], arm64asm.GNUSyntax(in))
		}
	}
	var names []string
	for n := range missing {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Errorf("undecoded: %-8s x%d e.g. %s", n, len(missing[n]), missing[n][0])
	}
	t.Logf(".text: %d words arm64asm decodes, %d we decode", total, ours)
}
