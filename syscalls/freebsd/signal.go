package freebsd

import (
	"fmt"
	"sync"
)

// Signal is a FreeBSD signal number (FreeBSD sys/sys/signal.h).
type Signal int

// Real-time signals and the sigset size (FreeBSD sys/sys/signal.h:
// SIGRTMIN 65, SIGRTMAX 126, _SIG_MAXSIG 128, _SIG_WORDS 4).
const (
	SIGRTMIN   Signal = 65
	SIGRTMAX   Signal = 126
	MaxSig            = 128
	SigsetSize        = 16 // sigset_t: __uint32_t __bits[4]
)

// Linux signal numbers of the x86_64 host that differ from FreeBSD's or
// have no FreeBSD twin (Linux arch/x86/include/uapi/asm/signal.h).
const (
	linuxSIGBUS    = 7
	linuxSIGUSR1   = 10
	linuxSIGUSR2   = 12
	linuxSIGSTKFLT = 16
	linuxSIGCHLD   = 17
	linuxSIGCONT   = 18
	linuxSIGSTOP   = 19
	linuxSIGTSTP   = 20
	linuxSIGURG    = 23
	linuxSIGIO     = 29
	linuxSIGPWR    = 30
	linuxSIGSYS    = 31
	linuxSIGRTMIN  = 34 // the kernel's; glibc keeps 32 and 33 for itself
	linuxSIGRTMAX  = 64
)

// signalToLinux maps every FreeBSD signal below SIGRTMIN that has a Linux
// number. SIGEMT and SIGINFO have none. SIGTHR and SIGLIBRT go to Linux's
// 32 and 33, the two real-time numbers below glibc's SIGRTMIN: gemu's
// host side is Go, not glibc, so they are free on the host.
var signalToLinux = map[Signal]int{
	SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGFPE: 8,
	SIGKILL: 9, SIGBUS: linuxSIGBUS, SIGSEGV: 11, SIGSYS: linuxSIGSYS, SIGPIPE: 13,
	SIGALRM: 14, SIGTERM: 15, SIGURG: linuxSIGURG, SIGSTOP: linuxSIGSTOP,
	SIGTSTP: linuxSIGTSTP, SIGCONT: linuxSIGCONT, SIGCHLD: linuxSIGCHLD, SIGTTIN: 21,
	SIGTTOU: 22, SIGIO: linuxSIGIO, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26,
	SIGPROF: 27, SIGWINCH: 28, SIGUSR1: linuxSIGUSR1, SIGUSR2: linuxSIGUSR2,
	SIGTHR: 32, SIGLIBRT: 33,
}

var signalFromLinux = sync.OnceValue(func() map[int]Signal {
	m := make(map[int]Signal, len(signalToLinux))
	for bsd, linux := range signalToLinux {
		m[linux] = bsd
	}
	return m
})

// Linux returns the host's number for a FreeBSD signal. Real-time signals
// SIGRTMIN+k map to Linux 34+k while k < 31; the FreeBSD-only signals
// (SIGEMT, SIGINFO) and the upper half of FreeBSD's real-time range have
// no host number (ok false): the personality delivers those itself.
func (s Signal) Linux() (linux int, ok bool) {
	if s >= SIGRTMIN && s <= SIGRTMAX {
		linux = linuxSIGRTMIN + int(s-SIGRTMIN)
		return linux, linux <= linuxSIGRTMAX
	}
	linux, ok = signalToLinux[s]
	return linux, ok
}

// SignalFromLinux returns the FreeBSD number of a host signal; SIGSTKFLT
// and SIGPWR have none.
func SignalFromLinux(linux int) (Signal, bool) {
	if linux >= linuxSIGRTMIN && linux <= linuxSIGRTMAX {
		return SIGRTMIN + Signal(linux-linuxSIGRTMIN), true
	}
	s, ok := signalFromLinux()[linux]
	return s, ok
}

var signalByNum = sync.OnceValue(func() map[int]numberedName { return indexNames(signalNames) })

// String is the signal's name ("SIGUSR1", "SIGRTMIN+3", "SIG99").
func (s Signal) String() string {
	switch {
	case s == SIGABRT:
		return "SIGABRT" // x/sys lists 6 as SIGIOT
	case s == SIGTHR:
		return "SIGTHR"
	case s >= SIGRTMIN && s <= SIGRTMAX:
		if s == SIGRTMIN {
			return "SIGRTMIN"
		}
		return fmt.Sprintf("SIGRTMIN+%d", int(s-SIGRTMIN))
	}
	if n, ok := signalByNum()[int(s)]; ok {
		return n.Name
	}
	return fmt.Sprintf("SIG%d", int(s))
}

// Sigset is FreeBSD's sigset_t: signal n is bit (n-1)%32 of word (n-1)/32
// (FreeBSD sys/sys/signal.h _SIG_WORD, _SIG_BIT).
type Sigset [4]uint32

// DecodeSigset reads a sigset_t from guest bytes.
func DecodeSigset(b []byte) Sigset {
	var s Sigset
	for i := range s {
		s[i] = le.Uint32(b[4*i:])
	}
	return s
}

// Encode writes the 16-byte sigset_t.
func (s Sigset) Encode(b []byte) {
	for i, w := range s {
		le.PutUint32(b[4*i:], w)
	}
}

// Has reports whether signal n is in the set.
func (s Sigset) Has(n Signal) bool {
	return n >= 1 && n <= MaxSig && s[(n-1)/32]&(1<<((n-1)%32)) != 0
}

// Add puts signal n in the set.
func (s *Sigset) Add(n Signal) {
	if n >= 1 && n <= MaxSig {
		s[(n-1)/32] |= 1 << ((n - 1) % 32)
	}
}

// Linux converts the set to the host's 64-bit kernel sigset (bit n-1 for
// Linux signal n); signals with no host number are dropped.
func (s Sigset) Linux() uint64 {
	var out uint64
	for n := Signal(1); n <= MaxSig; n++ {
		if s.Has(n) {
			if linux, ok := n.Linux(); ok {
				out |= 1 << (linux - 1)
			}
		}
	}
	return out
}

// SigsetFromLinux converts a host kernel sigset; SIGSTKFLT and SIGPWR
// are dropped.
func SigsetFromLinux(linux uint64) Sigset {
	var s Sigset
	for n := 1; n <= 64; n++ {
		if linux&(1<<(n-1)) != 0 {
			if bsd, ok := SignalFromLinux(n); ok {
				s.Add(bsd)
			}
		}
	}
	return s
}
