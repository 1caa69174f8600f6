//go:build !(linux && amd64)

package fdtable

// The trampoline is x86-64 Linux code; elsewhere gemu starts as it is.

// PassedAux reports no start passed through the trampoline.
func PassedAux() (flags uintptr, execFD int, execFn string, ok bool) { return 0, -1, "", false }
