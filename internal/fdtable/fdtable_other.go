//go:build !(linux && amd64)

package fdtable

// The trampoline is x86-64 Linux code; elsewhere gemu starts as it is.
