package translate

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestJITHeldAccess: a compiled access to a page a userfaultfd holds
// waits in the host's page fault, where Go cannot preempt compiled code.
// Go's repeated SIGURG must take the thread out of compiled code
// (jitSigHandler), so that the access waits in the interpreter instead and
// a stop-the-world does not wait for it for ever; once the page is
// supplied the load completes.
func TestJITHeldAccess(t *testing.T) {
	s := script{scriptCode: {
		{Code: OpLoad64, Dst: 4, A: regDataBase, Imm: 8},
		{Code: OpSyscall, Imm: scriptCode + 0x100},
	}}
	e := scriptEngine(t, s, 0x1000, JITForce)
	as := e.Mem()
	if _, err := as.Map(MapSpec{Addr: scriptData, Length: PageSize, Prot: ProtRead | ProtWrite, Fixed: true, FD: -1}); err != nil {
		t.Fatal(err)
	}
	// UFFD_USER_MODE_ONLY (1): allowed without privileges.
	fd, _, errno := unix.Syscall(unix.SYS_USERFAULTFD, unix.O_CLOEXEC|unix.O_NONBLOCK|1, 0, 0)
	if errno != 0 {
		t.Skipf("no userfaultfd: %v", errno)
	}
	defer unix.Close(int(fd))
	ioctl := func(req uintptr, arg unsafe.Pointer) unix.Errno {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, fd, req, uintptr(arg))
		return e
	}
	api := [3]uint64{0xAA}
	if e := ioctl(0xc018aa3f, unsafe.Pointer(&api)); e != 0 { // UFFDIO_API
		t.Skipf("UFFDIO_API: %v", e)
	}
	reg := [4]uint64{uint64(as.HostAddr(scriptData)), PageSize, 1} // MODE_MISSING
	if e := ioctl(0xc020aa00, unsafe.Pointer(&reg)); e != 0 {      // UFFDIO_REGISTER
		t.Skipf("UFFDIO_REGISTER: %v", e)
	}

	c := e.NewCPU()
	c.PC, c.R[regDataBase] = scriptCode, scriptData
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		e.Run(c)
		close(done)
	}()
	p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	if n, err := unix.Poll(p, 5000); n != 1 || err != nil {
		t.Fatalf("no fault message: %d %v", n, err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for c.jit.inside.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	left := c.jit.inside.Load() == 0

	src := make([]byte, PageSize)
	binary.LittleEndian.PutUint64(src[8:], 0x1234)
	cp := [5]uint64{uint64(as.HostAddr(scriptData)), uint64(uintptr(unsafe.Pointer(&src[0]))), PageSize}
	if e := ioctl(0xc028aa03, unsafe.Pointer(&cp)); e != 0 { // UFFDIO_COPY
		t.Fatalf("UFFDIO_COPY: %v", e)
	}
	<-done
	if !left {
		t.Error("the thread held in a compiled access stayed in compiled code")
	}
	if c.R[4] != 0x1234 {
		t.Errorf("loaded %#x, want 0x1234", c.R[4])
	}
}
