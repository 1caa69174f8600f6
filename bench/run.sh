#!/usr/bin/env bash
# bench/run.sh: run gemu's benchmark workloads natively (x86_64 build of the
# same source), under qemu-user and under gemu; print the median wall time
# of each and the ratios. Expects the binaries from `make bench-build`.
#
# Environment:
#   BENCH_ARCH       guest architecture: riscv64 (default) or aarch64
#   BENCH_REPS       runs per workload and runner (default 5); the median counts
#   BENCH_WORKLOADS  which workloads (default: "intmark fpmark gosha gosha-asm
#                    pipeio tcprr hello forkexec spawn sigrt configure
#                    second-stage build-hello")
#   BENCH_ARGS       extra arguments for every workload (e.g. a smaller count)
#   GEMU             emulator to measure (default: bin/gemu)
#   QEMU             reference emulator (default: qemu-$BENCH_ARCH)
# A runner that is missing shows "n/a"; one that fails shows "fail"; one whose
# output differs from the native run shows "wrong".
#
# forkexec, spawn and configure exec foreign children, which qemu-user can
# only do through binfmt_misc: for them the script registers qemu-$BENCH_ARCH
# with binfmt_misc (needs root) and removes the entry when it ends; gemu runs
# foreign children itself and is measured with the entry in place all the same.
#
# configure is bench/configure.sh, a configure-like script run by Debian's
# busybox-static (tests/build/busybox, fetched by make deps) of the host and
# of the guest: arm64 only, "n/a" for other guests. With it, a last line
# gives the peak RSS (VmHWM) of a forked child of that shell, which runs
# grep: natively, under qemu-user (binfmt_misc) and under gemu.
#
# second-stage and build-hello come from one tests/sandbox.sh run per
# emulator (root and the Debian archive; minutes each, so one run, not a
# median): the debootstrap second stage of Debian (bookworm arm64, trixie
# riscv64) in a chroot, and GNU hello's configure and make from its Debian
# source in it, with gemu's binfmt_misc entry and then with
# qemu-$BENCH_ARCH-static's (qemu-user-static), each registered only for
# its run. Native is not measured ("-").
#
# boot is full-system mode (bench/boot.sh): the riscv64 virt image of make
# system-image booted by gemu system riscv64 and qemu-system-riscv64, with
# the times to OpenSBI's banner, the kernel's first line, /init and exit.
set -euo pipefail
cd "$(dirname "$0")/.."

arch=${BENCH_ARCH:-riscv64}
reps=${BENCH_REPS:-5}
workloads=${BENCH_WORKLOADS:-intmark fpmark gosha gosha-asm pipeio tcprr hello forkexec spawn sigrt configure second-stage build-hello boot}
gemu=${GEMU:-bin/gemu}
qemu=${QEMU:-qemu-$arch}
read -r -a extra <<<"${BENCH_ARGS:-}"

# median_time CMD...: runs CMD $reps times; prints the median wall time in
# seconds, or "fail"/"wrong". The first run's stdout is compared with $want.
median_time() {
	local times=() out start end i
	for ((i = 0; i < reps; i++)); do
		start=$EPOCHREALTIME
		if ! out=$("$@" 2>/dev/null); then
			echo fail
			return
		fi
		end=$EPOCHREALTIME
		if [[ -n $want && $out != "$want" ]]; then
			echo wrong
			return
		fi
		times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { printf "%.3f", (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}

# ratio A B: A/B with two decimals, or "-" when either is not a number
ratio() {
	if [[ $1 =~ ^[0-9.]+$ && $2 =~ ^[0-9.]+$ ]]; then
		awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
	else
		echo "-"
	fi
}

have() { [[ -x $1 ]] || command -v "$1" >/dev/null 2>&1; }

# ELF e_machine of each guest (Linux include/uapi/linux/elf-em.h)
declare -A machine=([aarch64]='\xb7\x00' [riscv64]='\xf3\x00')
binfmt_dir=/proc/sys/fs/binfmt_misc
binfmt_name=gemu-bench-qemu-$arch

# binfmt_on: registers qemu for static and PIE 64-bit little-endian ELF
# executables of the guest (e_type 2 or 3), with F (the interpreter is
# opened now). Fails quietly when that is not possible.
binfmt_on() {
	[[ -e $binfmt_dir/$binfmt_name ]] && return 0
	[[ -w $binfmt_dir/register ]] || mount -t binfmt_misc binfmt_misc "$binfmt_dir" 2>/dev/null || return 1
	local q
	q=$(command -v "$qemu") || return 1
	local magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00'${machine[$arch]}
	local mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
	printf ':%s:M::%s:%s:%s:F' "$binfmt_name" "$magic" "$mask" "$q" >"$binfmt_dir/register" 2>/dev/null
}

binfmt_off() {
	if [[ -e $binfmt_dir/$binfmt_name ]]; then echo -1 >"$binfmt_dir/$binfmt_name"; fi
}
trap binfmt_off EXIT

# sandbox_run EMULATOR: one tests/sandbox.sh run (gemu or qemu), its
# output kept in bench/build/sandbox-EMULATOR-ARCH.txt; records the
# seconds of each step it passed in sandbox_secs[EMULATOR:STEP].
declare -A sandbox_secs=() sandbox_done=()
sandbox_run() {
	[[ -n ${sandbox_done[$1]:-} ]] && return
	sandbox_done[$1]=1
	local status name secs log=bench/build/sandbox-$1-$arch.txt
	mkdir -p bench/build
	GEMU=$gemu tests/sandbox.sh --emulator "$1" "$arch" >"$log" 2>&1 || true
	while read -r status name secs; do
		if [[ $status == ok ]]; then sandbox_secs[$1:$name]=$secs; fi
	done <"$log"
}

# sandbox_row WORKLOAD: the row of a sandbox step.
sandbox_row() {
	if [[ $(id -u) != 0 ]]; then
		printf "$fmt" "$1" - "n/a (root)" "n/a (root)" - -
		return
	fi
	sandbox_run qemu
	sandbox_run gemu
	local tq=${sandbox_secs[qemu:$1-$arch]:-fail} tg=${sandbox_secs[gemu:$1-$arch]:-fail}
	printf "$fmt" "$1" - "$tq" "$tg" "$(ratio "$tq" "$tg")" -
}

echo "gemu benchmarks: guest $arch, $reps runs each, median wall time in seconds"
echo "host: $(uname -m), $(nproc) cores; gemu=$gemu qemu=$qemu"
fmt='%-10s | %9s | %9s | %9s | %16s | %14s\n'
printf "$fmt" workload "native s" "qemu s" "gemu s" "gemu/qemu speed" "gemu vs native"
printf "$fmt" ---------- --------- --------- --------- ---------------- --------------
# Busybox builds per guest architecture (Debian's names).
declare -A debarch=([aarch64]=arm64)
for w in $workloads; do
	if [[ $w == boot ]]; then
		bench/boot.sh "$gemu" qemu-system-riscv64 "$reps"
		continue
	fi
	if [[ $w == second-stage || $w == build-hello ]]; then
		sandbox_row "$w"
		continue
	fi
	native_bin=bench/build/x86_64/$w
	guest_bin=bench/build/$arch/$w
	native_args=("${extra[@]}")
	guest_args=("${extra[@]}")
	if [[ $w == configure ]]; then
		native_bin=tests/build/busybox/amd64/bin/busybox
		guest_bin=tests/build/busybox/${debarch[$arch]:-none}/bin/busybox
		if [[ ! -x $guest_bin ]]; then
			printf "$fmt" "$w" n/a n/a n/a - "-"
			continue
		fi
		native_args=(sh bench/configure.sh "$PWD/$native_bin" "${extra[@]}")
		guest_args=(sh bench/configure.sh "$PWD/$guest_bin" "${extra[@]}")
	fi
	if [[ ! -x $native_bin || ! -x $guest_bin ]]; then
		echo "bench/run.sh: $native_bin or $guest_bin missing: run make bench-build (and make deps for busybox)" >&2
		exit 1
	fi
	want=
	want=$("$native_bin" "${native_args[@]}" 2>/dev/null) || { echo "bench/run.sh: native $w failed" >&2; exit 1; }
	tn=$(median_time "$native_bin" "${native_args[@]}")
	tq=n/a
	if [[ $w == forkexec || $w == spawn || $w == configure ]]; then
		binfmt_on || tq="n/a (no binfmt_misc)"
	fi
	[[ $tq == n/a ]] && have "$qemu" && tq=$(median_time "$qemu" "$guest_bin" "${guest_args[@]}")
	tg=n/a
	have "$gemu" && tg=$(median_time "$gemu" "$guest_bin" "${guest_args[@]}")
	# speed ratio: how many times faster gemu is than qemu (qemu time / gemu time);
	# vs native: how many times slower than native (gemu time / native time)
	printf "$fmt" "$w" "$tn" "$tq" "$tg" "$(ratio "$tq" "$tg")" "$(ratio "$tg" "$tn")"
done

# fork_rss RUNNER...: the peak RSS (VmHWM, KiB) of a forked child of
# busybox sh that runs grep on its own /proc/self/status, or "n/a".
fork_rss() {
	local bb=$1
	shift
	"$@" "$bb" sh -c "(\"$bb\" grep VmHWM /proc/self/status; :)" 2>/dev/null | awk '/VmHWM/ { print $2; f = 1 } END { if (!f) print "n/a" }'
}
if [[ " $workloads " == *" configure "* && -n ${debarch[$arch]:-} ]]; then
	native_bb=$PWD/tests/build/busybox/amd64/bin/busybox
	guest_bb=$PWD/tests/build/busybox/${debarch[$arch]}/bin/busybox
	rq=n/a
	binfmt_on && have "$qemu" && rq=$(fork_rss "$guest_bb" "$qemu")
	echo "peak RSS of a forked child (busybox sh subshell running grep), KiB: native $(fork_rss "$native_bb") qemu $rq gemu $(fork_rss "$guest_bb" "$gemu")"
fi
