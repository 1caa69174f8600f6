// Package tests holds gemu's end-to-end tests. Guest programs in
// tests/guest are built by `make fixtures` for x86_64 (the native
// reference), riscv64 and aarch64 into tests/build/<arch>/; each test runs
// the native build and the guest build under gemu and requires identical
// stdout, stderr and exit status, and compares with qemu-user as well when
// it is installed.
//
// Environment:
//
//	GEMU_BIN       emulator to test instead of bin/gemu (e.g. qemu-riscv64)
//	GEMU_ARCHES    guest architectures, default "riscv64,aarch64"
//	GEMU_FIXTURES  only these cases (names as in the table below)
//	CI             set: missing binaries, fixtures or qemu fail instead of skip
//
// To add a guest program: put NAME.c (or NAME/main.go) in tests/guest, make
// its output deterministic and identical on every architecture, and add a
// row to e2eCases.
package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// e2eCase is one guest program run.
type e2eCase struct {
	name     string   // case name (subtest name, GEMU_FIXTURES)
	prog     string   // fixture in tests/build/<arch>/
	args     []string // arguments after argv[0]
	env      []string // extra environment variables
	wantCode int      // expected exit status of the native run
	dirArg   bool     // pass a fresh, empty directory as the first argument
	netns    bool     // each run in a private network namespace (netns_test.go)
	qemuDiff string   // why qemu-user's output is not compared (it is wrong there)
	needs    string   // a host file the case needs: missing, it fails in CI and is skipped elsewhere
	lockstep string   // why it runs with tier 2 forced where the suite asks for lockstep
}

var e2eCases = []e2eCase{
	{name: "hello", prog: "hello"},
	{name: "args", prog: "args", wantCode: 7,
		args: []string{"one", "two words", "", "ünïcödé", "-x", "--flag=v=w"},
		env:  []string{"GEMU_TEST_A=alpha", "GEMU_TEST_B=with space = sign", "GEMU_TEST_EMPTY="}},
	{name: "args-none", prog: "args", wantCode: 1},
	{name: "intops", prog: "intops"},
	{name: "floatops", prog: "floatops"},
	{name: "threads", prog: "threads"},
	// Tier 2's atomics under contention: every size of add, CAS loops,
	// an exchange spinlock, fetch-or/and/xor (LSE on aarch64, AMOs and
	// LR/SC on riscv64), four threads.
	{name: "atomics", prog: "atomics"},
	// #4: robust futex lists walked at thread death.
	{name: "robust", prog: "robust",
		qemuDiff: "qemu-user 7.2 has no set_robust_list: the next locker hangs"},
	// #4: a signal sent right after fork, SIGCHLD siginfo, SIGCHLD ignored,
	// SA_NOCLDWAIT, SA_NOCLDSTOP and stops, kill(0)/kill(-pgrp), the mask and
	// ignored signals across execve of foreign and native programs.
	{name: "sigproc", prog: "sigproc",
		qemuDiff: "qemu-user cannot exec the foreign child without binfmt_misc"},
	// #4: unshare, setns and clone's CLONE_NEW* flags (UTS, PID, net,
	// mount, user), each in a child; needs root, as CI has.
	{name: "namespaces", prog: "namespaces",
		qemuDiff: "qemu-user 7.2 rejects clone's namespace flags with EINVAL"},
	{name: "smc", prog: "smc"},
	{name: "files", prog: "files", dirArg: true},
	{name: "files-mkdtemp", prog: "files"},
	// #5: xattrs, inotify, flock, splice/tee/copy_file_range, memfd,
	// select/pselect6 with a signal, scheduling, capabilities, pidfd, ids.
	{name: "fileext", prog: "fileext", dirArg: true},
	// #5: fcntl record and OFD locks, F_DUPFD*, pipe size, seals, eventfd,
	// ppoll with a sigmask, mknodat, fallocate, utimensat, chmod/chown
	// family, statfs, getdents64, renameat2, faccessat2.
	{name: "fdctl", prog: "fdctl", dirArg: true},
	// ptrace before an exec: TRACEME in fork and vfork children, the exec
	// SIGTRAP, PTRACE_CONT/KILL from the parent.
	{name: "ptrace", prog: "ptrace", qemuDiff: "qemu-user 7.2 has no ptrace (ENOSYS)"},
	// #5: open flags that differ from x86_64's, through openat and openat2.
	{name: "openflags", prog: "openflags", dirArg: true, qemuDiff: "qemu-user 7.2 has no openat2 (ENOSYS)"},
	// #5: pty and terminal ioctls, SIOCGIF* on lo, ENOTTY for the unknown.
	{name: "ioctls", prog: "ioctls",
		qemuDiff: "qemu-user 7.2 fails TIOCSCTTY/TIOCGSID and gives ENOSYS for an unknown ioctl"},
	// #5: getrusage, times, sysinfo, prlimit64, clock_getres,
	// clock_nanosleep TIMER_ABSTIME, POSIX timers.
	{name: "timeres", prog: "timeres"},
	// #20: error returns in the kernel's order: clock_nanosleep/nanosleep
	// bad pointers, epoll_ctl, PR_GET_PDEATHSIG, sendto/recvfrom/recvmsg
	// buffers and lengths, signalfd4, ioctl on O_PATH, file handles,
	// personality(UNAME26), select/ppoll across SIGCHLD, clone3's pidfd.
	{name: "errpaths", prog: "errpaths", qemuDiff: "qemu-user 7.2 checks buffers before descriptors and clocks, and drops a bad nanosleep rem"},
	// #20: the file and descriptor families' documented errors in the
	// kernel's order (read/write and vectored forms, lseek, openat/openat2,
	// dup3, fcntl, pipe2, stat calls, getdents64, truncation, fallocate,
	// sendfile/splice/tee/copy_file_range, flock, memfd, inotify).
	{name: "errfiles", prog: "errfiles", dirArg: true,
		qemuDiff: "qemu-user 7.2 checks buffers before descriptors and has no preadv2/pwritev2"},
	// #20: the path-name families' documented errors in the kernel's
	// order (mkdirat, mknodat, unlinkat, renameat2, symlinkat, linkat,
	// readlinkat, faccessat2, fchmodat2, fchownat, utimensat, statfs,
	// getcwd, chdir, chroot, xattrs); needs root.
	{name: "errfs", prog: "errfs", dirArg: true,
		qemuDiff: "qemu-user 7.2 reads paths and buffers before flags and descriptors, and has no fchmodat2"},
	// #20: the memory family's documented errors in the kernel's order
	// (mmap, munmap, mprotect with the grow bits, madvise, msync,
	// mincore, mremap, mlock, brk).
	{name: "errmem", prog: "errmem",
		qemuDiff: "qemu-user 7.2 checks the length before the descriptor and ignores MAP_FIXED_NOREPLACE"},
	// #20: the socket family's documented errors in the kernel's order
	// (socket, socketpair, bind, listen, accept4, connect, shutdown,
	// get{sock,peer}name, {set,get}sockopt, send/recv and the msg and
	// mmsg forms), on loopback and AF_UNIX.
	{name: "errsock", prog: "errsock",
		qemuDiff: "qemu-user 7.2 checks the domain before the type, accepts unknown type flags and crashes on a bad socketpair pointer"},
	// #20: the process families' documented errors in the kernel's order
	// (rt_sigaction, rt_sigprocmask, sigaltstack, rt_sigtimedwait,
	// kill/tgkill/tkill, rt_sig(tg)queueinfo, wait4/waitid, execve and
	// execveat, clone/clone3, futex, robust lists, rlimits, ids,
	// getrandom, prctl, scheduling, capget/capset, pidfd_*, ptrace,
	// sethostname, mount/umount2/pivot_root, setgroups, sched_*attr,
	// ioprio), each failing before it changes anything; needs root.
	{name: "errproc", prog: "errproc",
		qemuDiff: "qemu-user 7.2 fails a bad oldact before the signal, keeps unknown SA_ flags, has no SS_AUTODISARM"},
	// #20: the time, timer, polling and System V IPC families' documented
	// errors in the kernel's order (clock_*, gettimeofday/settimeofday,
	// nanosleep, itimers, getrusage, timerfd_*, epoll_*, eventfd, ppoll,
	// pselect6, msg*, sem*, shm*, unshare/setns); needs root.
	{name: "errtime", prog: "errtime",
		qemuDiff: "qemu-user 7.2 ignores a bad clock_getres pointer and reads clock_settime's time before its clock"},
	// #20: POSIX timers on every clock and sigevent kind, their ids and
	// errors, overrun saturation, tgkill/sigqueue EAGAIN at
	// RLIMIT_SIGPENDING, SA_RESETHAND as the handler sees it; needs root.
	{name: "errsignals", prog: "errsignals", qemuDiff: "qemu-user 7.2 hands out its own timer ids (reused, from 0)"},
	// #20: the guest's RLIMIT_NOFILE is its own: started under a soft
	// limit of 64, it opens as many pipes as natively, and fork,
	// posix_spawn, a shared mapping and exec work at the limit.
	{name: "fdbudget", prog: "fdbudget", qemuDiff: "qemu-user 7.2 cannot exec /proc/self/exe, a foreign program, without binfmt_misc"},
	// #20: execve of a program or script open for writing is ETXTBSY, a
	// script with a foreign interpreter runs, dnotify (F_NOTIFY) signals,
	// connect to a listener in a loop.
	{name: "execbusy", prog: "execbusy", dirArg: true,
		qemuDiff: "qemu-user 7.2 cannot exec a foreign program without binfmt_misc"},
	// #20: a loop device through LOOP_CTL_GET_FREE, LOOP_CONFIGURE,
	// LOOP_SET_FD, LOOP_SET_STATUS64/GET_STATUS64, the old LOOP_GET_STATUS
	// (converted), LOOP_SET_CAPACITY, BLK* and LOOP_CLR_FD; the first lines
	// are struct loop_info64/loop_config sizes and offsets from each
	// architecture's headers, equal to x86_64's. Needs root.
	{name: "loopdev", prog: "loopdev", dirArg: true, needs: "/dev/loop-control",
		qemuDiff: "qemu-user 7.2 converts the old struct loop_info wrongly (lo_rdevice keeps stale bytes)"},
	// #20 class 2: children killed by core-dumping signals: WCOREDUMP,
	// CLD_DUMPED from waitid and SIGCHLD, and the core file, as
	// RLIMIT_CORE, PR_SET_DUMPABLE and the signal allow (coredump_test.go
	// reads a core with gdb-multiarch).
	{name: "coredump", prog: "coredump",
		qemuDiff: "qemu-user 7.2 prints \"qemu: uncaught target signal\" on stderr and leaves a core of itself beside the guest's"},
	// #20 class 5: SIGBUS past the end of a mapped file, MAP_GROWSDOWN
	// growth and its limits, mremap (FIXED over mappings, moves spanning
	// mappings, DONTUNMAP, shrinking across mappings, errors), partial
	// munmaps under faulting threads, mlock/mlockall in VmLck; needs root
	// (mlockall).
	{name: "memedge", prog: "memedge", qemuDiff: "qemu-user 7.2 does not grow MAP_GROWSDOWN mappings, leaves no old mapping after DONTUNMAP, fails old_len 0 and has no mlock2"},
	// #5: System V message queues, semaphores and shared memory.
	{name: "sysvmsg", prog: "sysvmsg"},
	// #20: futex_wake, futex_wait, futex_waitv and futex_requeue between
	// threads and their errors; vmsplice.
	{name: "futex2", prog: "futex2", qemuDiff: "qemu-user 7.2 has no futex2 calls (ENOSYS)"},
	// #20: POSIX message queues, the mount API on a detached tmpfs, kcmp,
	// membarrier, cachestat, memfd_secret, syslog; needs root.
	{name: "mqueue", prog: "mqueue",
		qemuDiff: "qemu-user 7.2 has no mq_notify, fsopen, cachestat or memfd_secret (ENOSYS)"},
	// #20: NUMA memory policy of the process and of its pages, move_pages
	// with an unmapped page, the calls' errors.
	{name: "numa", prog: "numa", qemuDiff: "qemu-user 7.2 has no NUMA calls (ENOSYS)"},
	// #20: process_vm_readv/writev of this process and of a fork child
	// (another gemu, reached through its /proc peer), partial copies, errors.
	{name: "procvm", prog: "procvm", qemuDiff: "qemu-user 7.2 has no process_vm_readv/writev (ENOSYS)"},
	// #20: a user key in the process keyring through add_key, request_key
	// and keyctl; errors.
	{name: "keys", prog: "keys", qemuDiff: "qemu-user 7.2 has no add_key, request_key or keyctl (ENOSYS)"},
	// #20: mseal: sealed mappings refuse munmap, mprotect, mremap,
	// MAP_FIXED and discarding advice, also in a fork child.
	{name: "mseal", prog: "mseal", qemuDiff: "qemu-user 7.2 has no mseal (ENOSYS)"},
	// #20: native AIO: io_setup, io_submit of reads, writes, vectors and
	// syncs, io_getevents with timeouts, IOCB_FLAG_RESFD, errors.
	{name: "aio", prog: "aio", qemuDiff: "qemu-user 7.2 has no native AIO calls (ENOSYS)"},
	// #20: userfaultfd: MISSING, write-protect and MINOR faults resolved by
	// a handler thread (COPY, ZEROPAGE, WAKE, WRITEPROTECT, CONTINUE),
	// MOVE, POISON, the REMOVE/UNMAP/REMAP events, SIGBUS mode,
	// /dev/userfaultfd, the ioctls' errors; addresses relative to the mapping.
	{name: "uffd", prog: "uffd", qemuDiff: "qemu-user 7.2 has no userfaultfd (ENOSYS)",
		lockstep: "lockstep runs one block at a time, and the thread held in a fault keeps the one that would resolve it from running"},
	// #20: quotactl and quotactl_fd, fanotify events, Landlock (a child
	// restricted, with a thread, a fork and a spawned program), the LSM
	// calls, protection keys and map_shadow_stack (the native run stands
	// for the guests' kernels without the hardware: x86_64's answers
	// depend on its CPU), restart_syscall, nfsservctl, lookup_dcookie,
	// remap_file_pages, process_madvise of itself and of a child, and the
	// error paths of reboot, kexec and module loading; needs root.
	{name: "rarecalls", prog: "rarecalls", dirArg: true,
		qemuDiff: "qemu-user 7.2 lacks most of these (fanotify, landlock, lsm, pkeys, process_madvise: ENOSYS)"},
	// #20: seccomp strict mode and filters: the checker's refusals and
	// the calls' error order, every action (ERRNO, TRAP's siginfo,
	// KILL_THREAD/PROCESS, TRACE, USER_NOTIF, LOG, unknown), precedence
	// across filters, arguments and the arch word, the path limit, TSYNC,
	// threads, fork and execve; needs root (capset).
	{name: "seccomp", prog: "seccomp", qemuDiff: "qemu-user 7.2 has no seccomp (ENOSYS)"},
	{name: "sysvipc", prog: "sysvipc",
		qemuDiff: "qemu-user 7.2 attaches shmat(NULL, SHM_REMAP) instead of EINVAL, so the segment outlives IPC_RMID"},
	// #5: epoll with the guests' 16-byte epoll_event, epoll_pwait2.
	{name: "epoll", prog: "epoll", qemuDiff: "qemu-user 7.2 has no epoll_pwait2 (ENOSYS)"},
	// #4: /proc/self/stat, status, comm and /proc/cpuinfo as a native run sees them.
	{name: "procfs", prog: "procfs",
		qemuDiff: "qemu-user 7.2 shows its own name in comm/status and 44 stat fields"},
	// #5: 20,000 clients through TIME_WAIT, re-listening, ephemeral
	// listeners from 8 threads, AF_UNIX/UDP/IPv6/netlink, EINTR.
	{name: "sockets", prog: "sockets", args: []string{"20000"}, netns: true},
	// #5: SO_REUSEPORT, timeouts, TCP/IP/IPv6 options and their errors,
	// SCM_CREDENTIALS both ways, IP_PKTINFO/IP_TTL/SO_TIMESTAMP/IPV6_*
	// control messages, MSG_CTRUNC, RTM_GETADDR and RTM_GETROUTE dumps;
	// #20: classic BPF socket filters and their errors.
	{name: "sockopts", prog: "sockopts",
		qemuDiff: "qemu-user 7.2 mistranslates struct ip_mreqn (ENODEV on riscv64, then EADDRNOTAVAIL) and crashes on a bad SO_ATTACH_FILTER program pointer"},
	// #5: Go's net stack: HTTP with 50 concurrent clients, UDP,
	// net.Interfaces through NETLINK_ROUTE, re-listening.
	{name: "gonet", prog: "gonet"},
	{name: "gofix", prog: "gofix", wantCode: 3,
		args: []string{"p", "q r"}, env: []string{"GEMU_TEST_A=alpha"}},
	// #15: Go's crypto on arm64 through the AES/PMULL/SHA instructions.
	{name: "gocrypto", prog: "gocrypto"},
}

func TestGuestPrograms(t *testing.T) {
	for _, arch := range guestArches() {
		for _, c := range e2eCases {
			if !selected(c.name) {
				continue
			}
			t.Run(arch+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				runCase(t, arch, c)
			})
		}
	}
}

func runCase(t *testing.T, arch string, c e2eCase) {
	if c.needs != "" {
		if _, err := os.Stat(c.needs); err != nil {
			if inCI() {
				t.Fatalf("%s: %v (CI must provide it)", c.needs, err)
			}
			t.Skipf("%s: %v", c.needs, err)
		}
	}
	if c.lockstep != "" && os.Getenv("GEMU_JIT") == "lockstep" {
		t.Logf("GEMU_JIT=force instead of lockstep: %s", c.lockstep)
		c.env = append(c.env[:len(c.env):len(c.env)], "GEMU_JIT=force")
	}
	gemu := gemuBin(t)
	native := fixture(t, "x86_64", c.prog)
	guest := fixture(t, arch, c.prog)

	// Each run gets its own temp dir (TMPDIR, HOME, and the files fixture's
	// working directory) so runs cannot see each other's files.
	invoke := func(prefix ...string) result {
		tmp := t.TempDir()
		args := c.args
		if c.dirArg {
			args = append([]string{filepath.Join(tmp, "work")}, args...)
			if err := os.Mkdir(args[0], 0o755); err != nil {
				t.Fatal(err)
			}
		}
		prog := native
		if len(prefix) > 0 {
			prog = guest
		}
		argv := append(append(append([]string{}, prefix...), prog), args...)
		return runIn(t, argv, baseEnv(tmp, c.env...), tmp, c.netns)
	}

	want := invoke()
	if want.code != c.wantCode {
		t.Fatalf("native %s exited %d, want %d: the fixture itself is broken\nstderr:\n%s",
			c.prog, want.code, c.wantCode, tail(want.stderr))
	}
	compare(t, filepath.Base(gemu), want, invoke(gemu))

	if c.qemuDiff != "" {
		t.Logf("not compared with qemu-user: %s", c.qemuDiff)
		return
	}
	if q := qemuFor(t, arch); q != "" && q != gemu {
		compare(t, "qemu-"+arch, want, invoke(q))
	}
}

// TestMultiCallName runs a guest through the bin/gemu-<arch> symlink that
// `make build` creates (skipped when GEMU_BIN points elsewhere).
func TestMultiCallName(t *testing.T) {
	if os.Getenv("GEMU_BIN") != "" {
		t.Skip("GEMU_BIN is set: the multi-call links belong to bin/gemu")
	}
	for _, arch := range guestArches() {
		t.Run(arch, func(t *testing.T) {
			link := filepath.Join(repoRoot, "bin", "gemu-"+arch)
			if _, err := os.Stat(link); err != nil {
				t.Fatalf("%s missing: run make build", link)
			}
			native := fixture(t, "x86_64", "hello")
			guest := fixture(t, arch, "hello")
			tmp := t.TempDir()
			want := run(t, []string{native}, baseEnv(tmp), tmp)
			compare(t, "gemu-"+arch, want, run(t, []string{link, guest}, baseEnv(tmp), tmp))
		})
	}
}

// TestBadInput: a file gemu cannot run gives a one-line error on stderr and
// exit status 1, never a Go panic or a stack trace.
func TestBadInput(t *testing.T) {
	gemu := gemuBin(t)
	if strings.HasPrefix(filepath.Base(gemu), "qemu-") {
		// qemu-user 7.2 prints nothing for a non-ELF file, exits 255 on a
		// foreign ELF and runs a truncated PT_LOAD into SIGILL.
		t.Skip("GEMU_BIN is qemu-user, which does not meet gemu's bad-input contract")
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"not-elf":   []byte("this is not an ELF file\n"),
		"empty":     {},
		"elf-magic": []byte("\x7fELF"),
		// riscv64 ELF header announcing 3 program headers that are not there
		"truncated-phdrs": elfHeader(243, 64, 3),
		// header plus one PT_LOAD whose file bytes run past the end
		"truncated-load": append(elfHeader(243, 64, 1), phdrLoad(0, 0x10000, 0x10000)...),
		// a well-formed ppc64 program: no target, and not the host's CPU
		// (an x86-64 one runs natively: TestHostProgramRunsNatively)
		"ppc64-elf": append(elfHeader(21, 64, 1), phdrLoad(0, 120, 120)...),
	}
	cases := map[string]string{"missing-file": filepath.Join(dir, "does-not-exist")}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o755); err != nil {
			t.Fatal(err)
		}
		cases[name] = p
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			r := run(t, []string{gemu, path}, baseEnv(dir), dir)
			msg := strings.TrimRight(r.stderr, "\n")
			if r.code != 1 {
				t.Errorf("exit status %d, want 1", r.code)
			}
			if msg == "" || strings.Contains(msg, "\n") {
				t.Errorf("want a one-line error on stderr, got %q", r.stderr)
			}
			if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
				t.Errorf("Go panic on stderr:\n%s", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("unexpected stdout %q", r.stdout)
			}
			t.Logf("stderr: %s", msg)
		})
	}
}

// elfHeader builds a 64-byte little-endian ELF64 ET_EXEC header for machine
// with phnum program headers at offset phoff.
func elfHeader(machine uint16, phoff uint64, phnum uint16) []byte {
	h := make([]byte, 64)
	copy(h, "\x7fELF\x02\x01\x01")
	le16(h[16:], 2) // ET_EXEC
	le16(h[18:], machine)
	le32(h[20:], 1)       // EV_CURRENT
	le64(h[24:], 0x10000) // e_entry
	le64(h[32:], phoff)   // e_phoff
	le16(h[52:], 64)      // e_ehsize
	le16(h[54:], 56)      // e_phentsize
	le16(h[56:], phnum)   // e_phnum
	le16(h[58:], 64)      // e_shentsize
	return h
}

// phdrLoad builds one PT_LOAD R+X program header.
func phdrLoad(off, filesz, memsz uint64) []byte {
	p := make([]byte, 56)
	le32(p[0:], 1) // PT_LOAD
	le32(p[4:], 5) // PF_R|PF_X
	le64(p[8:], off)
	le64(p[16:], 0x10000) // p_vaddr
	le64(p[24:], 0x10000) // p_paddr
	le64(p[32:], filesz)
	le64(p[40:], memsz)
	le64(p[48:], 0x1000) // p_align
	return p
}

func le16(b []byte, v uint16) { b[0], b[1] = byte(v), byte(v>>8) }
func le32(b []byte, v uint32) { le16(b, uint16(v)); le16(b[2:], uint16(v>>16)) }
func le64(b []byte, v uint64) { le32(b, uint32(v)); le32(b[4:], uint32(v>>32)) }
