package usermode

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// setHostComm names the host thread after the guest program, as execve
// names a native process (the basename, cut to TASK_COMM_LEN-1 bytes,
// fs/exec.c __set_task_comm): /proc/self/comm, stat and status, ps and
// top then show the guest's name.
func setHostComm(path string) {
	name := filepath.Base(path)
	if len(name) > TaskCommLen-1 {
		name = name[:TaskCommLen-1]
	}
	b := append([]byte(name), 0)
	unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&b[0])), 0, 0, 0)
}

// hostCmdline holds the guest's argv strings that the host's
// /proc/<pid>/cmdline shows; Go's heap does not move it.
var hostCmdline []byte

// setHostCmdline makes the host's /proc/<pid>/cmdline the guest's argv,
// so that ps, pgrep and other guests reading /proc/<pid>/cmdline see the
// guest's command, not gemu's. prctl(2) PR_SET_MM_MAP replaces the mm's
// fields in one step (the single-field forms need CAP_SYS_RESOURCE); the
// others are given back as they are, from /proc/self/stat. Where the
// kernel refuses, gemu's command line stays.
func (p *Process) setHostCmdline() {
	args := p.GuestRange(p.img.ArgStart, p.img.ArgEnd)
	stat, err := procReadFile("self/stat")
	i := bytes.LastIndexByte(stat, ')')
	if len(args) == 0 || err != nil || i < 0 {
		return
	}
	var field [52]uint64 // field[k] is field k of proc(5)
	for k, f := range strings.Fields(string(stat[i+2:])) {
		if k+3 < len(field) {
			field[k+3], _ = strconv.ParseUint(f, 10, 64)
		}
	}
	brk, _, _ := unix.RawSyscall(unix.SYS_BRK, 0, 0, 0)
	hostCmdline = args
	start := uint64(uintptr(unsafe.Pointer(&args[0])))
	// struct prctl_mm_map (include/uapi/linux/prctl.h); exe_fd -1 keeps the exe
	m := struct {
		startCode, endCode, startData, endData, startBrk, brk, startStack uint64
		argStart, argEnd, envStart, envEnd                                uint64
		auxv                                                              uint64
		auxvSize, exeFD                                                   uint32
	}{field[26], field[27], field[45], field[46], field[47], uint64(brk), field[28],
		start, start + uint64(len(args)), field[50], field[51], 0, 0, ^uint32(0)}
	unix.Syscall6(unix.SYS_PRCTL, unix.PR_SET_MM, unix.PR_SET_MM_MAP, uintptr(unsafe.Pointer(&m)), unsafe.Sizeof(m), 0, 0)
}

// GuestRange copies guest bytes [lo, hi), empty when unreadable.
func (p *Process) GuestRange(lo, hi uint64) []byte {
	b := make([]byte, hi-lo)
	if p.AS.Read(lo, b) != nil {
		return nil
	}
	return b
}

const TaskCommLen = 16
