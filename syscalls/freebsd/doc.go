// Package freebsd holds the FreeBSD 14 ABI data the bsduser personality
// translates with: system-call numbers (one table, FreeBSD numbers are the
// same on every architecture), errno and signal numbers with their
// mapping to and from the Linux host's, flag and command values for
// open, mmap, fcntl, the *at calls, clocks, sockets and wait, and the
// guest struct layouts of aarch64 and riscv64 with converters from the
// x86_64 Linux host's structs.
//
// Both guests are LP64 and little-endian, and FreeBSD's machine-
// independent structs contain no type whose size or alignment differs
// between them (FreeBSD sys/arm64/include/_types.h and
// sys/riscv/include/_types.h), so one layout serves both; only the
// machine context (mcontext_t) differs per architecture.
package freebsd

//go:generate go run ./gen -o .

// numberedName is one generated errno or signal row.
type numberedName struct {
	Num  int
	Name string
	Desc string // x/sys's description (the FreeBSD C library's wording)
}
