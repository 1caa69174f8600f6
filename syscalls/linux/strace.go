package linux

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// Tracer formats syscalls of one guest process for -strace.
type Tracer struct {
	ABI *LinuxABI
	Mem *translate.AddressSpace
}

// Call formats "name(arg,arg)". With nil kinds it prints the six raw
// arguments in decimal, like QEMU does for syscalls without a printer.
func (t *Tracer) Call(name string, kinds []syscalls.ArgKind, a [6]uint64) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('(')
	if kinds == nil {
		for i, v := range a {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatInt(int64(v), 10))
		}
	}
	first := true
	for i, k := range kinds {
		s, ok := t.arg(k, a, i)
		if !ok {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(s)
	}
	b.WriteByte(')')
	return b.String()
}

// arg formats argument i; ok is false when it is not printed at all.
func (t *Tracer) arg(k syscalls.ArgKind, a [6]uint64, i int) (string, bool) {
	v := a[i]
	switch k {
	case syscalls.ArgInt:
		return itoa(int64(int32(v))), true
	case syscalls.ArgLong:
		return itoa(int64(v)), true
	case syscalls.ArgHex:
		return hex(v), true
	case syscalls.ArgOct:
		return oct(v), true
	case syscalls.ArgPtr:
		return Pointer(v), true
	case syscalls.ArgStr:
		return t.str(v), true
	case syscalls.ArgDirFD:
		if int32(v) == AtFdcwd {
			return "AT_FDCWD", true
		}
		return itoa(int64(int32(v))), true
	case syscalls.ArgOpenFlags:
		return t.openFlags(v), true
	case syscalls.ArgOpenMode:
		if i == 0 || a[i-1]&(OCreat|0o20000000) == 0 {
			return "", false
		}
		return oct(v), true
	case syscalls.ArgProt:
		return flagString(v, protNames, "PROT_NONE"), true
	case syscalls.ArgMmapFlags:
		return mmapFlagString(v), true
	case syscalls.ArgSignal:
		return SignalName(int(int32(v))), true
	case syscalls.ArgClockID:
		return lookup(clockNames, v), true
	case syscalls.ArgFutexOp:
		return futexOpString(v), true
	case syscalls.ArgCloneFlags:
		return cloneFlagString(v), true
	case syscalls.ArgFcntlCmd:
		return lookup(fcntlNames, v), true
	case syscalls.ArgFcntlArg:
		return fcntlArg(a[i-1], v)
	case syscalls.ArgSigHow:
		return lookup(sigHowNames, v), true
	case syscalls.ArgMadvise:
		return lookup(madviseNames, v), true
	case syscalls.ArgSockaddr:
		n := uint64(0)
		if i+1 < len(a) {
			n = a[i+1]
		}
		return t.sockaddr(v, n), true
	case syscalls.ArgTimespec:
		return t.timespec(v), true
	case syscalls.ArgSockDomain:
		return lookup(sockDomainNames, v), true
	case syscalls.ArgSockType:
		return sockTypeString(v), true
	}
	return itoa(int64(v)), true
}

// Result formats " = value" for a raw syscall return value.
func Result(kind syscalls.RetKind, ret uint64) string {
	if e := int64(ret); e < 0 && e >= -4095 {
		return fmt.Sprintf(" = -1 errno=%d (%s)", -e, ErrnoMessage(int(-e)))
	}
	if kind == syscalls.RetPtr {
		return " = " + fmt.Sprintf("0x%016x", ret)
	}
	return " = " + itoa(int64(ret))
}

// Pointer prints a guest address as QEMU does.
func Pointer(v uint64) string {
	if v == 0 {
		return "NULL"
	}
	return fmt.Sprintf("0x%016x", v)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func hex(v uint64) string {
	if v == 0 {
		return "0"
	}
	return "0x" + strconv.FormatUint(v, 16)
}

func oct(v uint64) string {
	if v == 0 {
		return "0"
	}
	return "0" + strconv.FormatUint(v, 8)
}

const straceStrMax = 128

func (t *Tracer) str(v uint64) string {
	if v == 0 {
		return "NULL"
	}
	if t.Mem == nil {
		return hex(v)
	}
	s, err := t.Mem.ReadString(v, straceStrMax)
	if err != nil {
		// Too long or partly unmapped: print what is readable.
		buf := make([]byte, straceStrMax)
		if t.Mem.Read(v, buf) != nil {
			return hex(v)
		}
		return strconv.Quote(string(buf)) + "..."
	}
	return "\"" + s + "\""
}

func (t *Tracer) openFlags(v uint64) string {
	var parts []string
	switch v & OAccmode {
	case ORdonly:
		parts = append(parts, "O_RDONLY")
	case OWronly:
		parts = append(parts, "O_WRONLY")
	case ORdwr:
		parts = append(parts, "O_RDWR")
	default:
		parts = append(parts, "O_ACCMODE")
	}
	rest := v &^ OAccmode
	names := linuxABIs["riscv64"].openNames
	if t.ABI != nil {
		names = t.ABI.openNames
	}
	for _, f := range names {
		if f.val != 0 && rest&f.val == f.val {
			parts = append(parts, f.name)
			rest &^= f.val
		}
	}
	if rest != 0 {
		parts = append(parts, hex(rest))
	}
	return strings.Join(parts, "|")
}

// flagString joins the names of the set bits, then any unknown remainder.
func flagString(v uint64, names []flagName, zero string) string {
	if v == 0 {
		return zero
	}
	var parts []string
	for _, f := range names {
		if v&f.val == f.val {
			parts = append(parts, f.name)
			v &^= f.val
		}
	}
	if v != 0 {
		parts = append(parts, hex(v))
	}
	return strings.Join(parts, "|")
}

func lookup(names map[uint64]string, v uint64) string {
	if n, ok := names[v]; ok {
		return n
	}
	return itoa(int64(int32(v)))
}

func mmapFlagString(v uint64) string {
	var parts []string
	switch v & MapTypeMask {
	case MapShared:
		parts = append(parts, "MAP_SHARED")
	case MapPrivate:
		parts = append(parts, "MAP_PRIVATE")
	case MapSharedValidate:
		parts = append(parts, "MAP_SHARED_VALIDATE")
	}
	if rest := v &^ MapTypeMask; rest != 0 {
		parts = append(parts, flagString(rest, mmapNames, ""))
	}
	if len(parts) == 0 {
		return hex(v)
	}
	return strings.Join(parts, "|")
}

func futexOpString(v uint64) string {
	var parts []string
	if v&FutexPrivateFlag != 0 {
		parts = append(parts, "FUTEX_PRIVATE_FLAG")
	}
	if v&FutexClockRealtime != 0 {
		parts = append(parts, "FUTEX_CLOCK_REALTIME")
	}
	parts = append(parts, lookup(futexNames, v&^(FutexPrivateFlag|FutexClockRealtime)))
	return strings.Join(parts, "|")
}

func cloneFlagString(v uint64) string {
	sig := v & 0xff
	s := flagString(v&^0xff, cloneNames, "")
	if sig != 0 {
		if s != "" {
			s += "|"
		}
		s += SignalName(int(sig))
	}
	if s == "" {
		return "0"
	}
	return s
}

func fcntlArg(cmd, v uint64) (string, bool) {
	switch cmd {
	case FGetfd, FGetfl, FGetown, FGetsig, FGetlease, FGetpipeSz, FGetSeals:
		return "", false
	case FGetlk, FSetlk, FSetlkw, FOfdGetlk, FOfdSetlk, FOfdSetlkw, FGetownEx, FSetownEx:
		return Pointer(v), true
	case FSetfl:
		return hex(v), true
	}
	return itoa(int64(int32(v))), true
}
