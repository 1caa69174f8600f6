package freebsd

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// Guest struct layouts of FreeBSD 14 on aarch64 and riscv64 (LP64,
// little-endian, the same for both). Offsets are from the FreeBSD header
// named at each struct; Encode functions write every byte of the struct.

var le = binary.LittleEndian

// struct timespec and struct timeval (FreeBSD sys/sys/_timespec.h,
// _timeval.h): tv_sec 0, tv_nsec/tv_usec 8.
const TimespecSize = 16

// TimespecBytes encodes a struct timespec (or timeval with usec).
func TimespecBytes(sec, nsec int64) []byte {
	b := make([]byte, TimespecSize)
	le.PutUint64(b[0:], uint64(sec))
	le.PutUint64(b[8:], uint64(nsec))
	return b
}

// DecodeTimespec reads a struct timespec (or timeval).
func DecodeTimespec(b []byte) (sec, nsec int64) {
	return int64(le.Uint64(b[0:])), int64(le.Uint64(b[8:]))
}

// struct stat, ino64 layout of FreeBSD 12 and later (FreeBSD
// sys/sys/stat.h; the i386-only st_*_ext words are absent on LP64).
const (
	StatSize        = 224
	statDev         = 0
	statIno         = 8
	statNlink       = 16
	statMode        = 24 // mode_t is 16 bits
	statBsdflags    = 26
	statUID         = 28
	statGID         = 32
	statRdev        = 40
	statAtim        = 48
	statMtim        = 64
	statCtim        = 80
	statBirthtim    = 96
	statSize        = 112
	statBlocks      = 120
	statBlksize     = 128
	statFlags       = 132
	statGen         = 136
	statFilerevOrSp = 144 // st_filerev (FreeBSD 14), then st_spare[9]
)

// StatFromLinux converts the x86_64 host's struct stat. Linux's stat(2)
// has no birth time: st_birthtim gets tv_sec -1, FreeBSD's mark for a
// file system that keeps none (the caller may fill it from statx).
func StatFromLinux(s *unix.Stat_t) []byte {
	b := make([]byte, StatSize)
	le.PutUint64(b[statDev:], s.Dev)
	le.PutUint64(b[statIno:], s.Ino)
	le.PutUint64(b[statNlink:], s.Nlink)
	le.PutUint16(b[statMode:], uint16(s.Mode))
	le.PutUint32(b[statUID:], s.Uid)
	le.PutUint32(b[statGID:], s.Gid)
	le.PutUint64(b[statRdev:], s.Rdev)
	putTimespec(b[statAtim:], s.Atim)
	putTimespec(b[statMtim:], s.Mtim)
	putTimespec(b[statCtim:], s.Ctim)
	putTimespec(b[statBirthtim:], unix.Timespec{Sec: -1})
	le.PutUint64(b[statSize:], uint64(s.Size))
	le.PutUint64(b[statBlocks:], uint64(s.Blocks))
	le.PutUint32(b[statBlksize:], uint32(s.Blksize))
	return b
}

func putTimespec(b []byte, t unix.Timespec) {
	le.PutUint64(b[0:], uint64(t.Sec))
	le.PutUint64(b[8:], uint64(t.Nsec))
}

// struct dirent of FreeBSD 12 and later (FreeBSD sys/sys/dirent.h):
// d_fileno 0, d_off 8, d_reclen 16 (u16), d_type 18, d_pad0 19,
// d_namlen 20 (u16), d_pad1 22, d_name 24 (MAXNAMLEN+1 = 256). A record
// holds the name, its NUL, and padding to 8 bytes (_GENERIC_DIRLEN).
const (
	DirentHeader  = 24
	direntOff     = 8
	direntReclen  = 16
	direntType    = 18
	direntNamlen  = 20
	linuxDirent64 = 19 // Linux's d_name offset (include/linux/dirent.h)
)

// DirentLen is the record length for a name of n bytes.
func DirentLen(n int) int { return (DirentHeader + n + 1 + 7) &^ 7 }

// DirentsFromLinux converts a Linux getdents64 buffer into FreeBSD
// records (the d_type values DT_* agree). It stops before the first
// record that does not fit in max bytes and says how many source bytes
// it consumed, so the caller can seek back for the rest.
func DirentsFromLinux(src []byte, max int) (out []byte, used int) {
	for used+linuxDirent64 <= len(src) {
		rec := src[used:]
		reclen := int(le.Uint16(rec[16:]))
		if reclen < linuxDirent64 || reclen > len(rec) {
			break
		}
		name := cString(rec[linuxDirent64:reclen])
		n := DirentLen(len(name))
		if len(out)+n > max {
			break
		}
		d := make([]byte, n)
		copy(d[0:8], rec[0:8]) // d_ino -> d_fileno
		copy(d[direntOff:direntOff+8], rec[8:16])
		le.PutUint16(d[direntReclen:], uint16(n))
		d[direntType] = rec[18]
		le.PutUint16(d[direntNamlen:], uint16(len(name)))
		copy(d[DirentHeader:], name)
		out = append(out, d...)
		used += reclen
	}
	return out, used
}

func cString(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// struct sigaction (FreeBSD sys/sys/signal.h): the handler union 0,
// sa_flags 8 (int), sa_mask 12 (sigset_t); 32 bytes with tail padding.
// FreeBSD has no sa_restorer: the kernel's sigcode returns.
const SigactionSize = 32

// Sigaction is the guest's struct sigaction.
type Sigaction struct {
	Handler uint64
	Flags   int32
	Mask    Sigset
}

// sa_flags (FreeBSD sys/sys/signal.h).
const (
	SA_ONSTACK   = 0x1
	SA_RESTART   = 0x2
	SA_RESETHAND = 0x4
	SA_NODEFER   = 0x10
	SA_NOCLDWAIT = 0x20
	SA_SIGINFO   = 0x40
	SA_NOCLDSTOP = 0x8
)

func (s *Sigaction) Encode(b []byte) {
	clear(b[:SigactionSize])
	le.PutUint64(b[0:], s.Handler)
	le.PutUint32(b[8:], uint32(s.Flags))
	s.Mask.Encode(b[12:])
}

func DecodeSigaction(b []byte) Sigaction {
	return Sigaction{Handler: le.Uint64(b[0:]), Flags: int32(le.Uint32(b[8:])), Mask: DecodeSigset(b[12:])}
}

// stack_t, struct sigaltstack (FreeBSD sys/sys/signal.h): ss_sp 0,
// ss_size 8, ss_flags 16; 24 bytes. The order differs from Linux's.
const (
	StackTSize = 24
	SS_ONSTACK = 0x1
	SS_DISABLE = 0x4
)

type StackT struct {
	SP, Size uint64
	Flags    int32
}

func (s StackT) Encode(b []byte) {
	clear(b[:StackTSize])
	le.PutUint64(b[0:], s.SP)
	le.PutUint64(b[8:], s.Size)
	le.PutUint32(b[16:], uint32(s.Flags))
}

func DecodeStackT(b []byte) StackT {
	return StackT{SP: le.Uint64(b[0:]), Size: le.Uint64(b[8:]), Flags: int32(le.Uint32(b[16:]))}
}

// siginfo_t (FreeBSD sys/sys/signal.h): si_signo 0, si_errno 4, si_code
// 8, si_pid 12, si_uid 16, si_status 20, si_addr 24, si_value 32, and the
// _reason union at 40 (e.g. _fault._trapno, _timer._timerid/_overrun);
// 80 bytes.
const SiginfoSize = 80

type Siginfo struct {
	Signo, Errno, Code, Pid int32
	UID                     uint32
	Status                  int32
	Addr, Value             uint64
	Reason                  [2]int32 // the first two ints of _reason
}

func (s *Siginfo) Encode(b []byte) {
	clear(b[:SiginfoSize])
	for i, v := range []uint32{uint32(s.Signo), uint32(s.Errno), uint32(s.Code), uint32(s.Pid), s.UID, uint32(s.Status)} {
		le.PutUint32(b[4*i:], v)
	}
	le.PutUint64(b[24:], s.Addr)
	le.PutUint64(b[32:], s.Value)
	le.PutUint32(b[40:], uint32(s.Reason[0]))
	le.PutUint32(b[44:], uint32(s.Reason[1]))
}
