package main

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/internal/fdtable"
)

// Auxiliary vector tags (include/uapi/linux/auxvec.h) and the AT_FLAGS
// bit binfmt_misc's P flag sets (include/uapi/linux/binfmts.h,
// AT_FLAGS_PRESERVE_ARGV0).
const (
	atExecFD             = 2
	atFlags              = 8
	atExecFn             = 31
	atFlagsPreserveArgv0 = 1
)

// binfmtStart is how binfmt_misc started gemu for a program
// (Documentation/admin-guide/binfmt-misc.rst, fs/binfmt_misc.c
// load_misc_binary): the kernel's argv is [interpreter, program path,
// argv...], with flag P [interpreter, program path, original argv0,
// argv[1:]...], and with flag O (or C) the program is open at AT_EXECFD.
type binfmtStart struct {
	path     string   // the program, as execve was given it
	argv0    string   // the original argv[0] (P), else the path
	args     []string // the program's arguments after argv[0]
	execFile *os.File // the program open at AT_EXECFD (O, C), or nil
}

// detectBinfmt tells a start by binfmt_misc from a command line typed to
// gemu, from gemu's own auxiliary vector: the kernel wrote it for this
// execve, so a gemu started any other way (a shell, gemu's own fork and
// exec children) never carries these marks. A program whose path is
// "info", "binfmt" or "-h" must run as that program, not as gemu's
// subcommand or flag. The marks, any one of which is enough:
//   - AT_FLAGS has AT_FLAGS_PRESERVE_ARGV0: an entry with flag P;
//   - AT_EXECFD is present: an entry with flag O or C;
//   - AT_EXECFN, the file execve was asked to run, is argv[1]: the kernel
//     ran argv[1] and handed it to gemu, as binfmt_misc (any flags) and
//     a "#!gemu" script do. Typed to a shell, `gemu info` has AT_EXECFN
//     naming gemu itself; only `gemu /path/of/gemu` looks alike, and
//     there the path is the program anyway.
//
// It returns nil for any other start.
func detectBinfmt(args []string) *binfmtStart {
	// A start internal/fdtable exec'd again says what its auxv was.
	if flags, fd, fn, ok := fdtable.PassedAux(); ok {
		return startAux{flags: flags, execFD: fd, execFn: fn}.binfmtStart(args)
	}
	auxv, err := unix.Auxv()
	if err != nil {
		return nil
	}
	aux := startAux{execFD: -1}
	for _, kv := range auxv {
		switch kv[0] {
		case atFlags:
			aux.flags = kv[1]
		case atExecFD:
			aux.execFD = int(kv[1])
		case atExecFn:
			aux.execFn = cString(kv[1])
		}
	}
	return aux.binfmtStart(args)
}

// startAux is what gemu's auxiliary vector says about its start.
type startAux struct {
	flags  uintptr // AT_FLAGS
	execFD int     // AT_EXECFD, -1 when absent
	execFn string  // AT_EXECFN
}

// binfmtStart reads args as binfmt_misc's when aux bears one of its marks.
func (aux startAux) binfmtStart(args []string) *binfmtStart {
	preserve := aux.flags&atFlagsPreserveArgv0 != 0
	if len(args) < 2 || (!preserve && aux.execFD < 0 && aux.execFn != args[1]) {
		return nil
	}
	s := &binfmtStart{path: args[1], argv0: args[1], args: args[2:]}
	if preserve && len(args) >= 3 {
		s.argv0, s.args = args[2], args[3:]
	}
	if aux.execFD >= 0 {
		s.execFile = os.NewFile(uintptr(aux.execFD), args[1])
	}
	return s
}

// cliArgs is the command line gemu parses for a binfmt_misc start: its
// flags come from the environment only (QEMU_*, GEMU_*), and "--" keeps
// a program path that begins with "-" from being taken for one.
func (s *binfmtStart) cliArgs(argv0 string) []string {
	return append([]string{argv0, "--", s.path}, s.args...)
}

// cString reads the NUL-terminated string the kernel put at addr on
// gemu's initial stack (at most PATH_MAX bytes).
func cString(addr uintptr) string {
	const pathMax = 4096
	if addr == 0 {
		return ""
	}
	var b []byte
	for i := uintptr(0); i < pathMax; i++ {
		c := *(*byte)(unsafe.Add(unsafe.Pointer(nil), addr+i))
		if c == 0 {
			break
		}
		b = append(b, c)
	}
	return string(b)
}
