# trampoline.S: the program gemu execs once, from a memfd, to grow its
# descriptor table while single-threaded (package fdtable). It raises the
# soft RLIMIT_NOFILE to the hard limit, duplicates gemu's executable
# descriptor at the target number (the kernel grows the table for it), closes
# the duplicate, puts the limit back, marks the executable descriptor
# close-on-exec and execs it with the argv and envp it was given.
# x86-64 Linux system call numbers: arch/x86/entry/syscalls/syscall_64.tbl.
# The parameters after the marker are written by fdtable.go before the exec.
	.text
	.globl _start
_start:
	leaq params(%rip), %rbx
	movl $302, %eax          # prlimit64(0, RLIMIT_NOFILE, &raised, NULL)
	xorl %edi, %edi
	movl $7, %esi
	leaq 16(%rbx), %rdx
	xorl %r10d, %r10d
	syscall
	movl $72, %eax           # fcntl(exefd, F_DUPFD_CLOEXEC, target)
	movl 0(%rbx), %edi
	movl $1030, %esi
	movq 8(%rbx), %rdx
	syscall
	testq %rax, %rax
	js 1f
	movl %eax, %edi          # close(duplicate)
	movl $3, %eax
	syscall
1:	movl $302, %eax          # prlimit64(0, RLIMIT_NOFILE, &saved, NULL)
	xorl %edi, %edi
	movl $7, %esi
	leaq 32(%rbx), %rdx
	xorl %r10d, %r10d
	syscall
	movl $72, %eax           # fcntl(exefd, F_SETFD, FD_CLOEXEC)
	movl 0(%rbx), %edi
	movl $2, %esi
	movl $1, %edx
	syscall
	movq (%rsp), %rcx        # argc; argv at 8(%rsp), envp after argv's NULL
	leaq 8(%rsp), %rdx
	leaq 16(%rsp,%rcx,8), %r10
	movl $322, %eax          # execveat(exefd, "", argv, envp, AT_EMPTY_PATH)
	movl 0(%rbx), %edi
	leaq empty(%rip), %rsi
	movl $0x1000, %r8d
	syscall
	movl $231, %eax          # exit_group(127): gemu could not be started
	movl $127, %edi
	syscall
	.balign 8
	.ascii "GEMUFDTB"
params:                          # exefd, target, raised {cur, max}, saved {cur, max}
	.quad 0, 0, 0, 0, 0, 0
empty:
	.byte 0
