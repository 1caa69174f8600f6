//go:build linux && amd64

package fdtable

import (
	"bytes"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"github.com/gemu-project/gemu/internal/nofile"
)

// Room is how many of gemu's descriptors the table is grown for above
// where they are parked (nofile.ParkFloor).
const Room = 64

// Auxiliary vector tags (include/uapi/linux/auxvec.h) and the
// binfmt_misc flag bit (include/uapi/linux/binfmts.h).
const (
	atExecFD             = 2
	atFlags              = 8
	atExecFn             = 31
	atFlagsPreserveArgv0 = 1
)

// Linux constants not in package syscall (include/uapi/linux/memfd.h,
// fcntl.h).
const (
	mfdCloexec   = 0x1
	mfdExec      = 0x10
	atEmptyPath  = 0x1000
	sysMemfd     = 319
	sysExecveat  = 322
	oPath        = 0x200000 // O_PATH
	paramsMarker = "GEMUFDTB"
)

func init() { grow() }

// Target is the descriptor the table must hold for gemu under the soft and
// hard RLIMIT_NOFILE it was started with, or 0 when the first table holds
// it (or the limit is unknown).
func Target(soft, hard uint64) uint64 {
	if hard == 0 {
		return 0
	}
	target := nofile.ParkFloor(soft, hard) + Room
	if target >= hard {
		target = hard - 1
	}
	if target < 64 {
		return 0
	}
	return target
}

// startEnv passes a binfmt_misc start's auxv facts through the trampoline
// (cmd/gemu/binfmtrun.go reads them with PassedAux): "flags,execfd,execfn".
const startEnv = "GEMU_START_AUXV"

// passed is what startEnv said in the trampoline's exec of gemu.
var passed struct {
	ok     bool
	flags  uintptr
	execFD int
	execFn string
}

// PassedAux is the AT_FLAGS, AT_EXECFD (-1 when absent) and AT_EXECFN of
// the binfmt_misc start this gemu was exec'd from by the trampoline; ok is
// false for any other start, whose own auxv tells.
func PassedAux() (flags uintptr, execFD int, execFn string, ok bool) {
	return passed.flags, passed.execFD, passed.execFn, passed.ok
}

// startAux is what gemu's own auxiliary vector says of its start.
type startAux struct {
	flags  uint64
	execFD int
	execFn string
}

// byFD tells a gemu exec'd from a descriptor: the trampoline's exec and
// fork children's (AT_EXECFN /dev/fd/N), which never need the trampoline.
func (a startAux) byFD() bool { return strings.HasPrefix(a.execFn, "/dev/fd/") }

// binfmt tells a binfmt_misc start (cmd/gemu/binfmtrun.go: flag P or O, or
// AT_EXECFN naming the program in argv[1]).
func (a startAux) binfmt(argv []string) bool {
	return a.flags&atFlagsPreserveArgv0 != 0 || a.execFD >= 0 || len(argv) > 1 && argv[1] == a.execFn
}

// grow execs the trampoline when the table is too small for Target and
// returns when it does not.
func grow() {
	// A fork child (linuxuser's GEMU_FORK_RESUME) has its parent's table.
	if _, ok := syscall.Getenv("GEMU_FORK_RESUME"); ok {
		return
	}
	value, fromTrampoline := syscall.Getenv(startEnv)
	if fromTrampoline {
		syscall.Unsetenv(startEnv)
	}
	aux, ok := readAux()
	if !ok || aux.byFD() {
		if ok && fromTrampoline {
			readPassed(value)
		}
		return
	}
	target := Target(nofile.Start[0], nofile.Start[1])
	if target == 0 {
		return
	}
	if size, ok := fdSize(); !ok || size > target {
		return
	}
	argv := procStrings("/proc/self/cmdline")
	if len(argv) == 0 {
		return
	}
	envp := procStrings("/proc/self/environ")
	if aux.binfmt(argv) {
		envp = append(envp, startEnv+"="+strconv.FormatUint(aux.flags, 10)+","+strconv.Itoa(aux.execFD)+","+aux.execFn)
	}
	program, exefd, ok := prepare(target)
	if !ok {
		return
	}
	memfd, err := memfdCreate()
	if err != nil {
		syscall.Close(exefd)
		return
	}
	if n, err := syscall.Write(memfd, program); err == nil && n == len(program) {
		execveat(memfd, argv, envp)
	}
	syscall.Close(memfd)
	syscall.Close(exefd)
}

// readPassed parses startEnv's value.
func readPassed(value string) {
	flags, rest, _ := strings.Cut(value, ",")
	fd, execFn, found := strings.Cut(rest, ",")
	f, err1 := strconv.ParseUint(flags, 10, 64)
	n, err2 := strconv.Atoi(fd)
	if found && err1 == nil && err2 == nil {
		passed.ok, passed.flags, passed.execFD, passed.execFn = true, uintptr(f), n, execFn
	}
}

// prepare opens gemu's executable (O_PATH, inherited by the trampoline)
// and returns the trampoline with its parameters filled in.
func prepare(target uint64) ([]byte, int, bool) {
	at := bytes.Index(trampoline, []byte(paramsMarker))
	if at < 0 {
		return nil, 0, false
	}
	exefd, err := syscall.Open("/proc/self/exe", oPath, 0)
	if err != nil {
		return nil, 0, false
	}
	program := bytes.Clone(trampoline)
	params := program[at+len(paramsMarker):]
	hard := nofile.Start[1]
	for i, v := range []uint64{uint64(exefd), target, hard, hard, nofile.Start[0], hard} {
		putUint64(params[8*i:], v)
	}
	return program, exefd, true
}

// readAux reads gemu's auxiliary vector (/proc/self/auxv).
func readAux() (startAux, bool) {
	aux := startAux{execFD: -1}
	data, ok := procFile("/proc/self/auxv")
	if !ok {
		return aux, false
	}
	var execFn uint64
	for i := 0; i+16 <= len(data); i += 16 {
		switch tag, val := getUint64(data[i:]), getUint64(data[i+8:]); tag {
		case atExecFD:
			aux.execFD = int(val)
		case atFlags:
			aux.flags = val
		case atExecFn:
			execFn = val
		}
	}
	aux.execFn, ok = readString(execFn)
	return aux, ok
}

// fdSize is the table's size, FDSize in /proc/self/status.
func fdSize() (uint64, bool) {
	status, ok := procFile("/proc/self/status")
	if !ok {
		return 0, false
	}
	_, rest, found := bytes.Cut(status, []byte("\nFDSize:"))
	if !found {
		return 0, false
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	n, err := strconv.ParseUint(string(bytes.TrimSpace(line)), 10, 64)
	return n, err == nil
}

// procFile reads a whole /proc file.
func procFile(path string) ([]byte, bool) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	defer syscall.Close(fd)
	var data []byte
	buf := make([]byte, 4096)
	for {
		n, err := syscall.Read(fd, buf)
		if err != nil {
			return nil, false
		}
		if n == 0 {
			return data, true
		}
		data = append(data, buf[:n]...)
	}
}

// procStrings splits a NUL-terminated list (/proc/self/cmdline, environ).
func procStrings(path string) []string {
	data, ok := procFile(path)
	if !ok || len(data) == 0 || data[len(data)-1] != 0 {
		return nil
	}
	return splitNul(data[:len(data)-1])
}

func splitNul(data []byte) []string {
	var out []string
	for _, s := range bytes.Split(data, []byte{0}) {
		out = append(out, string(s))
	}
	return out
}

// readString reads the NUL-terminated string at addr of this process.
func readString(addr uint64) (string, bool) {
	if addr == 0 {
		return "", false
	}
	fd, err := syscall.Open("/proc/self/mem", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return "", false
	}
	defer syscall.Close(fd)
	buf := make([]byte, 4096)
	n, err := syscall.Pread(fd, buf, int64(addr))
	if err != nil {
		return "", false
	}
	s, _, found := bytes.Cut(buf[:n], []byte{0})
	return string(s), found
}

func memfdCreate() (int, error) {
	name := []byte("gemu-fdtable\x00")
	for _, flags := range []uintptr{mfdCloexec | mfdExec, mfdCloexec} {
		fd, _, errno := syscall.RawSyscall(sysMemfd, uintptr(unsafe.Pointer(&name[0])), flags, 0)
		if errno == 0 {
			return int(fd), nil
		}
		if errno != syscall.EINVAL {
			return -1, errno
		}
	}
	return -1, syscall.EINVAL
}

// execveat runs the program in fd with argv and envp; it returns only if
// the exec failed.
func execveat(fd int, argv, envp []string) {
	args, err := syscall.SlicePtrFromStrings(argv)
	if err != nil {
		return
	}
	env, err := syscall.SlicePtrFromStrings(envp)
	if err != nil {
		return
	}
	empty := []byte{0}
	syscall.RawSyscall6(sysExecveat, uintptr(fd), uintptr(unsafe.Pointer(&empty[0])),
		uintptr(unsafe.Pointer(&args[0])), uintptr(unsafe.Pointer(&env[0])), atEmptyPath, 0)
}

func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

func getUint64(b []byte) uint64 {
	var v uint64
	for i := range 8 {
		v |= uint64(b[i]) << (8 * i)
	}
	return v
}
