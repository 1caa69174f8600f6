package linuxuser

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/gemu-project/gemu/usermode"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/targets"
	"github.com/gemu-project/gemu/translate"
)

// /proc emulation (docs/design.md): the guest sees its own program, auxv,
// command line and mappings, not the emulator's. Everything else under
// /proc passes through.

// procSelfFile returns the file under /proc/self (or /proc/<our pid>,
// /proc/thread-self) that an absolute or AT_FDCWD-relative name refers to.
func procSelfFile(p *Process, dirfd int, name string) (string, bool) {
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
	if who != "self" && who != "thread-self" && who != strconv.Itoa(p.PID) {
		if _, isThread := threadByName(p, who); !isThread {
			return "", false
		}
	}
	return file, true
}

func threadByName(p *Process, s string) (*Thread, bool) {
	tid, err := strconv.Atoi(s)
	if err != nil {
		return nil, false
	}
	t := p.Thread(tid)
	return t, t != nil
}

// isProcSelf reports whether name is /proc/self/<file>.
func isProcSelf(p *Process, dirfd int, name, file string) bool {
	f, ok := procSelfFile(p, dirfd, name)
	return ok && f == file
}

// procPath maps /proc/self/exe to the guest program for stat-like calls,
// and applies the -L prefix otherwise.
func procPath(p *Process, name string) string {
	if isProcSelf(p, unix.AT_FDCWD, name, "exe") {
		return p.Image().Path
	}
	return p.Prefixed(name)
}

// openProc opens an emulated /proc file; handled is false for other names.
func openProc(p *Process, dirfd int, name string, flags int) (uint64, bool) {
	return openProcHow(p, dirfd, name, flags, 0)
}

// openProcHow is openProc for openat2 with its RESOLVE_* flags. The host
// opens the same path first, with the same flags: its file is of the same
// kind (gemu's own maps, auxv, cpuinfo; its exe, which the kernel runs),
// so it fails where the guest's kernel would: ENOTDIR for O_DIRECTORY,
// EEXIST for O_CREAT|O_EXCL, ELOOP for O_NOFOLLOW or RESOLVE_NO_MAGICLINKS
// on the exe link, EXDEV for RESOLVE_BENEATH, ETXTBSY for writing the
// exe, EACCES as the caller's credentials say (fs/namei.c do_open). A
// descriptor opened for writing is the host's: /proc refuses the writes
// as it would the guest's. One opened for reading shows the guest's view.
func openProcHow(p *Process, dirfd int, name string, flags int, resolve uint64) (uint64, bool) {
	return openProcFile(p, dirfd, name, flags, func() (uint64, bool) {
		var h int
		var err error
		if resolve != 0 {
			h, err = unix.Openat2(dirfd, name, &unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC), Resolve: resolve})
		} else {
			h, err = unix.Openat(dirfd, name, flags|unix.O_CLOEXEC, 0)
		}
		if err != nil {
			return usermode.ErrRet(err), true
		}
		if flags&unix.O_ACCMODE != unix.O_RDONLY && flags&unix.O_PATH == 0 {
			if flags&unix.O_CLOEXEC == 0 {
				unix.FcntlInt(uintptr(h), unix.F_SETFD, 0)
			}
			return uint64(h), true
		}
		unix.Close(h)
		return 0, false
	})
}

// openProcFile opens an emulated /proc file unless check, which the host
// answers first, has the result (an error, or the host's descriptor).
func openProcFile(p *Process, dirfd int, name string, flags int, check func() (uint64, bool)) (uint64, bool) {
	if name == "/proc/cpuinfo" {
		if ci, ok := p.Arch().(targets.CPUInfo); ok {
			if r, done := check(); done {
				return r, true
			}
			return procContent(p, []byte(cpuinfoText(ci)), flags), true
		}
		return 0, false
	}
	if pid, file, ok := p.PeerProcFile(dirfd, name); ok {
		content, ok := usermode.AskPeer(pid, file)
		if !ok {
			return 0, false
		}
		if r, done := check(); done {
			return r, true
		}
		if file == "exe" {
			return usermode.Ret(unix.Open(string(content), flags, 0)), true
		}
		return procContent(p, content, flags), true
	}
	file, ok := procSelfFile(p, dirfd, name)
	if !ok {
		return 0, false
	}
	if file == "exe" {
		if r, done := check(); done {
			return r, true
		}
		return usermode.Ret(unix.Open(p.Image().Path, flags, 0)), true
	}
	content, ok := procFileContent(p, file, name)
	if !ok {
		return 0, false
	}
	if r, done := check(); done {
		return r, true
	}
	return procContent(p, content, flags), true
}

// procFileContent is the guest's view of /proc/self/<file> (name is the
// path asked for); ok is false for files the host shows as they are.
func procFileContent(p *Process, file, name string) ([]byte, bool) {
	var content []byte
	switch file {
	case "auxv":
		content = p.Image().AuxvBytes()
	case "cmdline":
		content = p.GuestRange(p.Image().ArgStart, p.Image().ArgEnd)
	case "environ":
		content = p.GuestRange(p.Image().EnvStart, p.Image().EnvEnd)
	case "maps":
		content = []byte(mapsText(p))
	case "stat":
		content = statText(p, name)
	case "status":
		content = statusText(p, name)
	default:
		return nil, false
	}
	if content == nil && (file == "stat" || file == "status") {
		return nil, false
	}
	return content, true
}

// procContent returns a descriptor that reads content.
func procContent(p *Process, content []byte, flags int) uint64 {
	if flags&unix.O_ACCMODE != unix.O_RDONLY {
		return usermode.Errno(unix.EACCES)
	}
	return memFile(content, flags&unix.O_CLOEXEC != 0)
}

// cpuinfoText is /proc/cpuinfo for the guest CPU, one block per host CPU.
func cpuinfoText(ci targets.CPUInfo) string {
	var b strings.Builder
	for i := 0; i < runtime.NumCPU(); i++ {
		b.WriteString(ci.CPUInfo(i))
	}
	return b.String()
}

// statText is the host's /proc/<pid>/stat with the guest's memory fields
// (proc(5): 23 vsize, 26 startcode, 27 endcode, 28 startstack, 29-30
// kstkesp/kstkeip, 45-51 start_data … env_end): the host's would show
// the emulator's reservation and addresses.
func statText(p *Process, name string) []byte {
	host, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	s := string(host)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return host
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	set := func(field int, v uint64) {
		if k := field - 3; k >= 0 && k < len(f) {
			f[k] = strconv.FormatUint(v, 10)
		}
	}
	img := p.Image()
	set(23, guestVMSize(p))
	set(26, img.CodeStart)
	set(27, img.DataEnd)
	set(28, img.StackHigh)
	set(29, 0)
	set(30, 0)
	set(45, img.DataEnd)
	set(46, img.DataEnd)
	set(47, img.BrkStart)
	set(48, img.ArgStart)
	set(49, img.ArgEnd)
	set(50, img.EnvStart)
	set(51, img.EnvEnd)
	return []byte(s[:i+1] + " " + strings.Join(f, " ") + "\n")
}

// statusText is the host's /proc/<pid>/status with the guest's VmPeak and
// VmSize (the host's count the emulator's reservation).
func statusText(p *Process, name string) []byte {
	host, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	kb := fmt.Sprintf("%8d kB", guestVMSize(p)/1024)
	mode, filters := statusSeccomp(p, name)
	lines := strings.Split(string(host), "\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "VmPeak:") || strings.HasPrefix(l, "VmSize:"):
			lines[i] = l[:7] + "\t" + kb
		case strings.HasPrefix(l, "Seccomp:"):
			lines[i] = fmt.Sprintf("Seccomp:\t%d", mode)
		case strings.HasPrefix(l, "Seccomp_filters:"):
			lines[i] = fmt.Sprintf("Seccomp_filters:\t%d", filters)
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// statusSeccomp is the seccomp mode and filter count status shows: of
// the thread a /proc/<tid>/ name gives, else of the main thread (the
// kernel's /proc/<pid>/status is the leader's; thread-self is shown as
// the leader too).
func statusSeccomp(p *Process, name string) (mode, filters int) {
	t := p.Thread(p.PID)
	if rest, ok := strings.CutPrefix(name, "/proc/"); ok {
		who, _, _ := strings.Cut(rest, "/")
		if th, ok := threadByName(p, who); ok {
			t = th
		}
	}
	if t == nil {
		return 0, 0
	}
	if s := t.Seccomp(); s != nil {
		return s.Mode, s.Filter.Count()
	}
	return 0, 0
}

// guestVMSize is the total size of the guest's mappings.
func guestVMSize(p *Process) uint64 {
	var n uint64
	for _, v := range p.AS.VMAs() {
		n += v.End - v.Start
	}
	return n
}

// memFile returns a read-only-by-convention memfd holding content.
func memFile(content []byte, cloexec bool) uint64 {
	flags := 0
	if cloexec {
		flags = unix.MFD_CLOEXEC
	}
	fd, err := unix.MemfdCreate("gemu-proc", flags)
	if err != nil {
		return usermode.ErrRet(err)
	}
	for b := content; len(b) > 0; {
		n, err := unix.Write(fd, b)
		if err != nil {
			unix.Close(fd)
			return usermode.ErrRet(err)
		}
		b = b[n:]
	}
	unix.Seek(fd, 0, 0)
	return uint64(fd)
}

// mapsText formats the guest VMAs like /proc/self/maps.
func mapsText(p *Process) string {
	var b strings.Builder
	for _, v := range p.AS.VMAs() {
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
