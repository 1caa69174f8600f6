package linuxuser

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"github.com/gemu-project/gemu/usermode"

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

	shmRnd  = 0o20000
	shmExec = 0o100000
)

// Struct sizes on the 64-bit guests (asm-generic msgbuf.h, sembuf.h,
// shmbuf.h; linux/msg.h, sem.h, shm.h): msqid64_ds, msginfo, semid64_ds,
// seminfo, shmid64_ds, shminfo64, shm_info. x86_64's differ only in
// semid64_ds (104 bytes).
const (
	msqidDsSize   = 120
	msgInfoSize   = 32
	semidDsSize   = 88
	hostSemidSize = 104
	semInfoSize   = 40
	shmInfo64Size = 72
	shmInfoSize   = 48
	shmLBA        = translate.PageSize
)

// msgCtlSizes and shmCtlSizes: how many bytes each command's buffer holds.
var (
	msgCtlSizes = map[int]uint64{usermode.IPCStat: msqidDsSize, msgStat: msqidDsSize, msgStatAny: msqidDsSize,
		ipcSet: msqidDsSize, ipcInfo: msgInfoSize, msgInfo: msgInfoSize}
	shmCtlSizes = map[int]uint64{usermode.IPCStat: usermode.ShmidDsSize, shmStat: usermode.ShmidDsSize, shmStatAny: usermode.ShmidDsSize,
		ipcSet: usermode.ShmidDsSize, ipcInfo: shmInfo64Size, shmInfo: shmInfoSize}
)

// ipcCtl passes msgctl or shmctl through, checking the guest buffer for the
// size the command uses; other commands take no buffer.
func ipcCtl(nr uintptr, sizes map[int]uint64) usermode.Handler {
	return func(t *Thread, a *Args) uint64 {
		cmd := int(int32(a[1]))
		buf := uintptr(a[2])
		if n, ok := sizes[cmd]; ok {
			p, ok := hostPtr(t, a[2], n, translate.ProtRead|translate.ProtWrite)
			if !ok {
				return usermode.Errno(unix.EFAULT)
			}
			buf = p
		}
		return usermode.Ret(usermode.Raw(nr, uintptr(int32(a[0])), uintptr(cmd), buf, 0, 0, 0))
	}
}

// semctl's fourth argument is union semun, passed by value: a value or a
// pointer, as cmd says.
func sysSemctl(t *Thread, a *Args) uint64 {
	id, num, cmd, arg := int(int32(a[0])), int(int32(a[1])), int(int32(a[2])), a[3]
	semctl := func(arg uintptr) (int, error) {
		return usermode.Raw(unix.SYS_SEMCTL, uintptr(id), uintptr(num), uintptr(cmd), arg, 0, 0)
	}
	switch cmd {
	case usermode.IPCStat, semStat, semStatAny:
		var host [hostSemidSize]byte
		n, err := semctl(uintptr(unsafe.Pointer(&host[0])))
		if err != nil {
			return usermode.ErrRet(err)
		}
		if e := storeBytes(t, arg, semidToGuest(host)); e != 0 {
			return e
		}
		return uint64(n)
	case ipcSet:
		var g [semidDsSize]byte
		if t.P.AS.Read(arg, g[:]) != nil {
			return usermode.Errno(unix.EFAULT)
		}
		host := semidToHost(g)
		return usermode.Ret(semctl(uintptr(unsafe.Pointer(&host[0]))))
	case ipcInfo, semInfo:
		p, ok := hostPtr(t, arg, semInfoSize, translate.ProtWrite)
		if !ok {
			return usermode.Errno(unix.EFAULT)
		}
		return usermode.Ret(semctl(p))
	case semGetAll, semSetAll:
		nsems, e := semCount(id)
		if e != 0 {
			return e
		}
		prot := translate.ProtWrite
		if cmd == semSetAll {
			prot = translate.ProtRead
		}
		p, ok := hostPtr(t, arg, nsems*2, prot) // unsigned short each
		if !ok {
			return usermode.Errno(unix.EFAULT)
		}
		return usermode.Ret(semctl(p))
	case semSetVal:
		return usermode.Ret(semctl(uintptr(int32(arg))))
	}
	return usermode.Ret(semctl(uintptr(arg))) // IPC_RMID, GETVAL and the like ignore it
}

// semCount is the number of semaphores in set id.
func semCount(id int) (uint64, uint64) {
	var host [hostSemidSize]byte
	if _, err := usermode.Raw(unix.SYS_SEMCTL, uintptr(id), 0, usermode.IPCStat, uintptr(unsafe.Pointer(&host[0])), 0, 0); err != nil {
		return 0, usermode.ErrRet(err)
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
func storeBytes(t *Thread, addr uint64, b []byte) uint64 {
	if t.P.AS.Write(addr, b) != nil {
		return usermode.Errno(unix.EFAULT)
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
			return usermode.Errno(unix.EINVAL)
		}
		addr &^= shmLBA - 1
	}
	if addr == 0 && flags&usermode.ShmRemap != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	var ds [usermode.ShmidDsSize]byte
	if _, err := usermode.Raw(unix.SYS_SHMCTL, uintptr(id), usermode.IPCStat, uintptr(unsafe.Pointer(&ds[0])), 0, 0, 0); err != nil {
		return usermode.ErrRet(err)
	}
	key := binary.LittleEndian.Uint32(ds[0:])
	size := binary.LittleEndian.Uint64(ds[usermode.ShmSegszOffset:])
	prot := translate.ProtRead | translate.ProtWrite
	hostFlags := uintptr(usermode.ShmRemap)
	if flags&usermode.ShmRdonly != 0 {
		prot, hostFlags = translate.ProtRead, hostFlags|usermode.ShmRdonly
	}
	if flags&shmExec != 0 {
		prot |= translate.ProtExec
	}
	spec := translate.MapSpec{Addr: addr, Length: size, Prot: prot, Shared: true, FD: -1,
		Fixed: addr != 0 && flags&usermode.ShmRemap != 0, NoReplace: addr != 0 && flags&usermode.ShmRemap == 0,
		Name: fmt.Sprintf("/SYSV%08x (deleted)", key), SysV: id + 1,
		Attach: func(host unsafe.Pointer) error { return usermode.AttachShm(id, host, hostFlags) }}
	got, err := t.P.AS.Map(spec)
	switch {
	case err == translate.ErrExist: // an occupied range without SHM_REMAP
		return usermode.Errno(unix.EINVAL)
	case err != nil:
		return usermode.ErrRet(err)
	}
	return got
}

// sysShmdt detaches the segment attached at addr: the mappings of that
// segment from addr on whose offset is their distance from addr, as
// ipc/shm.c ksys_shmdt finds them (another attach may sit right after).
func sysShmdt(t *Thread, a *Args) uint64 {
	addr := a[0]
	if addr%translate.PageSize != 0 {
		return usermode.Errno(unix.EINVAL)
	}
	id, end := 0, addr
scan:
	for _, v := range t.P.AS.VMAs() {
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
		return usermode.Errno(unix.EINVAL)
	}
	if err := t.P.AS.Unmap(addr, end-addr); err != nil {
		return usermode.ErrRet(err)
	}
	return 0
}
