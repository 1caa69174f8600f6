package usermode

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/translate"
)

func TestParseMapsLine(t *testing.T) {
	m, ok := parseMapsLine("7f12a000-7f12c000 rw-s 00003000 00:01 4242                       /memfd:gemu-shared (deleted)")
	want := hostMapping{start: 0x7f12a000, end: 0x7f12c000, off: 0x3000, id: fdID{dev: unix.Mkdev(0, 1), ino: 4242},
		path: "/memfd:gemu-shared (deleted)"}
	if !ok || m != want {
		t.Errorf("got %+v %v, want %+v", m, ok, want)
	}
	if _, ok := parseMapsLine("garbage"); ok {
		t.Error("garbage parsed")
	}
}

func TestForkResumeVar(t *testing.T) {
	env := []string{"A=1", forkResumeVar + "=1005,riscv64", "B=2"}
	if arch, os, ok := ResumeArch(env); !ok || arch != "riscv64" || os != loader.OSLinux {
		t.Errorf("ResumeArch = %q %v %v", arch, os, ok)
	}
	bsd := []string{forkResumeVar + "=1005,aarch64,1"}
	if arch, os, ok := ResumeArch(bsd); !ok || arch != "aarch64" || os != loader.OSFreeBSD {
		t.Errorf("ResumeArch = %q %v %v", arch, os, ok)
	}
	fd, rest := takeForkResume(env)
	if fd != 1005 || len(rest) != 2 || rest[0] != "A=1" || rest[1] != "B=2" {
		t.Errorf("takeForkResume = %d %q", fd, rest)
	}
	if fd, _ := takeForkResume([]string{"A=1"}); fd != -1 {
		t.Errorf("no variable: fd %d", fd)
	}
}

// A shared VMA is cut along the host mappings that back it.
func TestSplitShared(t *testing.T) {
	base := uintptr(0x10000000)
	v := translate.VMA{Start: 0x4000, End: 0x8000, Shared: true, Offset: 0x1000}
	maps := []hostMapping{
		{start: base + 0x3000, end: base + 0x6000, off: 0x1000, id: fdID{ino: 1}},
		{start: base + 0x6000, end: base + 0x9000, off: 0, id: fdID{ino: 2}},
	}
	parts := splitShared(v, base, maps)
	if len(parts) != 2 {
		t.Fatalf("got %d parts", len(parts))
	}
	if p := parts[0]; p.v.Start != 0x4000 || p.v.End != 0x6000 || p.off != 0x2000 || p.id.ino != 1 || p.v.Offset != 0x1000 {
		t.Errorf("first part %+v", p)
	}
	if p := parts[1]; p.v.Start != 0x6000 || p.v.End != 0x8000 || p.off != 0 || p.id.ino != 2 || p.v.Offset != 0x3000 {
		t.Errorf("second part %+v", p)
	}
}
