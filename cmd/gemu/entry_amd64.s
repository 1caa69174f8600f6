#include "textflag.h"

// gemuEntry is gemu's ELF entry point (make build links with
// -E main.gemuEntry): before Go's runtime and its syscall package raise
// the soft RLIMIT_NOFILE (syscall/rlimit.go), it saves the limit gemu was
// started with in startNofile, then goes on to Go's own entry. The
// kernel's entry state (SP at argc) is untouched; Go's rt0 reads only SP.
TEXT ·gemuEntry(SB), NOSPLIT|NOFRAME, $0
	MOVQ $302, AX               // prlimit64(0, RLIMIT_NOFILE, NULL, &startNofile)
	XORQ DI, DI
	MOVQ $7, SI
	XORQ DX, DX
	LEAQ ·startNofile(SB), R10
	SYSCALL
	JMP  _rt0_amd64_linux(SB)
