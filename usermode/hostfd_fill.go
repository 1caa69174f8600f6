package usermode

import (
	"sort"

	"golang.org/x/sys/unix"
)

// fillLowFDs takes every free descriptor below floor with a duplicate of
// fd and returns them. One descriptor at a time (F_DUPFD) costs a system
// call each, about 1.2 ms for a thousand on this project's test machine:
// a descriptor passed over a socket pair arrives at the lowest free number,
// and one recvmsg installs up to SCM_MAX_FD (253, Linux
// include/net/scm.h) of them, so a thousand take eight calls.
// Duplicates that land at floor or above are closed again; the slots the
// socket pair held are taken last. The result is in increasing order.
func fillLowFDs(fd, floor int) []int {
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return dupLowFDs(fd, floor)
	}
	taken := passLowFDs(pair, fd, floor)
	for _, slot := range pair {
		unix.Close(slot)
		// Into the pair's own slots, without a probe that could land
		// past the end of the table.
		if slot < floor && unix.Dup3(fd, slot, unix.O_CLOEXEC) == nil {
			taken = append(taken, slot)
		}
	}
	sort.Ints(taken)
	return taken
}

// passLowFDs is fillLowFDs's loop over the socket pair. A batch is never
// larger than the numbers left below floor: descriptors received past the
// end of the table grow it, and a process with more than one thread then
// waits for an RCU grace period in the kernel (fs/file.c expand_fdtable:
// 8-10 ms on the project's VM), which a fork child paid whenever its free
// low descriptors were not a multiple of the batch.
func passLowFDs(pair [2]int, fd, floor int) []int {
	const batch = 253
	fds := make([]int, batch)
	for i := range fds {
		fds[i] = fd
	}
	buf := make([]byte, len(unix.UnixRights(fds...)))
	var taken []int
	for next := 0; next < floor; {
		n := min(batch, floor-next)
		if unix.Sendmsg(pair[0], []byte{0}, unix.UnixRights(fds[:n]...), nil, 0) != nil {
			return taken
		}
		_, oobn, _, _, err := unix.Recvmsg(pair[1], make([]byte, 1), buf, unix.MSG_CMSG_CLOEXEC)
		if err != nil {
			return taken
		}
		got := receivedFDs(buf[:oobn])
		if len(got) < n {
			return append(taken, below(got, floor)...)
		}
		for _, nfd := range got {
			next = max(next, nfd+1)
		}
		low := below(got, floor)
		taken = append(taken, low...)
		if len(low) < len(got) {
			return taken
		}
	}
	return taken
}

// below keeps the descriptors of got under floor and closes the others.
func below(got []int, floor int) []int {
	var out []int
	for _, nfd := range got {
		if nfd >= floor {
			unix.Close(nfd)
			continue
		}
		out = append(out, nfd)
	}
	return out
}

// receivedFDs lists the descriptors of the SCM_RIGHTS messages in oob.
func receivedFDs(oob []byte) []int {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil
	}
	var out []int
	for i := range msgs {
		if fds, err := unix.ParseUnixRights(&msgs[i]); err == nil {
			out = append(out, fds...)
		}
	}
	return out
}

// dupLowFDs is fillLowFDs one descriptor at a time.
func dupLowFDs(fd, floor int) []int {
	var taken []int
	for {
		nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return taken
		}
		if nfd >= floor {
			unix.Close(nfd)
			return taken
		}
		taken = append(taken, nfd)
	}
}

// closeFDs closes fds, a run of consecutive numbers with one close_range.
func closeFDs(fds []int) {
	for i := 0; i < len(fds); {
		j := i + 1
		for j < len(fds) && fds[j] == fds[j-1]+1 {
			j++
		}
		if j-i == 1 || unix.CloseRange(uint(fds[i]), uint(fds[j-1]), 0) != nil {
			for _, fd := range fds[i:j] {
				unix.Close(fd)
			}
		}
		i = j
	}
}
