#!/usr/bin/env bash
# bench/run.sh: run gemu's benchmark workloads natively (x86_64 build of the
# same source), under qemu-user and under gemu; print the median wall time
# of each and the ratios. Expects the binaries from `make bench-build`.
#
# Environment:
#   BENCH_ARCH       guest architecture: riscv64 (default) or aarch64
#   BENCH_REPS       runs per workload and runner (default 5); the median counts
#   BENCH_WORKLOADS  which workloads (default: "intmark fpmark gosha pipeio tcprr")
#   BENCH_ARGS       extra arguments for every workload (e.g. a smaller count)
#   GEMU             emulator to measure (default: bin/gemu)
#   QEMU             reference emulator (default: qemu-$BENCH_ARCH)
# A runner that is missing shows "n/a"; one that fails shows "fail"; one whose
# output differs from the native run shows "wrong".
set -euo pipefail
cd "$(dirname "$0")/.."

arch=${BENCH_ARCH:-riscv64}
reps=${BENCH_REPS:-5}
workloads=${BENCH_WORKLOADS:-intmark fpmark gosha pipeio tcprr}
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

echo "gemu benchmarks: guest $arch, $reps runs each, median wall time in seconds"
echo "host: $(uname -m), $(nproc) cores; gemu=$gemu qemu=$qemu"
fmt='%-10s | %9s | %9s | %9s | %16s | %14s\n'
printf "$fmt" workload "native s" "qemu s" "gemu s" "gemu/qemu speed" "gemu vs native"
printf "$fmt" ---------- --------- --------- --------- ---------------- --------------
for w in $workloads; do
	native_bin=bench/build/x86_64/$w
	guest_bin=bench/build/$arch/$w
	if [[ ! -x $native_bin || ! -x $guest_bin ]]; then
		echo "bench/run.sh: $native_bin or $guest_bin missing: run make bench-build" >&2
		exit 1
	fi
	want=
	want=$("$native_bin" "${extra[@]}" 2>/dev/null) || { echo "bench/run.sh: native $w failed" >&2; exit 1; }
	tn=$(median_time "$native_bin" "${extra[@]}")
	tq=n/a
	have "$qemu" && tq=$(median_time "$qemu" "$guest_bin" "${extra[@]}")
	tg=n/a
	have "$gemu" && tg=$(median_time "$gemu" "$guest_bin" "${extra[@]}")
	# speed ratio: how many times faster gemu is than qemu (qemu time / gemu time);
	# vs native: how many times slower than native (gemu time / native time)
	printf "$fmt" "$w" "$tn" "$tq" "$tg" "$(ratio "$tq" "$tg")" "$(ratio "$tg" "$tn")"
done
