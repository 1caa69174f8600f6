package syscalls

// ArgKind says how -strace prints one syscall argument, following QEMU's
// linux-user/strace.c conventions.
type ArgKind uint8

const (
	ArgInt        ArgKind = iota // int: signed 32-bit decimal
	ArgLong                      // long: signed 64-bit decimal
	ArgHex                       // %#x
	ArgOct                       // %#o (modes)
	ArgPtr                       // 0x%016x or NULL
	ArgStr                       // guest C string, quoted, or NULL
	ArgDirFD                     // AT_FDCWD or the fd
	ArgOpenFlags                 // O_RDONLY|O_CLOEXEC...
	ArgOpenMode                  // the mode, only when O_CREAT or O_TMPFILE was given
	ArgProt                      // PROT_READ|PROT_WRITE
	ArgMmapFlags                 // MAP_PRIVATE|MAP_ANONYMOUS
	ArgSignal                    // SIGSEGV
	ArgClockID                   // CLOCK_MONOTONIC
	ArgFutexOp                   // FUTEX_PRIVATE_FLAG|FUTEX_WAIT
	ArgCloneFlags                // CLONE_VM|...|SIGCHLD
	ArgFcntlCmd                  // F_GETFD
	ArgFcntlArg                  // omitted for commands without an argument
	ArgSigHow                    // SIG_SETMASK
	ArgMadvise                   // MADV_DONTNEED
	ArgSockaddr                  // {sin_family=AF_INET,...}; its length is the next argument
	ArgTimespec                  // {tv_sec = 1,tv_nsec = 0}
	ArgSockDomain                // PF_INET
	ArgSockType                  // SOCK_STREAM|SOCK_CLOEXEC
)

// FlagMap translates guest flag bits to host bits and back. Bits named in
// no pair pass through unchanged.
type FlagMap struct {
	pairs               [][2]uint64 // {guest, host}
	guestMask, hostMask uint64
}

// NewFlagMap builds a map from {guest, host} bit pairs.
func NewFlagMap(pairs ...[2]uint64) *FlagMap {
	m := &FlagMap{pairs: pairs}
	for _, p := range pairs {
		m.guestMask |= p[0]
		m.hostMask |= p[1]
	}
	return m
}

// ToHost translates guest flags to host flags.
func (m *FlagMap) ToHost(g uint64) uint64 {
	h := g &^ m.guestMask
	for _, p := range m.pairs {
		if g&p[0] != 0 {
			h |= p[1]
		}
	}
	return h
}

// FromHost translates host flags to guest flags.
func (m *FlagMap) FromHost(h uint64) uint64 {
	g := h &^ m.hostMask
	for _, p := range m.pairs {
		if h&p[1] != 0 {
			g |= p[0]
		}
	}
	return g
}
