package gdbstub

// Signal numbers on the wire are GDB's own, target-independent ones (GDB
// manual, "Stop Reply Packets": "the signal numbers are those defined by
// GDB"; the numbering is GDB's enum gdb_signal), not Linux's. linuxToGDB
// maps the Linux numbers of riscv64 and aarch64 (the generic
// asm-generic/signal.h set).

// gdbSigUnknown is GDB_SIGNAL_UNKNOWN.
const gdbSigUnknown = 143

// GDB signal numbers used by name.
const (
	gdbSigINT  = 2
	gdbSigTRAP = 5
)

// linuxToGDBTable: index Linux 1..31, value GDB's number.
var linuxToGDBTable = [32]int{
	1:  1,             // SIGHUP
	2:  2,             // SIGINT
	3:  3,             // SIGQUIT
	4:  4,             // SIGILL
	5:  5,             // SIGTRAP
	6:  6,             // SIGABRT
	7:  10,            // SIGBUS
	8:  8,             // SIGFPE
	9:  9,             // SIGKILL
	10: 30,            // SIGUSR1
	11: 11,            // SIGSEGV
	12: 31,            // SIGUSR2
	13: 13,            // SIGPIPE
	14: 14,            // SIGALRM
	15: 15,            // SIGTERM
	16: gdbSigUnknown, // SIGSTKFLT has no GDB number
	17: 20,            // SIGCHLD
	18: 19,            // SIGCONT
	19: 17,            // SIGSTOP
	20: 18,            // SIGTSTP
	21: 21,            // SIGTTIN
	22: 22,            // SIGTTOU
	23: 16,            // SIGURG
	24: 24,            // SIGXCPU
	25: 25,            // SIGXFSZ
	26: 26,            // SIGVTALRM
	27: 27,            // SIGPROF
	28: 28,            // SIGWINCH
	29: 23,            // SIGIO
	30: 32,            // SIGPWR
	31: 12,            // SIGSYS
}

// Real-time signals: GDB numbers 45..75 are SIGRTMIN+1 (33) ..63, 77 is
// 32, 78 is 64.
const (
	gdbRealtime33 = 45
	gdbRealtime32 = 77
	gdbRealtime64 = 78
)

// linuxToGDB converts a Linux signal number (0 stays 0).
func linuxToGDB(sig int) int {
	switch {
	case sig == 0:
		return 0
	case sig > 0 && sig < 32:
		return linuxToGDBTable[sig]
	case sig == 32:
		return gdbRealtime32
	case sig >= 33 && sig <= 63:
		return gdbRealtime33 + sig - 33
	case sig == 64:
		return gdbRealtime64
	}
	return gdbSigUnknown
}

// gdbToLinux converts a GDB signal number; unknown ones give 0.
func gdbToLinux(g int) int {
	switch {
	case g == 0:
		return 0
	case g == gdbRealtime32:
		return 32
	case g >= gdbRealtime33 && g <= gdbRealtime33+30:
		return g - gdbRealtime33 + 33
	case g == gdbRealtime64:
		return 64
	}
	for sig, n := range linuxToGDBTable {
		if n == g && sig != 0 && n != gdbSigUnknown {
			return sig
		}
	}
	return 0
}
