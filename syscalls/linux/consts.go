package linux

// Constants of the 64-bit asm-generic Linux ABI that handlers and -strace
// share. Values from the named Linux UAPI headers; the x86_64 host uses the
// same ones.

// Linux include/uapi/asm-generic/mman-common.h and mman.h.
const (
	ProtNone  = 0x0
	ProtRead  = 0x1
	ProtWrite = 0x2
	ProtExec  = 0x4
	ProtSem   = 0x8
	// aarch64 only: PROT_BTI 0x10, PROT_MTE 0x20 (arch/arm64/include/uapi/asm/mman.h).

	MapShared         = 0x1
	MapPrivate        = 0x2
	MapSharedValidate = 0x3
	MapTypeMask       = 0xf
	MapFixed          = 0x10
	MapAnonymous      = 0x20
	MapGrowsdown      = 0x100
	MapDenywrite      = 0x800
	MapExecutable     = 0x1000
	MapLocked         = 0x2000
	MapNoreserve      = 0x4000
	MapPopulate       = 0x8000
	MapNonblock       = 0x10000
	MapStack          = 0x20000
	MapHugetlb        = 0x40000
	MapSync           = 0x80000
	MapFixedNoreplace = 0x100000

	MremapMaymove   = 1
	MremapFixed     = 2
	MremapDontunmap = 4
)

// Linux include/uapi/linux/sched.h.
const (
	CloneVM            = 0x100
	CloneFS            = 0x200
	CloneFiles         = 0x400
	CloneSighand       = 0x800
	ClonePidfd         = 0x1000
	ClonePtrace        = 0x2000
	CloneVfork         = 0x4000
	CloneParent        = 0x8000
	CloneThread        = 0x10000
	CloneNewns         = 0x20000
	CloneSysvsem       = 0x40000
	CloneSettls        = 0x80000
	CloneParentSettid  = 0x100000
	CloneChildCleartid = 0x200000
	CloneDetached      = 0x400000
	CloneUntraced      = 0x800000
	CloneChildSettid   = 0x1000000
	CloneNewcgroup     = 0x2000000
	CloneNewuts        = 0x4000000
	CloneNewipc        = 0x8000000
	CloneNewuser       = 0x10000000
	CloneNewpid        = 0x20000000
	CloneNewnet        = 0x40000000
	CloneIO            = 0x80000000
)

// Linux include/uapi/linux/futex.h.
const (
	FutexWait          = 0
	FutexWake          = 1
	FutexFD            = 2
	FutexRequeue       = 3
	FutexCmpRequeue    = 4
	FutexWakeOp        = 5
	FutexLockPI        = 6
	FutexUnlockPI      = 7
	FutexTrylockPI     = 8
	FutexWaitBitset    = 9
	FutexWakeBitset    = 10
	FutexWaitRequeuePI = 11
	FutexCmpRequeuePI  = 12
	FutexLockPI2       = 13
	FutexPrivateFlag   = 128
	FutexClockRealtime = 256
)

// Linux include/uapi/asm-generic/fcntl.h.
const (
	FDupfd        = 0
	FGetfd        = 1
	FSetfd        = 2
	FGetfl        = 3
	FSetfl        = 4
	FGetlk        = 5
	FSetlk        = 6
	FSetlkw       = 7
	FSetown       = 8
	FGetown       = 9
	FSetsig       = 10
	FGetsig       = 11
	FSetownEx     = 15
	FGetownEx     = 16
	FOfdGetlk     = 36
	FOfdSetlk     = 37
	FOfdSetlkw    = 38
	FSetlease     = 1024
	FGetlease     = 1025
	FNotify       = 1026
	FDupfdQuery   = 1027
	FCreatedQuery = 1028
	FDupfdCloexec = 1030
	FSetpipeSz    = 1031
	FGetpipeSz    = 1032
	FAddSeals     = 1033
	FGetSeals     = 1034
	FGetRwHint    = 1035
	FSetRwHint    = 1036

	FDCloexec = 1
	AtFdcwd   = -100
)

// Linux include/uapi/asm-generic/signal.h (the same numbers on x86_64).
const (
	SIGHUP    = 1
	SIGINT    = 2
	SIGQUIT   = 3
	SIGILL    = 4
	SIGTRAP   = 5
	SIGABRT   = 6
	SIGBUS    = 7
	SIGFPE    = 8
	SIGKILL   = 9
	SIGUSR1   = 10
	SIGSEGV   = 11
	SIGUSR2   = 12
	SIGPIPE   = 13
	SIGALRM   = 14
	SIGTERM   = 15
	SIGSTKFLT = 16
	SIGCHLD   = 17
	SIGCONT   = 18
	SIGSTOP   = 19
	SIGTSTP   = 20
	SIGTTIN   = 21
	SIGTTOU   = 22
	SIGURG    = 23
	SIGXCPU   = 24
	SIGXFSZ   = 25
	SIGVTALRM = 26
	SIGPROF   = 27
	SIGWINCH  = 28
	SIGIO     = 29
	SIGPWR    = 30
	SIGSYS    = 31
	SIGRTMIN  = 32
	NSIG      = 64 // _NSIG

	SigBlock   = 0
	SigUnblock = 1
	SigSetmask = 2

	SigDfl = 0
	SigIgn = 1

	SaNocldstop = 0x1
	SaNocldwait = 0x2
	SaSiginfo   = 0x4
	SaOnstack   = 0x08000000
	SaRestart   = 0x10000000
	SaNodefer   = 0x40000000
	SaResethand = 0x80000000
	SaRestorer  = 0x04000000

	SaExposeTagbits = 0x800

	// SaUAPI is the flags rt_sigaction keeps; it clears the others
	// (include/linux/signal_types.h UAPI_SA_FLAGS, with SA_RESTORER where
	// the architecture has it: kernel/signal.c do_sigaction).
	SaUAPI = SaNocldstop | SaNocldwait | SaSiginfo | SaOnstack | SaRestart | SaNodefer | SaResethand |
		SaExposeTagbits

	SsOnstack = 1
	SsDisable = 2
)

var signalNames = [...]string{
	SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
	SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
	SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
	SIGSTKFLT: "SIGSTKFLT", SIGCHLD: "SIGCHLD", SIGCONT: "SIGCONT", SIGSTOP: "SIGSTOP", SIGTSTP: "SIGTSTP",
	SIGTTIN: "SIGTTIN", SIGTTOU: "SIGTTOU", SIGURG: "SIGURG", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ",
	SIGVTALRM: "SIGVTALRM", SIGPROF: "SIGPROF", SIGWINCH: "SIGWINCH", SIGIO: "SIGIO", SIGPWR: "SIGPWR",
	SIGSYS: "SIGSYS",
}

// SignalName is "SIGSEGV" for 11; real-time signals print as SIGRTMIN+n.
func SignalName(sig int) string {
	if sig > 0 && sig < len(signalNames) {
		return signalNames[sig]
	}
	if sig >= SIGRTMIN && sig <= NSIG {
		if sig == SIGRTMIN {
			return "SIGRTMIN"
		}
		return "SIGRTMIN+" + itoa(int64(sig-SIGRTMIN))
	}
	return itoa(int64(sig))
}

// DefaultAction says what SIG_DFL does (Linux signal(7)).
type DefaultAction uint8

const (
	ActTerm DefaultAction = iota
	ActCore
	ActIgnore
	ActStop
	ActCont
)

// SignalDefault returns the default action of a signal.
func SignalDefault(sig int) DefaultAction {
	switch sig {
	case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS:
		return ActCore
	case SIGCHLD, SIGURG, SIGWINCH:
		return ActIgnore
	case SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU:
		return ActStop
	case SIGCONT:
		return ActCont
	}
	return ActTerm
}
