package main

// renamedSyscalls are numbers x/sys (FreeBSD stable/12) names after a
// call that FreeBSD 14 keeps only for old binaries, under the compat
// name its syscall.h gives (FreeBSD sys/kern/syscalls.master: 424 is
// COMPAT13, 482 and 509 are COMPAT12).
var renamedSyscalls = map[int]string{
	424: "freebsd13_swapoff",   // swapoff moved to 582 (FreeBSD 14)
	482: "freebsd12_shm_open",  // replaced by shm_open2 571 (FreeBSD 13)
	509: "freebsd12_closefrom", // replaced by close_range 575 (FreeBSD 13)
}

// newerSyscalls are the numbers x/sys's stable/12 list lacks, each from
// FreeBSD sys/kern/syscalls.master. The COMPAT11 entries serve arm64
// binaries built for FreeBSD 11 (arm64 appeared in 11.0, riscv64 later,
// so no older compat layer applies to these guests); their names are
// syscall.h's SYS_freebsd11_* ones.
var newerSyscalls = []numbered{
	{Num: 14, Name: "freebsd11_mknod"},
	{Num: 188, Name: "freebsd11_stat"},
	{Num: 189, Name: "freebsd11_fstat"},
	{Num: 190, Name: "freebsd11_lstat"},
	{Num: 196, Name: "freebsd11_getdirentries"},
	{Num: 272, Name: "freebsd11_getdents"},
	{Num: 278, Name: "freebsd11_nstat"},
	{Num: 279, Name: "freebsd11_nfstat"},
	{Num: 280, Name: "freebsd11_nlstat"},
	{Num: 299, Name: "freebsd11_fhstat"},
	{Num: 363, Name: "freebsd11_kevent"},
	{Num: 395, Name: "freebsd11_getfsstat"},
	{Num: 396, Name: "freebsd11_statfs"},
	{Num: 397, Name: "freebsd11_fstatfs"},
	{Num: 398, Name: "freebsd11_fhstatfs"},
	{Num: 493, Name: "freebsd11_fstatat"},
	{Num: 498, Name: "freebsd11_mknodat"},
	// FreeBSD 13.
	{Num: 568, Name: "funlinkat"},
	{Num: 569, Name: "copy_file_range"},
	{Num: 571, Name: "shm_open2"},
	{Num: 572, Name: "shm_rename"},
	{Num: 573, Name: "sigfastblock"},
	{Num: 574, Name: "__realpathat"},
	{Num: 576, Name: "rpctls_syscall"},
	{Num: 577, Name: "__specialfd"},
	{Num: 578, Name: "aio_writev"},
	{Num: 579, Name: "aio_readv"},
	{Num: 580, Name: "fspacectl"},
	{Num: 581, Name: "sched_getcpu"},
	// FreeBSD 14 (582-584 by 14.0; timerfd 585-587 and kcmp 588 came in
	// 2024, the kcmp one with regen commit 38bfddf5; getrlimitusage 589
	// after them).
	{Num: 582, Name: "swapoff"},
	{Num: 583, Name: "kqueuex"},
	{Num: 584, Name: "membarrier"},
	{Num: 585, Name: "timerfd_create"},
	{Num: 586, Name: "timerfd_gettime"},
	{Num: 587, Name: "timerfd_settime"},
	{Num: 588, Name: "kcmp"},
	{Num: 589, Name: "getrlimitusage"},
}
