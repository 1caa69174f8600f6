package bsduser

import (
	"crypto/rand"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/usermode"
)

func init() {
	register(
		partial("__sysctl", sysSysctl, "the nodes programs read (sysctl.go); writes are EPERM", aPtr, aInt, aPtr, aPtr, aPtr, aInt),
		partial("__sysctlbyname", sysSysctlbyname, "the nodes programs read (sysctl.go); writes are EPERM", aStr, aInt, aPtr, aPtr, aPtr, aInt),
	)
}

// MIB numbers (FreeBSD sys/sys/sysctl.h).
const (
	ctlSysctl         = 0
	ctlSysctlName2OID = 3
	ctlKern           = 1
	ctlHW             = 6
	ctlUser           = 8
	kernProc          = 14
	kernProcPathname  = 12
	kernProcArgs      = 7
	maxSysctlName     = 24 // CTL_MAXNAME
)

// sysctlNode is one leaf: its name, OID and value for a process.
type sysctlNode struct {
	name  string
	oid   []int32
	value func(p *Process) []byte
}

func str(s string) func(*Process) []byte {
	return func(*Process) []byte { return append([]byte(s), 0) }
}
func i32(v func(*Process) int) func(*Process) []byte {
	return func(p *Process) []byte { b := make([]byte, 4); le.PutUint32(b, uint32(v(p))); return b }
}
func i64(v func(*Process) uint64) func(*Process) []byte {
	return func(p *Process) []byte { b := make([]byte, 8); le.PutUint64(b, v(p)); return b }
}
func constant(n int) func(*Process) int { return func(*Process) int { return n } }

// maxCPUs is kern.smp.maxcpus: MAXCPU of FreeBSD 14's arm64 and riscv
// kernels (sys/arm64/include/param.h, sys/riscv/include/param.h).
const maxCPUs = 1024

// osRelease is kern.osrelease for loader.FreeBSDOSRelDate.
const osRelease = "14.0-RELEASE"

// sysctlNodes are the leaves gemu answers (FreeBSD sys/sys/sysctl.h
// numbers; the dynamic ones, without a fixed number, get theirs from
// sysctlbyname here, from 0x1000 up, as the kernel's OID_AUTO does).
var sysctlNodes = []sysctlNode{
	{"kern.ostype", []int32{1, 1}, str("FreeBSD")},
	{"kern.osrelease", []int32{1, 2}, str(osRelease)},
	{"kern.osrevision", []int32{1, 3}, i32(constant(199506))},
	{"kern.version", []int32{1, 4}, str("FreeBSD " + osRelease + " gemu\n")},
	{"kern.maxproc", []int32{1, 6}, i32(constant(32768))},
	{"kern.maxfiles", []int32{1, 7}, i32(constant(1 << 20))},
	{"kern.argmax", []int32{1, 8}, i32(constant(262144))},
	{"kern.hostname", []int32{1, 10}, func(*Process) []byte {
		var u unix.Utsname
		unix.Uname(&u)
		return append([]byte(usermode.Cstr(u.Nodename[:])), 0)
	}},
	{"kern.ngroups", []int32{1, 18}, i32(constant(1023))},
	{"kern.osreldate", []int32{1, 24}, i32(constant(loader.FreeBSDOSRelDate))},
	{"kern.iov_max", []int32{1, 35}, i32(constant(1024))},
	{"kern.arandom", []int32{1, 37}, func(*Process) []byte { b := make([]byte, 256); rand.Read(b); return b }},
	{"kern.usrstack", []int32{1, 33}, i64(func(p *Process) uint64 { return p.Image().StackHigh })},
	{"kern.ps_strings", []int32{1, 32}, i64(func(p *Process) uint64 { return p.Image().PSStrings })},
	{"hw.machine", []int32{6, 1}, func(p *Process) []byte { return str(machine(p))(p) }},
	{"hw.model", []int32{6, 2}, str("gemu")},
	{"hw.ncpu", []int32{6, 3}, i32(func(*Process) int { return runtime.NumCPU() })},
	{"hw.byteorder", []int32{6, 4}, i32(constant(1234))},
	{"hw.physmem", []int32{6, 5}, i64(physmem)},
	{"hw.usermem", []int32{6, 6}, i64(physmem)},
	{"hw.pagesize", []int32{6, 7}, i32(constant(4096))},
	{"hw.machine_arch", []int32{6, 11}, func(p *Process) []byte { return str(machineArch(p))(p) }},
	{"hw.realmem", []int32{6, 12}, i64(physmem)},
	{"user.cs_path", []int32{8, 1}, str("/usr/bin:/bin:/usr/sbin:/sbin")},
	{"kern.smp.cpus", []int32{1, 0x1000}, i32(func(*Process) int { return runtime.NumCPU() })},
	{"kern.smp.maxcpus", []int32{1, 0x1001}, i32(constant(maxCPUs))},
	{"kern.proc.pathname", []int32{1, 14, 12}, nil}, // takes a pid: sysctlProc
	{"kern.proc.args", []int32{1, 14, 7}, nil},
	{"net.routetable", []int32{ctlNet, pfRoute}, nil}, // sysctlRoute
}

// machine and machineArch are hw.machine and hw.machine_arch (FreeBSD's
// MACHINE and MACHINE_ARCH: arm64/aarch64, riscv/riscv64).
func machine(p *Process) string {
	if p.Arch().Name() == "riscv64" {
		return "riscv"
	}
	return "arm64"
}

func machineArch(p *Process) string { return p.Arch().Name() }

func physmem(*Process) uint64 {
	var si unix.Sysinfo_t
	unix.Sysinfo(&si)
	return si.Totalram * uint64(si.Unit)
}

// sysctlLookup finds the leaf an OID names; extra is what follows it
// (kern.proc's pid).
func sysctlLookup(oid []int32) (*sysctlNode, []int32) {
	for i := range sysctlNodes {
		n := &sysctlNodes[i]
		if len(oid) >= len(n.oid) && equalOID(oid[:len(n.oid)], n.oid) {
			if n.value != nil && len(oid) != len(n.oid) {
				continue
			}
			return n, oid[len(n.oid):]
		}
	}
	return nil, nil
}

func equalOID(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sysSysctl(t *Thread, a *Args) uint64 {
	n := a[1]
	if n < 2 || n > maxSysctlName {
		return usermode.Errno(unix.EINVAL)
	}
	b, err := t.ReadBytes(a[0], 4*n)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	oid := make([]int32, n)
	for i := range oid {
		oid[i] = int32(le.Uint32(b[4*i:]))
	}
	if oid[0] == ctlSysctl && oid[1] == ctlSysctlName2OID && len(oid) == 2 {
		return sysctlName2OID(t, a[4], a[5], a[2], a[3])
	}
	return sysctlAnswer(t, oid, a[2], a[3], a[4])
}

// sysSysctlbyname is sysctl by name (FreeBSD 13's __sysctlbyname).
func sysSysctlbyname(t *Thread, a *Args) uint64 {
	name, e := t.ReadPath(a[0])
	if e != 0 {
		return e
	}
	for i := range sysctlNodes {
		if sysctlNodes[i].name == name {
			return sysctlAnswer(t, sysctlNodes[i].oid, a[2], a[3], a[4])
		}
	}
	t.P.Unimp("gemu: FreeBSD sysctl %s not known", name)
	return usermode.Errno(unix.ENOENT)
}

// sysctlName2OID answers sysctlbyname's {0, 3} query: the name is the
// new value, the OID (ints) the old one.
func sysctlName2OID(t *Thread, nameAddr, nameLen, oldp, oldlenp uint64) uint64 {
	b, err := t.ReadBytes(nameAddr, min(nameLen, 256))
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	name := strings.TrimRight(string(b), "\x00")
	for _, n := range sysctlNodes {
		if n.name == name {
			out := make([]byte, 4*len(n.oid))
			for i, v := range n.oid {
				le.PutUint32(out[4*i:], uint32(v))
			}
			return copyOut(t, out, oldp, oldlenp)
		}
	}
	t.P.Unimp("gemu: FreeBSD sysctl %s not known", name)
	return usermode.Errno(unix.ENOENT)
}

// sysctlAnswer reads a leaf; writes are refused.
func sysctlAnswer(t *Thread, oid []int32, oldp, oldlenp, newp uint64) uint64 {
	node, extra := sysctlLookup(oid)
	if node == nil {
		t.P.Unimp("gemu: FreeBSD sysctl %v not known", oid)
		return usermode.Errno(unix.ENOENT)
	}
	if newp != 0 {
		return usermode.Errno(unix.EPERM)
	}
	var val []byte
	if node.value != nil {
		val = node.value(t.P)
	} else {
		var e uint64
		get := sysctlProc
		if node.oid[0] == ctlNet {
			get = sysctlRoute
		}
		if val, e = get(t, node.oid, extra); e != 0 {
			return e
		}
	}
	return copyOut(t, val, oldp, oldlenp)
}

// sysctlProc answers kern.proc.pathname and kern.proc.args for this
// process (pid -1 or its own).
func sysctlProc(t *Thread, oid, extra []int32) ([]byte, uint64) {
	if len(extra) != 1 || (extra[0] != -1 && int(extra[0]) != t.P.PID) {
		return nil, usermode.Errno(unix.ESRCH)
	}
	img := t.P.Image()
	if oid[2] == kernProcPathname {
		return append([]byte(img.Path), 0), 0
	}
	b, err := t.ReadBytes(img.ArgStart, img.ArgEnd-img.ArgStart)
	if err != nil {
		return nil, usermode.Errno(unix.EFAULT)
	}
	return b, 0
}

// copyOut is sysctl's old-value protocol: with no buffer the length is
// reported; a short buffer gets what fits and ENOMEM (sys/kern/
// kern_sysctl.c sysctl_old_user).
func copyOut(t *Thread, val []byte, oldp, oldlenp uint64) uint64 {
	if oldlenp == 0 {
		return 0
	}
	lb, err := t.ReadBytes(oldlenp, 8)
	if err != nil {
		return usermode.Errno(unix.EFAULT)
	}
	room := le.Uint64(lb)
	var r uint64
	if oldp != 0 {
		n := min(room, uint64(len(val)))
		if t.WriteBytes(oldp, val[:n]) != nil {
			return usermode.Errno(unix.EFAULT)
		}
		if n < uint64(len(val)) {
			r = usermode.Errno(unix.ENOMEM)
		}
	}
	if storeLong(t, oldlenp, uint64(len(val))) != nil {
		return usermode.Errno(unix.EFAULT)
	}
	return r
}
