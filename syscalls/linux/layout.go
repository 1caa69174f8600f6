package linux

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// Guest struct layouts of the 64-bit asm-generic Linux ABI (riscv64 and
// aarch64; both little-endian). Each Encode writes exactly Size bytes at the
// offsets of the kernel header named in the type's comment.

var le = binary.LittleEndian

// Timespec is struct __kernel_timespec (Linux include/uapi/linux/time_types.h):
// tv_sec at 0, tv_nsec at 8. struct timeval has the same 64-bit layout.
type Timespec struct{ Sec, Nsec int64 }

const TimespecSize = 16

func (t Timespec) Encode(b []byte) {
	le.PutUint64(b[0:], uint64(t.Sec))
	le.PutUint64(b[8:], uint64(t.Nsec))
}

// DecodeTimespec reads a struct timespec (or timeval) from guest bytes.
func DecodeTimespec(b []byte) Timespec {
	return Timespec{Sec: int64(le.Uint64(b[0:])), Nsec: int64(le.Uint64(b[8:]))}
}

// Stat is asm-generic struct stat (Linux include/uapi/asm-generic/stat.h), 128 bytes.
type Stat struct {
	Dev, Ino              uint64
	Mode, Nlink, UID, GID uint32
	Rdev                  uint64
	Size                  int64
	Blksize               int32
	Blocks                int64
	Atime, Mtime, Ctime   Timespec
}

const StatSize = 128

// StatFromHost converts the x86_64 host's struct stat.
func StatFromHost(s *unix.Stat_t) Stat {
	return Stat{
		Dev: s.Dev, Ino: s.Ino, Mode: s.Mode, Nlink: uint32(s.Nlink), UID: s.Uid, GID: s.Gid,
		Rdev: s.Rdev, Size: s.Size, Blksize: int32(s.Blksize), Blocks: s.Blocks,
		Atime: Timespec{s.Atim.Sec, s.Atim.Nsec},
		Mtime: Timespec{s.Mtim.Sec, s.Mtim.Nsec},
		Ctime: Timespec{s.Ctim.Sec, s.Ctim.Nsec},
	}
}

func (s *Stat) Encode(b []byte) {
	clear(b[:StatSize])
	le.PutUint64(b[0:], s.Dev)
	le.PutUint64(b[8:], s.Ino)
	le.PutUint32(b[16:], s.Mode)
	le.PutUint32(b[20:], s.Nlink)
	le.PutUint32(b[24:], s.UID)
	le.PutUint32(b[28:], s.GID)
	le.PutUint64(b[32:], s.Rdev)
	// __pad1 at 40
	le.PutUint64(b[48:], uint64(s.Size))
	le.PutUint32(b[56:], uint32(s.Blksize))
	// __pad2 at 60
	le.PutUint64(b[64:], uint64(s.Blocks))
	s.Atime.Encode(b[72:])
	s.Mtime.Encode(b[88:])
	s.Ctime.Encode(b[104:])
	// __unused4, __unused5 at 120, 124
}

// Utsname is struct new_utsname (Linux include/uapi/linux/utsname.h): six
// NUL-padded 65-byte fields.
type Utsname struct {
	Sysname, Nodename, Release, Version, Machine, Domainname string
}

const (
	utsLen      = 65
	UtsnameSize = 6 * utsLen
)

func (u *Utsname) Encode(b []byte) {
	clear(b[:UtsnameSize])
	for i, f := range []string{u.Sysname, u.Nodename, u.Release, u.Version, u.Machine, u.Domainname} {
		if len(f) > utsLen-1 {
			f = f[:utsLen-1]
		}
		copy(b[i*utsLen:], f)
	}
}

// Rlimit is struct rlimit64 (Linux include/uapi/linux/resource.h): rlim_cur, rlim_max.
type Rlimit struct{ Cur, Max uint64 }

const RlimitSize = 16

func (r Rlimit) Encode(b []byte) {
	le.PutUint64(b[0:], r.Cur)
	le.PutUint64(b[8:], r.Max)
}

func DecodeRlimit(b []byte) Rlimit { return Rlimit{Cur: le.Uint64(b[0:]), Max: le.Uint64(b[8:])} }

// Sysinfo is struct sysinfo (Linux include/uapi/linux/sysinfo.h), 112 bytes on 64-bit.
type Sysinfo struct {
	Uptime                                  int64
	Loads                                   [3]uint64
	Totalram, Freeram, Sharedram, Bufferram uint64
	Totalswap, Freeswap                     uint64
	Procs                                   uint16
	Totalhigh, Freehigh                     uint64
	MemUnit                                 uint32
}

const SysinfoSize = 112

func SysinfoFromHost(s *unix.Sysinfo_t) Sysinfo {
	return Sysinfo{Uptime: s.Uptime, Loads: s.Loads, Totalram: s.Totalram, Freeram: s.Freeram,
		Sharedram: s.Sharedram, Bufferram: s.Bufferram, Totalswap: s.Totalswap, Freeswap: s.Freeswap,
		Procs: s.Procs, Totalhigh: s.Totalhigh, Freehigh: s.Freehigh, MemUnit: s.Unit}
}

func (s *Sysinfo) Encode(b []byte) {
	clear(b[:SysinfoSize])
	le.PutUint64(b[0:], uint64(s.Uptime))
	for i, l := range s.Loads {
		le.PutUint64(b[8+8*i:], l)
	}
	for i, v := range []uint64{s.Totalram, s.Freeram, s.Sharedram, s.Bufferram, s.Totalswap, s.Freeswap} {
		le.PutUint64(b[32+8*i:], v)
	}
	le.PutUint16(b[80:], s.Procs)
	le.PutUint64(b[88:], s.Totalhigh)
	le.PutUint64(b[96:], s.Freehigh)
	le.PutUint32(b[104:], s.MemUnit)
}

// Winsize is struct winsize (Linux include/uapi/asm-generic/termios.h), 8 bytes.
type Winsize struct{ Row, Col, Xpixel, Ypixel uint16 }

const WinsizeSize = 8

func (w Winsize) Encode(b []byte) {
	le.PutUint16(b[0:], w.Row)
	le.PutUint16(b[2:], w.Col)
	le.PutUint16(b[4:], w.Xpixel)
	le.PutUint16(b[6:], w.Ypixel)
}

func DecodeWinsize(b []byte) Winsize {
	return Winsize{le.Uint16(b[0:]), le.Uint16(b[2:]), le.Uint16(b[4:]), le.Uint16(b[6:])}
}

// Termios is the kernel struct termios of TCGETS/TCSETS (Linux
// include/uapi/asm-generic/termbits.h): four tcflag_t, c_line, c_cc[19];
// 36 bytes. The flag and c_cc index values are asm-generic on the x86_64
// host as well, so they pass through unchanged.
type Termios struct {
	Iflag, Oflag, Cflag, Lflag uint32
	Line                       uint8
	Cc                         [19]uint8
}

const TermiosSize = 36

func TermiosFromHost(t *unix.Termios) Termios {
	g := Termios{Iflag: t.Iflag, Oflag: t.Oflag, Cflag: t.Cflag, Lflag: t.Lflag, Line: t.Line}
	copy(g.Cc[:], t.Cc[:])
	return g
}

// ToHost fills the fields TCSETS reads; the host's speed fields are kept.
func (g *Termios) ToHost(t *unix.Termios) {
	t.Iflag, t.Oflag, t.Cflag, t.Lflag, t.Line = g.Iflag, g.Oflag, g.Cflag, g.Lflag, g.Line
	copy(t.Cc[:], g.Cc[:])
}

func (g *Termios) Encode(b []byte) {
	le.PutUint32(b[0:], g.Iflag)
	le.PutUint32(b[4:], g.Oflag)
	le.PutUint32(b[8:], g.Cflag)
	le.PutUint32(b[12:], g.Lflag)
	b[16] = g.Line
	copy(b[17:TermiosSize], g.Cc[:])
}

func DecodeTermios(b []byte) Termios {
	t := Termios{Iflag: le.Uint32(b[0:]), Oflag: le.Uint32(b[4:]), Cflag: le.Uint32(b[8:]),
		Lflag: le.Uint32(b[12:]), Line: b[16]}
	copy(t.Cc[:], b[17:TermiosSize])
	return t
}

// Iovec is struct iovec (Linux include/uapi/linux/uio.h): iov_base, iov_len.
type Iovec struct{ Base, Len uint64 }

const IovecSize = 16

// DecodeIovecs reads consecutive struct iovec entries.
func DecodeIovecs(b []byte) []Iovec {
	out := make([]Iovec, len(b)/IovecSize)
	for i := range out {
		out[i] = Iovec{Base: le.Uint64(b[i*IovecSize:]), Len: le.Uint64(b[i*IovecSize+8:])}
	}
	return out
}

// Dirent64Header is the fixed part of struct linux_dirent64 (Linux
// include/linux/dirent.h): d_ino 0, d_off 8, d_reclen 16, d_type 18,
// d_name 19. The x86_64 host uses the same layout, so getdents64 passes
// host records through unchanged.
const Dirent64Header = 19

// Sigaction is the kernel struct sigaction of rt_sigaction. Its layout is
// per architecture: aarch64 defines SA_RESTORER and has sa_restorer,
// riscv64 does not (Linux include/uapi/asm-generic/signal.h).
type Sigaction struct {
	Handler, Flags, Restorer, Mask uint64
}

// SigactionLayout gives the guest's struct sigaction size and whether it
// carries sa_restorer (before sa_mask).
type SigactionLayout struct {
	Size        int
	HasRestorer bool
}

func (l SigactionLayout) Encode(b []byte, s Sigaction) {
	le.PutUint64(b[0:], s.Handler)
	le.PutUint64(b[8:], s.Flags)
	if l.HasRestorer {
		le.PutUint64(b[16:], s.Restorer)
		le.PutUint64(b[24:], s.Mask)
		return
	}
	le.PutUint64(b[16:], s.Mask)
}

func (l SigactionLayout) Decode(b []byte) Sigaction {
	s := Sigaction{Handler: le.Uint64(b[0:]), Flags: le.Uint64(b[8:])}
	if l.HasRestorer {
		s.Restorer, s.Mask = le.Uint64(b[16:]), le.Uint64(b[24:])
	} else {
		s.Mask = le.Uint64(b[16:])
	}
	return s
}

// StackT is stack_t of sigaltstack (Linux include/uapi/asm-generic/signal.h):
// ss_sp 0, ss_flags 8 (int), ss_size 16; 24 bytes.
type StackT struct {
	SP    uint64
	Flags int32
	Size  uint64
}

const StackTSize = 24

func (s StackT) Encode(b []byte) {
	le.PutUint64(b[0:], s.SP)
	le.PutUint32(b[8:], uint32(s.Flags))
	le.PutUint32(b[12:], 0)
	le.PutUint64(b[16:], s.Size)
}

func DecodeStackT(b []byte) StackT {
	return StackT{SP: le.Uint64(b[0:]), Flags: int32(le.Uint32(b[8:])), Size: le.Uint64(b[16:])}
}

// Loop devices (Linux include/uapi/linux/loop.h). struct loop_info64 and
// struct loop_config use fixed-width types only and are the same on
// x86_64 and the guests; the old struct loop_info is not: its
// __kernel_old_dev_t fields are an unsigned long on x86_64 and an unsigned
// int on the asm-generic targets (include/uapi/asm-generic/posix_types.h),
// which moves every field after lo_number.
const (
	LoopInfo64Size   = 232
	LoopConfigSize   = 304
	LoopInfoSize     = 160 // the guests' struct loop_info
	HostLoopInfoSize = 168 // x86_64's
)

// loopInfoFields are the runs of struct loop_info: guest offset, host
// offset, guest size, host size.
var loopInfoFields = [...][4]int{
	{0, 0, 4, 4},       // lo_number
	{4, 8, 4, 8},       // lo_device
	{8, 16, 8, 8},      // lo_inode
	{16, 24, 4, 8},     // lo_rdevice
	{20, 32, 16, 16},   // lo_offset, lo_encrypt_type, lo_encrypt_key_size, lo_flags
	{36, 48, 96, 96},   // lo_name[64], lo_encrypt_key[32]
	{136, 144, 16, 16}, // lo_init[2]
	{152, 160, 4, 4},   // reserved[4]
}

// LoopInfoToHost converts a guest struct loop_info to x86_64's.
func LoopInfoToHost(g []byte) []byte {
	h := make([]byte, HostLoopInfoSize)
	for _, f := range loopInfoFields {
		copy(h[f[1]:f[1]+f[3]], g[f[0]:f[0]+f[2]])
	}
	return h
}

// LoopInfoFromHost converts x86_64's struct loop_info to the guests'; ok
// is false when a device number does not fit the guests' 32 bits (the
// kernel's loop_info64_to_old says EOVERFLOW then).
func LoopInfoFromHost(h []byte) (g []byte, ok bool) {
	g = make([]byte, LoopInfoSize)
	ok = true
	for _, f := range loopInfoFields {
		copy(g[f[0]:f[0]+f[2]], h[f[1]:f[1]+f[3]])
		for _, c := range h[f[1]+f[2] : f[1]+f[3]] {
			ok = ok && c == 0
		}
	}
	return g, ok
}
