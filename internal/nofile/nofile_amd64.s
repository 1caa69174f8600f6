//go:build linux

#include "textflag.h"

// func prlimitNofile(out *[2]uint64)
// prlimit64(0, RLIMIT_NOFILE, NULL, out): the calling process's limit
// (x86-64 syscall 302; RLIMIT_NOFILE is 7 in
// include/uapi/asm-generic/resource.h). On failure out is left as it is.
TEXT ·prlimitNofile(SB), NOSPLIT, $0-8
	MOVQ out+0(FP), R10
	MOVQ $302, AX
	XORQ DI, DI
	MOVQ $7, SI
	XORQ DX, DX
	SYSCALL
	RET
