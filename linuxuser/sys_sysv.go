package linuxuser

import (
	"encoding/binary"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/syscalls"
	"github.com/gemu-project/gemu/translate"
)

// System V IPC (Linux ipc/msg.c, sem.c, shm.c). Queues, semaphore sets and
// segments are the host kernel's. Every struct is laid out alike on x86_64
// and the 64-bit guests but semid64_ds, which x86_64 pads (below), and a
// shared memory segment is attached inside the guest's address space.

func init() {
	register(
		passRow("msgget", unix.SYS_MSGGET, false, i32, i32),
		passRowNoRestart("msgsnd", unix.SYS_MSGSND, i32, inMsg(2), val, i32),
		passRowNoRestart("msgrcv", unix.SYS_MSGRCV, i32, outMsg(2), val, val, i32),
		row{"msgctl", ipcCtl(unix.SYS_MSGCTL, msgCtlSizes), kinds(aInt, aInt, aPtr), syscalls.RetInt,
			syscalls.Full, "passed through"},
		passRow("semget", unix.SYS_SEMGET, false, i32, i32, i32),
		// struct sembuf: 6 bytes (include/uapi/linux/sem.h).
		passRowNoRestart("semop", unix.SYS_SEMOP, i32, inArray(2, 6), val),
		passRowNoRestart("semtimedop", unix.SYS_SEMTIMEDOP, i32, inArray(2, 6), val, in(sizeTimespecArg)),
		row{"semctl", sysSemctl, kinds(aInt, aInt, aInt, aHex), syscalls.RetInt, syscalls.Full,
			"semid64_ds converted (x86_64 pads it)"},
		passRow("shmget", unix.SYS_SHMGET, false, i32, val, i32),
		row{"shmat", sysShmat, kinds(aInt, aPtr, aOct), syscalls.RetPtr, syscalls.Full,
			"attached inside guest memory; a fork child attaches it again"},
		row{"shmdt", sysShmdt, kinds(aPtr), syscalls.RetInt, syscalls.Full, ""},
		row{"shmctl", ipcCtl(unix.SYS_SHMCTL, shmCtlSizes), kinds(aInt, aInt, aPtr), syscalls.RetInt,
			syscalls.Full, "passed through"},
	)
}

// Control commands (include/uapi/linux/ipc.h, msg.h, sem.h, shm.h).
const (
	ipcRmid = 0
	ipcSet  = 1
	ipcStat = 2
	ipcInfo = 3

	msgStat    = 11
	msgInfo    = 12
	msgStatAny = 13

	semGetPid  = 11
	semGetVal  = 12
	semGetAll  = 13
	semSetVal  = 16
	semSetAll  = 17
	semStat    = 18
	semInfo    = 19
	semStatAny = 20

	shmStat    = 13
	shmInfo    = 14
	shmStatAny = 15

	shmRdonly = 0o10000
	shmRnd    = 0o20000
	shmRemap  = 0o40000
	shmExec   = 0o100000
)

// Struct sizes on the 64-bit guests (asm-generic msgbuf.h, sembuf.h,
// shmbuf.h; linux/msg.h, sem.h, shm.h): msqid64_ds, msginfo, semid64_ds,
// seminfo, shmid64_ds, shminfo64, shm_info. x86_64's differ only in
// semid64_ds (104 bytes).
const (
	msqidDsSize    = 120
	msgInfoSize    = 32
	semidDsSize    = 88
	hostSemidSize  = 104
	semInfoSize    = 40
	shmidDsSize    = 112
	shmInfo64Size  = 72
	shmInfoSize    = 48
	shmSegszOffset = 48 // shmid64_ds.shm_segsz, after struct ipc64_perm
	shmLBA         = translate.PageSize
)

// msgCtlSizes and shmCtlSizes: how many bytes each command's buffer holds.
var (
	msgCtlSizes = map[int]uint64{ipcStat: msqidDsSize, msgStat: msqidDsSize, msgStatAny: msqidDsSize,
		ipcSet: msqidDsSize, ipcInfo: msgInfoSize, msgInfo: msgInfoSize}
	shmCtlSizes = map[int]uint64{ipcStat: shmidDsSize, shmStat: shmidDsSize, shmStatAny: shmidDsSize,
		ipcSet: shmidDsSize, ipcInfo: shmInfo64Size, shmInfo: shmInfoSize}
)

// ipcCtl passes msgctl or shmctl through, checking the guest buffer for the
// size the command uses; other commands take no buffer.
func ipcCtl(nr uintptr, sizes map[int]uint64) Handler {
	return func(t *Thread, a *Args) uint64 {
		cmd := int(int32(a[1]))
		buf := uintptr(a[2])
		if n, ok := sizes[cmd]; ok {
			p, ok := t.hostPtr(a[2], n, translate.ProtRead|translate.ProtWrite)
			if !ok {
				return errno(unix.EFAULT)
			}
			buf = p
		}
		return ret(raw(nr, uintptr(int32(a[0])), uintptr(cmd), buf, 0, 0, 0))
	}
}

// semctl's fourth argument is union semun, passed by value: a value or a
// pointer, as cmd says.
func sysSemctl(t *Thread, a *Args) uint64 {
	id, num, cmd, arg := int(int32(a[0])), int(int32(a[1])), int(int32(a[2])), a[3]
	semctl := func(arg uintptr) (int, error) {
		return raw(unix.SYS_SEMCTL, uintptr(id), uintptr(num), uintptr(cmd), arg, 0, 0)
	}
	switch cmd {
	case ipcStat, semStat, semStatAny:
		var host [hostSemidSize]byte
		n, err := semctl(uintptr(unsafe.Pointer(&host[0])))
		if err != nil {
			return errRet(err)
		}
		if e := t.storeBytes(arg, semidToGuest(host)); e != 0 {
			return e
		}
		return uint64(n)
	case ipcSet:
		var g [semidDsSize]byte
		if t.p.as.Read(arg, g[:]) != nil {
			return errno(unix.EFAULT)
		}
		host := semidToHost(g)
		return ret(semctl(uintptr(unsafe.Pointer(&host[0]))))
	case ipcInfo, semInfo:
		p, ok := t.hostPtr(arg, semInfoSize, translate.ProtWrite)
		if !ok {
			return errno(unix.EFAULT)
		}
		return ret(semctl(p))
	case semGetAll, semSetAll:
		nsems, e := semCount(id)
		if e != 0 {
			return e
		}
		prot := translate.ProtWrite
		if cmd == semSetAll {
			prot = translate.ProtRead
		}
		p, ok := t.hostPtr(arg, nsems*2, prot) // unsigned short each
		if !ok {
			return errno(unix.EFAULT)
		}
		return ret(semctl(p))
	case semSetVal:
		return ret(semctl(uintptr(int32(arg))))
	}
	return ret(semctl(uintptr(arg))) // IPC_RMID, GETVAL and the like ignore it
}

// semCount is the number of semaphores in set id.
func semCount(id int) (uint64, uint64) {
	var host [hostSemidSize]byte
	if _, err := raw(unix.SYS_SEMCTL, uintptr(id), 0, ipcStat, uintptr(unsafe.Pointer(&host[0])), 0, 0); err != nil {
		return 0, errRet(err)
	}
	return binary.LittleEndian.Uint64(host[80:]), 0
}

// semid64_ds: struct ipc64_perm (48 bytes), then sem_otime, sem_ctime,
// sem_nsems and two unused longs on the guests; x86_64 puts an unused long
// after each time (arch/x86/include/uapi/asm/sembuf.h).
var semidMoves = [][2]int{{48, 48}, {56, 64}, {64, 80}} // guest offset, host offset

func semidToGuest(h [hostSemidSize]byte) []byte {
	g := make([]byte, semidDsSize)
	copy(g, h[:48])
	for _, m := range semidMoves {
		copy(g[m[0]:m[0]+8], h[m[1]:m[1]+8])
	}
	return g
}

func semidToHost(g [semidDsSize]byte) [hostSemidSize]byte {
	var h [hostSemidSize]byte
	copy(h[:48], g[:48])
	for _, m := range semidMoves {
		copy(h[m[1]:m[1]+8], g[m[0]:m[0]+8])
	}
	return h
}

// storeBytes writes b to guest memory at addr.
func (t *Thread) storeBytes(addr uint64, b []byte) uint64 {
	if t.p.as.Write(addr, b) != nil {
		return errno(unix.EFAULT)
	}
	return 0
}

// sysShmat attaches segment id at a guest address: the one given (rounded
// with SHM_RND), or one gemu picks as mmap does. The host attaches it at
// the matching host address over gemu's reservation (SHM_REMAP).
func sysShmat(t *Thread, a *Args) uint64 {
	id, addr, flags := int(int32(a[0])), a[1], a[2]
	if addr%shmLBA != 0 { // ipc/shm.c do_shmat
		if flags&shmRnd == 0 {
			return errno(unix.EINVAL)
		}
		addr &^= shmLBA - 1
	}
	if addr == 0 && flags&shmRemap != 0 {
		return errno(unix.EINVAL)
	}
	var ds [shmidDsSize]byte
	if _, err := raw(unix.SYS_SHMCTL, uintptr(id), ipcStat, uintptr(unsafe.Pointer(&ds[0])), 0, 0, 0); err != nil {
		return errRet(err)
	}
	key := binary.LittleEndian.Uint32(ds[0:])
	size := binary.LittleEndian.Uint64(ds[shmSegszOffset:])
	prot := translate.ProtRead | translate.ProtWrite
	hostFlags := uintptr(shmRemap)
	if flags&shmRdonly != 0 {
		prot, hostFlags = translate.ProtRead, hostFlags|shmRdonly
	}
	if flags&shmExec != 0 {
		prot |= translate.ProtExec
	}
	spec := translate.MapSpec{Addr: addr, Length: size, Prot: prot, Shared: true, FD: -1,
		Fixed: addr != 0 && flags&shmRemap != 0, NoReplace: addr != 0 && flags&shmRemap == 0,
		Name: fmt.Sprintf("/SYSV%08x (deleted)", key), SysV: id + 1,
		Attach: func(host unsafe.Pointer) error { return attachShm(id, host, hostFlags) }}
	got, err := t.p.as.Map(spec)
	switch {
	case err == translate.ErrExist: // an occupied range without SHM_REMAP
		return errno(unix.EINVAL)
	case err != nil:
		return errRet(err)
	}
	return got
}

// attachShm attaches segment id at host address host exactly.
func attachShm(id int, host unsafe.Pointer, flags uintptr) error {
	r, _, e := unix.Syscall(unix.SYS_SHMAT, uintptr(id), uintptr(host), flags)
	if e != 0 {
		return e
	}
	if r != uintptr(host) {
		return unix.EINVAL
	}
	return nil
}

// sysShmdt detaches the segment attached at addr: the mappings of that
// segment from addr on whose offset is their distance from addr, as
// ipc/shm.c ksys_shmdt finds them (another attach may sit right after).
func sysShmdt(t *Thread, a *Args) uint64 {
	addr := a[0]
	if addr%translate.PageSize != 0 {
		return errno(unix.EINVAL)
	}
	id, end := 0, addr
scan:
	for _, v := range t.p.as.VMAs() {
		switch {
		case v.End <= addr:
			continue
		case id == 0 && v.Start == addr && v.SysV != 0 && v.Offset == 0:
			id, end = v.SysV, v.End
			continue
		case id != 0 && v.Start == end && v.SysV == id && v.Offset == int64(v.Start-addr):
			end = v.End
			continue
		}
		break scan
	}
	if id == 0 {
		return errno(unix.EINVAL)
	}
	if err := t.p.as.Unmap(addr, end-addr); err != nil {
		return errRet(err)
	}
	return 0
}

// forkShm reports whether VMA v is a whole attached segment, which a fork
// child attaches again; a piece of one (mprotect or munmap split it) is
// copied instead.
func forkShm(v translate.VMA) bool {
	if v.SysV == 0 || v.Offset != 0 {
		return false
	}
	var ds [shmidDsSize]byte
	if _, err := raw(unix.SYS_SHMCTL, uintptr(v.SysV-1), ipcStat, uintptr(unsafe.Pointer(&ds[0])), 0, 0, 0); err != nil {
		return false
	}
	return pageUp(binary.LittleEndian.Uint64(ds[shmSegszOffset:])) == v.End-v.Start
}

// restoreShm attaches the segment of v again in a fork child. The parent
// may have detached and removed it between the host fork and now (the
// child's own attachment ends at its execve): the child then gets zeros.
func restoreShm(as *translate.AddressSpace, v translate.VMA) error {
	flags := uintptr(shmRemap)
	if v.Prot&translate.ProtWrite == 0 {
		flags |= shmRdonly
	}
	err := as.RestoreAttached(v, func(host unsafe.Pointer) error { return attachShm(v.SysV-1, host, flags) })
	if err == nil {
		return nil
	}
	fmt.Fprintf(os.Stderr, "gemu: fork child: System V segment %d at %#x is gone: %v\n", v.SysV-1, v.Start, err)
	v.SysV, v.Anon, v.Shared = 0, true, false
	return as.RestoreVMA(v, -1, 0, nil)
}
