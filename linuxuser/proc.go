package linuxuser

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/translate"
)

// /proc emulation (DESIGN.md): the guest sees its own program, auxv,
// command line and mappings, not the emulator's. Everything else under
// /proc passes through.

// procSelfFile returns the file under /proc/self (or /proc/<our pid>,
// /proc/thread-self) that an absolute or AT_FDCWD-relative name refers to.
func (p *Process) procSelfFile(dirfd int, name string) (string, bool) {
	if dirfd != unix.AT_FDCWD && !strings.HasPrefix(name, "/") {
		return "", false
	}
	rest, found := strings.CutPrefix(name, "/proc/")
	if !found {
		return "", false
	}
	who, file, found := strings.Cut(rest, "/")
	if !found {
		return "", false
	}
	if who != "self" && who != "thread-self" && who != strconv.Itoa(p.pid) {
		if _, isThread := p.threadByName(who); !isThread {
			return "", false
		}
	}
	return file, true
}

func (p *Process) threadByName(s string) (*Thread, bool) {
	tid, err := strconv.Atoi(s)
	if err != nil {
		return nil, false
	}
	t := p.thread(tid)
	return t, t != nil
}

// isProcSelf reports whether name is /proc/self/<file>.
func (p *Process) isProcSelf(dirfd int, name, file string) bool {
	f, ok := p.procSelfFile(dirfd, name)
	return ok && f == file
}

// procPath maps /proc/self/exe to the guest program for stat-like calls,
// and applies the -L prefix otherwise.
func (p *Process) procPath(name string) string {
	if p.isProcSelf(unix.AT_FDCWD, name, "exe") {
		return p.img.Path
	}
	return p.prefixed(name)
}

// openProc opens an emulated /proc file; handled is false for other names.
func (p *Process) openProc(dirfd int, name string, flags int) (uint64, bool) {
	file, ok := p.procSelfFile(dirfd, name)
	if !ok {
		return 0, false
	}
	var content []byte
	switch file {
	case "exe":
		return ret(unix.Open(p.img.Path, flags, 0)), true
	case "auxv":
		content = p.img.AuxvBytes()
	case "cmdline":
		content = p.guestRange(p.img.ArgStart, p.img.ArgEnd)
	case "environ":
		content = p.guestRange(p.img.EnvStart, p.img.EnvEnd)
	case "maps":
		content = []byte(p.mapsText())
	default:
		return 0, false
	}
	if flags&unix.O_ACCMODE != unix.O_RDONLY {
		return errno(unix.EACCES), true
	}
	return memFile(content, flags&unix.O_CLOEXEC != 0), true
}

// guestRange copies guest bytes [lo, hi), empty when unreadable.
func (p *Process) guestRange(lo, hi uint64) []byte {
	b := make([]byte, hi-lo)
	if p.as.Read(lo, b) != nil {
		return nil
	}
	return b
}

// memFile returns a read-only-by-convention memfd holding content.
func memFile(content []byte, cloexec bool) uint64 {
	flags := 0
	if cloexec {
		flags = unix.MFD_CLOEXEC
	}
	fd, err := unix.MemfdCreate("gemu-proc", flags)
	if err != nil {
		return errRet(err)
	}
	for b := content; len(b) > 0; {
		n, err := unix.Write(fd, b)
		if err != nil {
			unix.Close(fd)
			return errRet(err)
		}
		b = b[n:]
	}
	unix.Seek(fd, 0, 0)
	return uint64(fd)
}

// mapsText formats the guest VMAs like /proc/self/maps.
func (p *Process) mapsText() string {
	var b strings.Builder
	for _, v := range p.as.VMAs() {
		perm := []byte("---p")
		if v.Prot&translate.ProtRead != 0 {
			perm[0] = 'r'
		}
		if v.Prot&translate.ProtWrite != 0 {
			perm[1] = 'w'
		}
		if v.Prot&translate.ProtExec != 0 {
			perm[2] = 'x'
		}
		if v.Shared {
			perm[3] = 's'
		}
		off := v.Offset
		if v.Anon {
			off = 0
		}
		line := fmt.Sprintf("%08x-%08x %s %08x 00:00 0", v.Start, v.End, perm, off)
		if v.Name != "" {
			line = fmt.Sprintf("%-72s %s", line, v.Name)
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
