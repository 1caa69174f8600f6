package translate

import (
	"testing"

	"golang.org/x/sys/unix"
)

// loopProg is TestLoopAndSyscall's program: r1 = 300, r2 = 0, then a syscall.
func loopProg() []byte {
	return prog(ins(toyAddi, 2, 0, 100), ins(toyAddi, 1, 1, 3), ins(toyAddi, 2, 2, -1),
		ins(toyBne, 2, 0, -2), ins(toySys, 0, 0, 0))
}

func newArchive(t *testing.T, key string) (int, *Archive) {
	t.Helper()
	fd, err := unix.MemfdCreate("gemu-tb-test", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	a, err := CreateArchive(fd, key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return fd, a
}

func openArchive(t *testing.T, fd int, key string) *Archive {
	t.Helper()
	a, err := OpenArchive(fd, key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

func runToSyscall(t *testing.T, e *Engine, c *CPU) {
	t.Helper()
	if k := e.Run(c); k != ExitSyscall {
		t.Fatalf("exit %v %+v, want syscall", k, c.Exit)
	}
}

// runChanged runs loopProg with 10 rounds instead of 100 on the archive in
// fd: r1 must be 30, whatever blocks of the 100-round program it holds.
func runChanged(t *testing.T, fd int) *Engine {
	t.Helper()
	changed := loopProg()
	copy(changed, ins(toyAddi, 2, 0, 10))
	e, c := newToy(t, changed, ProtRead|ProtExec)
	e.SetArchive(openArchive(t, fd, "toy"))
	runToSyscall(t, e, c)
	if c.R[1] != 30 {
		t.Fatalf("r1=%d, want 30: an archived block of other code ran", c.R[1])
	}
	return e
}

// A second engine (another process, mapping the same archive) runs the
// first one's blocks without translating them.
func TestArchiveSharesBlocks(t *testing.T) {
	fd, a := newArchive(t, "toy")
	e1, c1 := newToy(t, loopProg(), ProtRead|ProtExec)
	e1.SetArchive(a)
	runToSyscall(t, e1, c1)
	if e1.Translations.Load() == 0 || e1.Reused.Load() != 0 || a.Used() == 0 {
		t.Fatalf("first engine: %d translated, %d reused, archive %d bytes", e1.Translations.Load(), e1.Reused.Load(), a.Used())
	}
	e2, c2 := newToy(t, loopProg(), ProtRead|ProtExec)
	e2.SetArchive(openArchive(t, fd, "toy"))
	runToSyscall(t, e2, c2)
	if c2.R[1] != 300 || c2.R[2] != 0 || c2.PC != codeAddr+20 {
		t.Fatalf("from the archive: r1=%d r2=%d pc=%#x", c2.R[1], c2.R[2], c2.PC)
	}
	if e2.Translations.Load() != 0 || e2.Reused.Load() != e1.Translations.Load() {
		t.Fatalf("second engine: %d translated, %d reused, want 0 and %d", e2.Translations.Load(), e2.Reused.Load(), e1.Translations.Load())
	}
}

// An entry is used only where the same bytes are executable.
func TestArchiveChecksCodeAndProtection(t *testing.T) {
	fd, a := newArchive(t, "toy")
	e1, c1 := newToy(t, loopProg(), ProtRead|ProtExec)
	e1.SetArchive(a)
	runToSyscall(t, e1, c1)

	e2 := runChanged(t, fd)
	if e2.Translations.Load() == 0 {
		t.Fatal("changed code was not translated")
	}

	e3, c3 := newToy(t, loopProg(), ProtRead)
	e3.SetArchive(openArchive(t, fd, "toy"))
	if k := e3.Run(c3); k != ExitException || c3.Exit.Exception != ExcProtection || c3.Exit.Addr != codeAddr {
		t.Fatalf("non-executable code: exit %v %+v, want a protection fault at %#x", k, c3.Exit, codeAddr)
	}

	if _, err := OpenArchive(fd, "other"); err == nil {
		t.Fatal("archive opened for another translation key")
	}
}

// SetArchive stores the blocks an engine already has, except one whose
// code changed after it was translated (a stale block still cached).
func TestArchiveTakesCachedBlocks(t *testing.T) {
	e1, c1 := newToy(t, loopProg(), ProtRead|ProtWrite|ProtExec)
	runToSyscall(t, e1, c1)
	if err := e1.Mem().Write(codeAddr, ins(toyAddi, 2, 0, 10)); err != nil {
		t.Fatal(err)
	}
	fd, a := newArchive(t, "toy")
	e1.SetArchive(a)
	if a.Used() == 0 {
		t.Fatal("no cached block stored")
	}
	e2 := runChanged(t, fd)
	if e2.Reused.Load() == 0 {
		t.Fatal("the unchanged blocks were not archived")
	}
}
