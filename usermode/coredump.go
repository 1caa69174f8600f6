package usermode

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"github.com/gemu-project/gemu/syscalls/linux"
	"golang.org/x/sys/unix"
)

// Guest core dumps (#20 class 2): a guest killed by a signal whose
// default action is to dump core (signal(7)) gets an ELF core file of the
// guest machine, named as core_pattern says (fs/coredump.c
// format_corename), or gemu_<prog>_<time>_<pid>.core in the working
// directory when core_pattern is a pipe, as qemu-user names its own; then
// gemu dies by the signal with the host dumping a small core of its own,
// so that the parent sees WCOREDUMP and CLD_DUMPED (corehost.go).

// minCore is binfmt_elf's min_coredump (ELF_EXEC_PAGESIZE): a smaller
// RLIMIT_CORE gives no core with a file core_pattern.
const minCore = 4096

// corePatternFile is where the kernel's pattern is (core(5)).
var corePatternFile = "/proc/sys/kernel/core_pattern"

// ExitSignal ends the process by a fatal signal that thread t took: with
// a core dump when the signal's default action is one.
func (p *Process) ExitSignal(t *Thread, info SigInfo) {
	sig := int(info.Signo)
	if linux.SignalDefault(sig) != linux.ActCore || t == nil {
		p.Exit(Status{Signal: sig})
		return
	}
	p.exitWith(Status{Signal: sig}, func(s *Status) { s.core = p.dumpCore(t, info) })
}

// CoreVals are what core_pattern's % specifiers expand to.
type CoreVals struct {
	PID, TID, UID, GID, Sig, Dumpable, CPU int
	Time                                   int64
	Limit                                  uint64
	Host, Comm, Exe                        string
}

// ExpandPattern is format_corename for a file pattern: %e, %E, %f and %h
// have '/' replaced by '!'; unknown specifiers give nothing; without %p,
// core_uses_pid appends ".<pid>".
func ExpandPattern(pat string, v CoreVals, usesPid bool) string {
	esc := func(s string) string {
		s = strings.ReplaceAll(s, "/", "!")
		if s == "." || s == ".." {
			s = "!"
		}
		return s
	}
	var b strings.Builder
	pidSeen := false
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		if c != '%' || i+1 >= len(pat) {
			if c != '%' {
				b.WriteByte(c)
			}
			continue
		}
		i++
		switch pat[i] {
		case '%':
			b.WriteByte('%')
		case 'p':
			pidSeen = true
			b.WriteString(strconv.Itoa(v.PID))
		case 'P':
			b.WriteString(strconv.Itoa(v.PID))
		case 'i', 'I':
			b.WriteString(strconv.Itoa(v.TID))
		case 'u':
			b.WriteString(strconv.Itoa(v.UID))
		case 'g':
			b.WriteString(strconv.Itoa(v.GID))
		case 'd':
			b.WriteString(strconv.Itoa(v.Dumpable))
		case 's':
			b.WriteString(strconv.Itoa(v.Sig))
		case 't':
			b.WriteString(strconv.FormatInt(v.Time, 10))
		case 'h':
			b.WriteString(esc(v.Host))
		case 'e':
			b.WriteString(esc(v.Comm))
		case 'f':
			b.WriteString(esc(filepath.Base(v.Exe)))
		case 'E':
			b.WriteString(esc(v.Exe))
		case 'c':
			b.WriteString(strconv.FormatUint(v.Limit, 10))
		case 'C':
			b.WriteString(strconv.Itoa(v.CPU))
		}
	}
	if !pidSeen && usesPid {
		b.WriteString("." + strconv.Itoa(v.PID))
	}
	return b.String()
}

// readSysctl reads a /proc/sys file without its newline.
func readSysctl(path, dflt string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return dflt
	}
	return strings.TrimSuffix(string(b), "\n")
}

// dumpCore writes the guest's core for the fatal sig t took and returns
// the plan for the host's dump, or nil when no core is dumped (the host
// then dumps none, so the parent sees no WCOREDUMP, as natively).
func (p *Process) dumpCore(t *Thread, info SigInfo) *hostCore {
	if d, _ := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0); d == 0 {
		return nil // prctl(PR_SET_DUMPABLE, 0): the host would not dump either
	}
	var rl unix.Rlimit
	unix.Getrlimit(unix.RLIMIT_CORE, &rl)
	pattern := readSysctl(corePatternFile, "core")
	h := &hostCore{filter: bytePtr("/proc/self/coredump_filter")}
	if strings.HasPrefix(pattern, "|") || strings.HasPrefix(pattern, "@") {
		// The host's helper gets gemu's small core as it would the
		// guest's, with the guest's limit.
		if rl.Cur > 0 {
			name := fmt.Sprintf("gemu_%s_%s_%d.core", filepath.Base(p.img.Path),
				time.Now().Format("20060102-150405"), p.PID)
			p.WriteCore(name, t, info, rl.Cur)
		}
		return h
	}
	if rl.Cur < minCore || pattern == "" {
		return nil
	}
	v := p.coreVals(t, int(info.Signo), rl.Cur)
	usesPid := readSysctl("/proc/sys/kernel/core_uses_pid", "0") != "0"
	hv := v
	hv.Limit = rl.Max
	if exe, err := os.Executable(); err == nil {
		hv.Exe = exe
	}
	// Where the host's core goes: a relative pattern in a private directory.
	base := ""
	if !filepath.IsAbs(pattern) {
		if d, err := os.MkdirTemp("", "gemu-core-"); err == nil {
			base = d
			h.dir = bytePtr(d)
		}
	}
	var target string
	target, h.watch = CorePlan(pattern, v, hv, usesPid, base)
	if !p.WriteCore(target, t, info, rl.Cur) {
		if base != "" {
			os.Remove(base)
		}
		return nil
	}
	h.setLimit, h.limit = true, unix.Rlimit{Cur: rl.Max, Max: rl.Max}
	return h
}

// CorePlan places the guest core and the host's for a file pattern: the
// guest core's name (target, which is guest unless the host's core would
// take that name, then a temporary one the watcher renames) and what the
// watcher removes. base is the private directory a relative pattern puts
// the host's core in ("" for none). The host's values hv differ from the
// guest's v in %E (gemu's path) and %c (the raised limit).
func CorePlan(pattern string, v, hv CoreVals, usesPid bool, base string) (target string, w coreWatch) {
	guest := absPath(ExpandPattern(pattern, v, usesPid))
	host := ExpandPattern(pattern, hv, usesPid)
	if base != "" {
		host = filepath.Join(base, host)
		w.Dir = base
	}
	host = absPath(host)
	target = guest
	switch {
	case host == guest:
		target = filepath.Join(filepath.Dir(guest), fmt.Sprintf(".gemu-core-%d", v.PID))
		w.From, w.To = target, guest
	case base == "":
		w.Unlink = []string{host}
		hv.Time++ // the host may dump in the next second
		if next := absPath(ExpandPattern(pattern, hv, usesPid)); next != host && next != guest {
			w.Unlink = append(w.Unlink, next)
		}
	}
	return target, w
}

// coreVals are the guest's values for format_corename.
func (p *Process) coreVals(t *Thread, sig int, limit uint64) CoreVals {
	var comm [16]byte
	unix.Prctl(unix.PR_GET_NAME, uintptr(unsafe.Pointer(&comm[0])), 0, 0, 0)
	var u unix.Utsname
	unix.Uname(&u)
	cpu, _, _ := unix.RawSyscall(unix.SYS_GETCPU, 0, 0, 0)
	d, _ := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
	return CoreVals{PID: p.PID, TID: t.TID, UID: unix.Getuid(), GID: unix.Getgid(), Sig: sig, Dumpable: d,
		CPU: int(cpu), Time: time.Now().Unix(), Limit: limit, Host: Cstr(u.Nodename[:]), Comm: Cstr(comm[:]),
		Exe: p.img.Path}
}

func absPath(s string) string {
	if a, err := filepath.Abs(s); err == nil {
		return a
	}
	return s
}

// bytePtr is s as a NUL-terminated string for a raw system call.
func bytePtr(s string) *byte {
	b, err := syscall.BytePtrFromString(s)
	if err != nil {
		return nil
	}
	return b
}

// WriteCore writes the guest core as fs/coredump.c opens it (an existing
// file is unlinked, then created O_EXCL|O_NOFOLLOW, mode 0600) within
// limit bytes; it reports whether the whole core was written.
func (p *Process) WriteCore(name string, t *Thread, info SigInfo, limit uint64) bool {
	os.Remove(name)
	fd, err := unix.Open(name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	w := &coreWriter{fd: fd, limit: limit}
	p.buildCore(w, t, info)
	return !w.full && w.err == nil
}

// coreWriter writes at increasing offsets, holes for skipped bytes, and
// stops for good at the first write that would pass RLIMIT_CORE (Linux
// dump_emit counts written bytes only, not holes).
type coreWriter struct {
	fd           int
	off          int64
	limit, wrote uint64
	full         bool
	err          error
}

func (w *coreWriter) write(b []byte) {
	if w.full || w.err != nil {
		return
	}
	if w.wrote+uint64(len(b)) > w.limit {
		w.full = true
		return
	}
	for len(b) > 0 {
		n, err := unix.Pwrite(w.fd, b, w.off)
		if err != nil {
			w.err = err
			return
		}
		b, w.off, w.wrote = b[n:], w.off+int64(n), w.wrote+uint64(n)
	}
}

func (w *coreWriter) skip(n int64) { w.off += n }

// end gives the file its full length when it ends in a hole.
func (w *coreWriter) end() {
	if !w.full && w.err == nil {
		w.err = unix.Ftruncate(w.fd, w.off)
	}
}
