package bsduser

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls/freebsd"
)

// testKqueue makes a kqueue with no guest; it is closed with the test.
func testKqueue(t *testing.T) *kqueue {
	t.Helper()
	fd := int(newKqueue(freebsd.KQUEUE_CLOEXEC))
	kq := lookupKqueue(fd)
	if kq == nil {
		t.Fatalf("kqueue %d not registered", fd)
	}
	t.Cleanup(func() {
		forgetKqueue(nil, fd)
		unix.Close(fd)
	})
	return kq
}

// pollOnce is a zero-timeout scan without a guest thread.
func pollOnce(t *testing.T, kq *kqueue, limit int) []freebsd.Kevent {
	t.Helper()
	evs := make([]unix.EpollEvent, limit)
	n, err := unix.EpollWait(kq.ep, evs, 0)
	if err != nil {
		t.Fatal(err)
	}
	kq.mu.Lock()
	defer kq.mu.Unlock()
	kq.absorb(evs[:n])
	return kq.collect(nil, limit)
}

func change(kq *kqueue, ident uint64, filter int16, flags uint16, fflags uint32, data int64, udata uint64) unix.Errno {
	ch := freebsd.Kevent{Ident: ident, Filter: filter, Flags: flags, Fflags: fflags, Data: data, Udata: udata}
	return kq.register(nil, &ch)
}

func testPipe(t *testing.T) [2]int {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(p[0]); unix.Close(p[1]) })
	return p
}

func TestKeventPipeLevel(t *testing.T) {
	kq, p := testKqueue(t), testPipe(t)
	if e := change(kq, uint64(p[0]), freebsd.EVFILT_READ, freebsd.EV_ADD, 0, 0, 0x1234); e != 0 {
		t.Fatal(e)
	}
	if evs := pollOnce(t, kq, 4); len(evs) != 0 {
		t.Fatalf("empty pipe: %+v", evs)
	}
	unix.Write(p[1], []byte("hello"))
	for range 2 { // level-triggered: reported while there is data
		evs := pollOnce(t, kq, 4)
		if len(evs) != 1 || evs[0].Data != 5 || evs[0].Udata != 0x1234 || evs[0].Filter != freebsd.EVFILT_READ {
			t.Fatalf("after write: %+v", evs)
		}
	}
	unix.Read(p[0], make([]byte, 16))
	if evs := pollOnce(t, kq, 4); len(evs) != 0 {
		t.Fatalf("drained pipe: %+v", evs)
	}
	unix.Close(p[1])
	evs := pollOnce(t, kq, 4)
	if len(evs) != 1 || evs[0].Flags&freebsd.EV_EOF == 0 || evs[0].Data != 0 {
		t.Fatalf("after close: %+v", evs)
	}
}

func TestKeventClearOneshotDispatch(t *testing.T) {
	kq, p := testKqueue(t), testPipe(t)
	change(kq, uint64(p[0]), freebsd.EVFILT_READ, freebsd.EV_ADD|freebsd.EV_CLEAR, 0, 0, 1)
	change(kq, uint64(p[1]), freebsd.EVFILT_WRITE, freebsd.EV_ADD|freebsd.EV_ONESHOT, 0, 0, 2)
	unix.Write(p[1], []byte("x"))
	if evs := pollOnce(t, kq, 4); len(evs) != 2 {
		t.Fatalf("first scan: %+v", evs)
	}
	if evs := pollOnce(t, kq, 4); len(evs) != 0 {
		t.Fatalf("EV_CLEAR and EV_ONESHOT reported again: %+v", evs)
	}
	if _, ok := kq.notes[kqKey{uint64(p[1]), freebsd.EVFILT_WRITE}]; ok {
		t.Fatal("EV_ONESHOT knote kept")
	}
	unix.Write(p[1], []byte("y"))
	if evs := pollOnce(t, kq, 4); len(evs) != 1 || evs[0].Data != 2 {
		t.Fatalf("EV_CLEAR after new data: %+v", evs)
	}
	change(kq, uint64(p[0]), freebsd.EVFILT_READ, freebsd.EV_ADD|freebsd.EV_DISPATCH, 0, 0, 3)
	if evs := pollOnce(t, kq, 4); len(evs) != 1 || evs[0].Udata != 3 {
		t.Fatalf("re-added knote: %+v", evs)
	}
	if evs := pollOnce(t, kq, 4); len(evs) != 0 {
		t.Fatalf("flags are kept from the first EV_ADD (EV_CLEAR): %+v", evs)
	}
}

func TestKeventDispatchDisables(t *testing.T) {
	kq, p := testKqueue(t), testPipe(t)
	change(kq, uint64(p[0]), freebsd.EVFILT_READ, freebsd.EV_ADD|freebsd.EV_DISPATCH, 0, 0, 0)
	unix.Write(p[1], []byte("x"))
	if evs := pollOnce(t, kq, 4); len(evs) != 1 {
		t.Fatalf("first: %+v", evs)
	}
	if evs := pollOnce(t, kq, 4); len(evs) != 0 {
		t.Fatalf("EV_DISPATCH left it enabled: %+v", evs)
	}
	change(kq, uint64(p[0]), freebsd.EVFILT_READ, freebsd.EV_ENABLE, 0, 0, 0)
	if evs := pollOnce(t, kq, 4); len(evs) != 1 {
		t.Fatalf("EV_ENABLE: %+v", evs)
	}
}

func TestKeventRegisterErrors(t *testing.T) {
	kq, p := testKqueue(t), testPipe(t)
	for _, c := range []struct {
		ident  uint64
		filter int16
		flags  uint16
		want   unix.Errno
	}{
		{999, freebsd.EVFILT_READ, freebsd.EV_ADD, unix.EBADF},
		{1 << 40, freebsd.EVFILT_WRITE, freebsd.EV_ADD, unix.EBADF},
		{uint64(p[0]), freebsd.EVFILT_READ, freebsd.EV_DELETE, unix.ENOENT},
		{uint64(p[0]), 3, freebsd.EV_ADD, unix.EINVAL},
		{7, freebsd.EVFILT_USER, freebsd.EV_ENABLE, unix.ENOENT},
		{uint64(kq.ep), freebsd.EVFILT_READ, freebsd.EV_ADD, unix.EINVAL},
	} {
		if got := change(kq, c.ident, c.filter, c.flags, 0, 0, 0); got != c.want {
			t.Errorf("ident %d filter %d flags %#x: %v, want %v", c.ident, c.filter, c.flags, got, c.want)
		}
	}
	if bsdErrno(int(unix.EBADF)) != 9 || bsdErrno(0) != 0 || bsdErrno(int(unix.EAGAIN)) != 35 {
		t.Error("errno numbers in EV_ERROR data are not FreeBSD's")
	}
}

func TestKeventUser(t *testing.T) {
	kq := testKqueue(t)
	change(kq, 42, freebsd.EVFILT_USER, freebsd.EV_ADD|freebsd.EV_CLEAR, 0, 0, 9)
	if evs := pollOnce(t, kq, 4); len(evs) != 0 {
		t.Fatalf("untriggered: %+v", evs)
	}
	change(kq, 42, freebsd.EVFILT_USER, 0, freebsd.NOTE_TRIGGER|freebsd.NOTE_FFCOPY|0x5, 77, 9)
	evs := pollOnce(t, kq, 4)
	if len(evs) != 1 || evs[0].Ident != 42 || evs[0].Fflags != 5 || evs[0].Data != 77 || evs[0].Udata != 9 {
		t.Fatalf("triggered: %+v", evs)
	}
	if evs := pollOnce(t, kq, 4); len(evs) != 0 {
		t.Fatalf("EV_CLEAR did not reset the trigger: %+v", evs)
	}
	change(kq, 42, freebsd.EVFILT_USER, 0, freebsd.NOTE_FFOR|0x8, 0, 9)
	change(kq, 42, freebsd.EVFILT_USER, 0, freebsd.NOTE_TRIGGER|freebsd.NOTE_FFAND|0xc, 0, 9)
	if evs := pollOnce(t, kq, 4); len(evs) != 1 || evs[0].Fflags != 0x8|0x4&0xc {
		t.Fatalf("FFOR then FFAND: %+v", evs)
	}
	// Without EV_CLEAR a triggered knote stays active.
	change(kq, 43, freebsd.EVFILT_USER, freebsd.EV_ADD, freebsd.NOTE_TRIGGER, 0, 0)
	for range 2 {
		if evs := pollOnce(t, kq, 4); len(evs) != 1 || evs[0].Ident != 43 {
			t.Fatalf("level user knote: %+v", evs)
		}
	}
}

func TestKeventTimer(t *testing.T) {
	kq := testKqueue(t)
	if e := change(kq, 1, freebsd.EVFILT_TIMER, freebsd.EV_ADD, 0, -1, 0); e != unix.EINVAL {
		t.Errorf("negative period: %v", e)
	}
	if e := change(kq, 1, freebsd.EVFILT_TIMER, freebsd.EV_ADD, freebsd.NOTE_SECONDS|freebsd.NOTE_USECONDS, 1, 0); e != unix.EINVAL {
		t.Errorf("two units: %v", e)
	}
	if e := change(kq, 1, freebsd.EVFILT_TIMER, freebsd.EV_ADD, freebsd.NOTE_USECONDS, 2000, 5); e != 0 {
		t.Fatal(e)
	}
	kn := kq.notes[kqKey{1, freebsd.EVFILT_TIMER}]
	if kn.period != 2*time.Millisecond || kn.ev.Flags&freebsd.EV_CLEAR == 0 {
		t.Fatalf("timer knote %+v", kn)
	}
	kq.mu.Lock()
	kq.fireTimers(kn.next.Add(5 * time.Millisecond)) // 1 + 2 periods late; next in 6 ms
	evs := kq.collect(nil, 4)
	kq.mu.Unlock()
	if len(evs) != 1 || evs[0].Data != 3 || evs[0].Udata != 5 || evs[0].Flags&freebsd.EV_CLEAR == 0 {
		t.Fatalf("timer events %+v", evs)
	}
	if d, ok := kq.nextTimer(); !ok || d > 8*time.Millisecond {
		t.Errorf("next timer in %v, %v", d, ok)
	}
	change(kq, 1, freebsd.EVFILT_TIMER, freebsd.EV_DELETE, 0, 0, 0)
	if _, ok := kq.nextTimer(); ok {
		t.Error("deleted timer still counted")
	}
}

func TestKeventForgetFD(t *testing.T) {
	kq, p := testKqueue(t), testPipe(t)
	change(kq, uint64(p[0]), freebsd.EVFILT_READ, freebsd.EV_ADD, 0, 0, 0)
	forgetKqueue(nil, p[0])
	if len(kq.notes) != 0 || len(kq.armed) != 0 {
		t.Fatalf("close left knotes %v, armed %v", kq.notes, kq.armed)
	}
}

func TestCmsgRoundTrip(t *testing.T) {
	// FreeBSD SCM_RIGHTS with two descriptors: CMSG_LEN(8) = 24.
	g := make([]byte, 24)
	le.PutUint32(g[0:], 24)
	le.PutUint32(g[4:], freebsd.SOL_SOCKET)
	le.PutUint32(g[8:], freebsd.SCM_RIGHTS)
	le.PutUint32(g[16:], 5)
	le.PutUint32(g[20:], 6)
	h, e := cmsgsToLinux(g)
	if e != 0 || len(h) != 24 || le.Uint64(h) != 24 || le.Uint32(h[8:]) != unix.SOL_SOCKET ||
		le.Uint32(h[12:]) != unix.SCM_RIGHTS || le.Uint32(h[16:]) != 5 || le.Uint32(h[20:]) != 6 {
		t.Fatalf("to Linux: %x, %d", h, e)
	}
	if back := cmsgsFromLinux(h); string(back) != string(g) {
		t.Fatalf("back: %x, want %x", back, g)
	}
	le.PutUint32(g[8:], freebsd.SCM_CREDS)
	if _, e := cmsgsToLinux(g); e == 0 {
		t.Error("SCM_CREDS converted")
	}
}
