package aarch64

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gemu-project/gemu/internal/testenv"
)

// TestHWCapNames checks the Features words against the HWCAP_* bits of the
// installed arm64 kernel headers (linux-libc-dev-arm64-cross).
func TestHWCapNames(t *testing.T) {
	testenv.NeedTool(t, "aarch64-linux-gnu-gcc")
	src, err := os.ReadFile("/usr/aarch64-linux-gnu/include/asm/hwcap.h")
	if err != nil {
		t.Fatalf("%v (make deps installs linux-libc-dev-arm64-cross)", err)
	}
	re := regexp.MustCompile(`(?m)^#define HWCAP_([A-Z0-9]+)\s+\(1(?:UL)? << (\d+)\)`)
	seen := 0
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		bit, _ := strconv.Atoi(m[2])
		if bit < 32 {
			seen++
			if want := strings.ToLower(m[1]); hwcapNames[bit] != want {
				t.Errorf("bit %d: %q, header says %q", bit, hwcapNames[bit], want)
			}
		}
	}
	if seen != 32 {
		t.Errorf("found %d HWCAP bits below 32 in the header, want 32", seen)
	}
}

func TestCPUInfo(t *testing.T) {
	a := &Arch{model: models["max"]}
	got := a.CPUInfo(1)
	for _, want := range []string{"processor\t: 1\n", "Features\t: fp asimd", " atomics ", " cpuid ",
		"CPU implementer\t: 0x", "CPU architecture: 8\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("cpuinfo lacks %q:\n%s", want, got)
		}
	}
}
