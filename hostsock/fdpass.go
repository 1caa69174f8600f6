package hostsock

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Registry holds descriptors by name, as QEMU's monitor does for getfd:
// fd:NAME in a spec takes the named descriptor out. It owns the
// descriptors it holds.
type Registry struct {
	mu  sync.Mutex
	fds map[string]int
}

// DefaultRegistry is used when Config.Registry is nil.
var DefaultRegistry = NewRegistry()

// NewRegistry makes an empty registry.
func NewRegistry() *Registry { return &Registry{fds: map[string]int{}} }

// Add stores fd under name and takes ownership of it. A descriptor already
// under that name is closed and replaced (QEMU getfd does the same). On
// error (bad name or descriptor) fd stays the caller's.
func (r *Registry) Add(name string, fd int) error {
	if msg := checkFDName(name); msg != "" {
		return errors.New("hostsock: " + msg)
	}
	if fd < 0 {
		return fmt.Errorf("hostsock: bad descriptor %d", fd)
	}
	r.mu.Lock()
	old, had := r.fds[name]
	r.fds[name] = fd
	r.mu.Unlock()
	if had && old != fd {
		unix.Close(old)
	}
	return nil
}

// Take removes the descriptor called name and hands it to the caller.
func (r *Registry) Take(name string) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fd, ok := r.fds[name]
	if !ok {
		return -1, fmt.Errorf("no descriptor named %q (registered: %s)", name, r.namesLocked())
	}
	delete(r.fds, name)
	return fd, nil
}

// put gives back a descriptor taken for a spec that could not use it. If
// the name was reused meanwhile, the newer one wins and fd is closed.
func (r *Registry) put(name string, fd int) {
	r.mu.Lock()
	_, taken := r.fds[name]
	if !taken {
		r.fds[name] = fd
	}
	r.mu.Unlock()
	if taken {
		unix.Close(fd)
	}
}

// Remove closes the descriptor called name (QEMU's closefd).
func (r *Registry) Remove(name string) error {
	fd, err := r.Take(name)
	if err != nil {
		return fmt.Errorf("hostsock: %w", err)
	}
	return unix.Close(fd)
}

// Names lists the registered names, sorted.
func (r *Registry) Names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sortedLocked()
}

func (r *Registry) sortedLocked() []string {
	names := make([]string, 0, len(r.fds))
	for n := range r.fds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (r *Registry) namesLocked() string {
	if len(r.fds) == 0 {
		return "none"
	}
	return strings.Join(r.sortedLocked(), ", ")
}

// Close closes every registered descriptor.
func (r *Registry) Close() {
	r.mu.Lock()
	fds := r.fds
	r.fds = map[string]int{}
	r.mu.Unlock()
	for _, fd := range fds {
		unix.Close(fd)
	}
}

// Receive reads one named descriptor from c (see ReceiveFD) and adds it.
func (r *Registry) Receive(c *net.UnixConn) (string, error) {
	name, fd, err := ReceiveFD(c)
	if err != nil {
		return "", err
	}
	if err := r.Add(name, fd); err != nil {
		unix.Close(fd)
		return "", err
	}
	return name, nil
}

const (
	maxMsgName = 256 // bytes of name read with a descriptor
	maxMsgFDs  = 8   // room for extra descriptors, so they can be closed
)

// SendFD sends fd over c with SCM_RIGHTS (unix(7)); the message's bytes
// are the name. A stream socket carries no descriptor without at least
// one data byte, so an empty name is sent as a single NUL.
func SendFD(c *net.UnixConn, name string, fd int) error {
	data := []byte(name)
	if len(data) == 0 {
		data = []byte{0}
	}
	_, _, err := c.WriteMsgUnix(data, unix.UnixRights(fd), nil)
	return err
}

// ReceiveFD reads one message carrying exactly one descriptor (SCM_RIGHTS,
// close-on-exec). Its bytes, trimmed of NULs and white space, are the name.
// Any other descriptors that came along are closed.
func ReceiveFD(c *net.UnixConn) (name string, fd int, err error) {
	buf := make([]byte, maxMsgName+1)
	oob := make([]byte, unix.CmsgSpace(maxMsgFDs*4))
	n, oobn, flags, _, err := c.ReadMsgUnix(buf, oob) // Go adds MSG_CMSG_CLOEXEC
	return parseFDMessage(buf[:n], oob[:oobn], flags, err)
}

// ReceiveFDRaw is ReceiveFD on a raw socket descriptor.
func ReceiveFDRaw(sock int) (name string, fd int, err error) {
	buf := make([]byte, maxMsgName+1)
	oob := make([]byte, unix.CmsgSpace(maxMsgFDs*4))
	for {
		n, oobn, flags, _, err := unix.Recvmsg(sock, buf, oob, unix.MSG_CMSG_CLOEXEC)
		switch err {
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			if err := waitReadable(sock); err != nil {
				return "", -1, err
			}
			continue
		}
		if err != nil {
			return "", -1, os.NewSyscallError("recvmsg", err)
		}
		return parseFDMessage(buf[:n], oob[:oobn], flags, nil)
	}
}

func waitReadable(fd int) error {
	for {
		_, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, -1)
		if err != unix.EINTR {
			return err
		}
	}
}

func parseFDMessage(data, oob []byte, flags int, rerr error) (string, int, error) {
	fds, perr := rightsOf(oob)
	fail := func(format string, a ...any) (string, int, error) {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return "", -1, fmt.Errorf("hostsock: receive fd: "+format, a...)
	}
	switch {
	case rerr != nil:
		return fail("%w", rerr)
	case perr != nil:
		return fail("bad control message: %w", perr)
	case flags&unix.MSG_CTRUNC != 0:
		return fail("control data truncated (more than %d descriptors sent)", maxMsgFDs)
	case len(fds) == 0 && len(data) == 0:
		return fail("%w", io.EOF)
	case len(fds) != 1:
		return fail("message carries %d descriptors, want 1", len(fds))
	case len(data) > maxMsgName:
		return fail("name longer than %d bytes", maxMsgName)
	}
	return strings.Trim(string(data), "\x00 \t\r\n"), fds[0], nil
}

// rightsOf collects the descriptors of every SCM_RIGHTS message.
func rightsOf(oob []byte) ([]int, error) {
	if len(oob) == 0 {
		return nil, nil
	}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, err
	}
	var fds []int
	for i := range msgs {
		if msgs[i].Header.Level != unix.SOL_SOCKET || msgs[i].Header.Type != unix.SCM_RIGHTS {
			continue
		}
		got, err := unix.ParseUnixRights(&msgs[i])
		if err != nil {
			return fds, err
		}
		fds = append(fds, got...)
	}
	return fds, nil
}

// role is what a pre-opened socket is meant to be.
type role int

const (
	asListener role = iota
	asClient
)

// takeFD finds the descriptor an fd: spec names. giveBack returns a named
// descriptor to the registry when it turns out unusable; an inherited
// number simply stays open.
func (c *Config) takeFD(sp *Spec) (fd int, giveBack func(), err error) {
	if sp.FDName == "" {
		if sp.FD < 0 {
			return -1, nil, fmt.Errorf("bad descriptor number %d", sp.FD)
		}
		return sp.FD, func() {}, nil
	}
	reg := c.registry()
	if fd, err = reg.Take(sp.FDName); err != nil {
		return -1, nil, err
	}
	return fd, func() { reg.put(sp.FDName, fd) }, nil
}

// checkSocket makes sure a pre-opened descriptor is a stream socket of the
// right state: listening (SO_ACCEPTCONN=1) for a listener, connected for a
// client (socket(7)).
func checkSocket(fd int, r role) error {
	typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	switch {
	case errors.Is(err, unix.EBADF):
		return fmt.Errorf("descriptor %d is not open", fd)
	case errors.Is(err, unix.ENOTSOCK):
		return fmt.Errorf("descriptor %d is not a socket", fd)
	case err != nil:
		return fmt.Errorf("descriptor %d: %w", fd, os.NewSyscallError("getsockopt SO_TYPE", err))
	case typ != unix.SOCK_STREAM:
		return fmt.Errorf("descriptor %d is a %s socket, not a stream socket", fd, sockTypeName(typ))
	}
	if err := checkDomain(fd); err != nil {
		return err
	}
	listening, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
	switch {
	case err != nil:
		return fmt.Errorf("descriptor %d: %w", fd, os.NewSyscallError("getsockopt SO_ACCEPTCONN", err))
	case r == asListener && listening == 0:
		return fmt.Errorf("descriptor %d is not a listening socket (a listener needs one after listen())", fd)
	case r == asClient && listening != 0:
		return fmt.Errorf("descriptor %d is a listening socket; a client needs a connected one", fd)
	}
	if r == asClient {
		if _, err := unix.Getpeername(fd); err != nil {
			return fmt.Errorf("descriptor %d is not a connected socket: %w", fd, err)
		}
	}
	return nil
}

func checkDomain(fd int) error {
	dom, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN)
	if err != nil {
		return fmt.Errorf("descriptor %d: %w", fd, os.NewSyscallError("getsockopt SO_DOMAIN", err))
	}
	switch dom {
	case unix.AF_INET, unix.AF_INET6, unix.AF_UNIX:
		return nil
	}
	return fmt.Errorf("descriptor %d is in address family %d; want IPv4, IPv6 or Unix", fd, dom)
}

func sockTypeName(t int) string {
	switch t {
	case unix.SOCK_DGRAM:
		return "datagram"
	case unix.SOCK_SEQPACKET:
		return "seqpacket"
	case unix.SOCK_RAW:
		return "raw"
	}
	return fmt.Sprintf("type-%d", t)
}

// adoptFD takes the spec's descriptor, checks that it is a socket in role
// r, and returns it with a close-on-exec duplicate. On error the
// descriptor has already gone back to its owner (giveBack); on success the
// caller closes fd once the duplicate is wrapped, or calls giveBack.
func (c *Config) adoptFD(sp *Spec, r role) (fd, dup int, giveBack func(), err error) {
	fd, giveBack, err = c.takeFD(sp)
	if err != nil {
		return -1, -1, nil, err
	}
	if err = checkSocket(fd, r); err != nil {
		giveBack()
		return -1, -1, nil, err
	}
	if dup, err = dupCloexec(fd); err != nil {
		giveBack()
		return -1, -1, nil, err
	}
	return fd, dup, giveBack, nil
}
