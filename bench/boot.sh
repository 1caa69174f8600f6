#!/usr/bin/env bash
# bench/boot.sh GEMU QEMU REPS: full-system boot times of the riscv64 virt
# image of `make system-image` (Debian's OpenSBI fw_jump, Debian trixie's
# kernel, a busybox initramfs that prints GEMU-BOOT-OK and powers off),
# under "GEMU system riscv64" and QEMU (qemu-system-riscv64), REPS boots
# each: the median seconds to the OpenSBI banner, to the kernel's first
# line (an early console on the UART), to /init's marker and to the
# emulator's exit, and the median peak RSS, as rows of bench/run.sh's table.
set -euo pipefail

img=${SYSTEM_IMAGE:-tests/build/system}
append="console=ttyS0 earlycon=uart8250,mmio,0x10000000 panic=-1"

# since START: seconds since START (both $EPOCHREALTIME), with no fork:
# the console is read line by line while the guest runs.
since() {
	local us=$((${EPOCHREALTIME/./} - ${1/./}))
	printf '%d.%03d' $((us / 1000000)) $((us / 1000 % 1000))
}

# one_boot CMD...: one boot; prints "banner kernel init total rss".
one_boot() {
	local start banner=- kernel=- init=- line rss log t
	log=$(mktemp)
	start=$EPOCHREALTIME
	while IFS= read -r line; do
		case $line in
		*"OpenSBI v"*) [[ $banner == - ]] && banner=$(since "$start") ;;
		*"Linux version"*) [[ $kernel == - ]] && kernel=$(since "$start") ;;
		GEMU-BOOT-OK*) [[ $init == - ]] && init=$(since "$start") ;;
		esac
	done < <(/usr/bin/time -f %M -o "$log" "$@" -M virt -m 256M -nographic \
		-bios "$img/fw_jump.elf" -kernel "$img/Image" -initrd "$img/initrd.cpio.gz" \
		-append "$append" </dev/null 2>/dev/null)
	t=$(since "$start")
	rss=$(tail -1 "$log")
	rm -f "$log"
	echo "$banner $kernel $init $t $rss"
}

for f in fw_jump.elf Image initrd.cpio.gz; do
	[[ -f $img/$f ]] || { echo "bench/boot.sh: $img/$f missing: run make system-image" >&2; exit 1; }
done
# median COLUMN FILE: the median of a column of one_boot lines.
median() {
	awk -v c="$1" '{ print $c }' "$2" | sort -n | awk '{ t[NR] = $1 } END { print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}

gemu=$1 qemu=$2 reps=$3
runs_g=$(mktemp) runs_q=$(mktemp)
trap 'rm -f "$runs_g" "$runs_q"' EXIT
for ((i = 0; i < reps; i++)); do
	one_boot "$gemu" system riscv64 >>"$runs_g"
	if command -v "$qemu" >/dev/null; then one_boot "$qemu" >>"$runs_q"; fi
done
fmt='%-10s | %9s | %9s | %9s | %16s | %14s\n'
col=1
for row in boot-sbi boot-linux boot-init boot-exit; do
	tg=$(median $col "$runs_g") tq=-
	[[ -s $runs_q ]] && tq=$(median $col "$runs_q")
	speed=$(awk -v a="$tq" -v b="$tg" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }')
	printf "$fmt" "$row" - "$tq" "$tg" "$speed" -
	col=$((col + 1))
done
rq=-
[[ -s $runs_q ]] && rq=$(median 5 "$runs_q")
echo "full-system boot peak RSS, KiB: qemu $rq gemu $(median 5 "$runs_g")"
