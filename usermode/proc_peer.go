package usermode

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Other guests' /proc/<pid>. Every gemu answers on the abstract unix
// socket "@gemu-proc/<pid>" with its emulated /proc/self files, so a guest
// reading /proc/<pid>/exe, maps, auxv, environ, stat or status of another
// gemu process sees that guest's view, as it does for itself; cmdline and
// comm are right on the host already (setHostCmdline, setHostComm). Only
// a peer with the same uid, or root, gets an answer. A process in another
// network namespace is not reachable and shows the host's view.

// PeerMemory asks a peer where its guest memory is (process_vm_readv and
// process_vm_writev of it): the host address of guest address 0 and the
// guest address space's size, in hexadecimal (linuxuser/sys_procvm.go).
const PeerMemory = "memory"

// peerFiles are the /proc/<pid> files asked of the peer.
var peerFiles = map[string]bool{"exe": true, "maps": true, "auxv": true, "environ": true, "stat": true, "status": true}

func peerAddr(pid int) *unix.SockaddrUnix {
	return &unix.SockaddrUnix{Name: "@gemu-proc/" + strconv.Itoa(pid)}
}

// serveProc starts answering for this process; without it, other
// guests see the host's view of it.
func (p *Process) serveProc() {
	fd, err := OwnFD(func() (int, error) { return unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0) })
	if err != nil {
		return
	}
	// Non-blocking: accept runs with the NOFILE limit raised (ownFD) and
	// must never wait there; poll does the waiting.
	if unix.Bind(fd, peerAddr(p.PID)) != nil || unix.Listen(fd, 16) != nil || unix.SetNonblock(fd, true) != nil {
		unix.Close(fd)
		return
	}
	// A blocking accept4 holds the lowest free descriptor while it waits
	// (fs/file.c get_unused_fd_flags comes first), which the guest's next
	// open would then skip: wait in poll, which holds none.
	go func() {
		for {
			pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			if _, err := unix.Poll(pfd, -1); err != nil && err != unix.EINTR {
				return
			}
			c, err := OwnFD(func() (int, error) {
				c, _, err := unix.Accept4(fd, unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK)
				return c, err
			})
			if err == unix.EINTR || err == unix.ECONNABORTED || err == unix.EAGAIN {
				continue
			}
			if err != nil {
				return
			}
			go p.answerPeer(c)
		}
	}()
}

// answerPeer reads a file name and writes that file's content ("exe": the
// guest program's path), then closes the connection.
func (p *Process) answerPeer(c int) {
	defer UnparkFD(c)
	unix.SetNonblock(c, false)
	tv := unix.Timeval{Sec: 2}
	unix.SetsockoptTimeval(c, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	cred, err := unix.GetsockoptUcred(c, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil || (cred.Uid != 0 && int(cred.Uid) != unix.Geteuid()) {
		return
	}
	var b [32]byte
	n, err := unix.Read(c, b[:])
	if err != nil || n <= 0 || !(peerFiles[string(b[:n])] || string(b[:n]) == PeerMemory) {
		return
	}
	file := string(b[:n])
	var content []byte
	p.image.RLock()
	switch file {
	case "exe":
		content = []byte(p.img.Path)
	case PeerMemory:
		content = fmt.Appendf(nil, "%x %x", p.AS.Base(), p.AS.Limit())
	default:
		content = p.OS.ProcFile(file)
	}
	p.image.RUnlock()
	if content == nil {
		return
	}
	for len(content) > 0 {
		m, err := unix.Write(c, content)
		if err != nil {
			return
		}
		content = content[m:]
	}
}

// PeerProcFile splits /proc/<pid>/<file> for another process's file that
// a peer may answer for.
func (p *Process) PeerProcFile(dirfd int, name string) (pid int, file string, ok bool) {
	if dirfd != unix.AT_FDCWD && !strings.HasPrefix(name, "/") {
		return 0, "", false
	}
	rest, found := strings.CutPrefix(name, "/proc/")
	if !found {
		return 0, "", false
	}
	who, file, found := strings.Cut(rest, "/")
	pid, err := strconv.Atoi(who)
	if !found || err != nil || pid <= 0 || pid == p.PID || !peerFiles[file] {
		return 0, "", false
	}
	return pid, file, true
}

// AskPeer gets file of the gemu running pid; ok is false when pid is not
// a gemu process that answers.
func AskPeer(pid int, file string) ([]byte, bool) {
	fd, err := OwnFD(func() (int, error) { return unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0) })
	if err != nil {
		return nil, false
	}
	defer UnparkFD(fd)
	tv := unix.Timeval{Sec: 2}
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	if unix.Connect(fd, peerAddr(pid)) != nil {
		return nil, false
	}
	if _, err := unix.Write(fd, []byte(file)); err != nil {
		return nil, false
	}
	var out []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, false
		}
		if n == 0 {
			return out, len(out) > 0
		}
		out = append(out, buf[:n]...)
	}
}
