#!/usr/bin/env bash
# Cross-build sandboxes under gemu through binfmt_misc (issue 17): a Debian
# chroot made by `debootstrap --foreign` on the host, its second stage run
# inside it by gemu, then apt, compilers and the rest of what people do in
# one. Needs root and the Debian archive.
#
#   tests/sandbox.sh [--small] [--emulator gemu|qemu] [ARCH...]
#
# ARCH: aarch64 (Debian bookworm arm64) and riscv64 (trixie: bookworm has
# no riscv64); default both. --small: a minbase system and checks that
# need no further downloads (what make test runs). --emulator qemu runs
# the same with qemu-user-static registered instead (for the bench).
# The first stage is kept in tests/build/sandbox/<arch>[-min].tar, so a
# second run downloads only what apt-get installs. Each step prints
# "ok NAME SECONDS" or "FAIL NAME" with the tail of its log; the exit
# status is the number of failed steps (capped at 100).
set -uo pipefail

small=0
emulator=gemu
arches=()
while [ $# -gt 0 ]; do
	case $1 in
	--small) small=1 ;;
	--emulator) emulator=$2; shift ;;
	aarch64 | riscv64) arches+=("$1") ;;
	*) echo "sandbox.sh: unknown argument $1 (see the comment at the top)" >&2; exit 2 ;;
	esac
	shift
done
[ ${#arches[@]} -gt 0 ] || arches=(aarch64 riscv64)

repo=$(cd "$(dirname "$0")/.." && pwd)
gemu=${GEMU:-$repo/bin/gemu}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=$repo/tests/build/sandbox
mkdir -p "$cache"

if [ "$(id -u)" != 0 ]; then
	echo "sandbox.sh: needs root (debootstrap, chroot, binfmt_misc)" >&2
	exit 2
fi
for tool in debootstrap chroot tar; do
	command -v $tool >/dev/null || { echo "sandbox.sh: $tool missing (apt-get install debootstrap)" >&2; exit 2; }
done

work=$(mktemp -d /var/tmp/gemu-sandbox.XXXXXX)
prefix=gemu-sandbox-$$-
failed=0

cleanup() {
	for m in $(awk '{print $2}' /proc/mounts | grep "^$work/" | sort -r); do
		umount -l "$m"
	done
	if grep -q " $work/" /proc/mounts; then
		echo "sandbox.sh: mounts left under $work, not removing it" >&2
	else
		rm -rf "$work"
	fi
	for e in /proc/sys/fs/binfmt_misc/"$prefix"*; do
		[ -e "$e" ] && echo -1 >"$e"
	done
}
trap cleanup EXIT

# register ARCH: a binfmt_misc entry for the emulator under test, named
# with this run's prefix; newest entries match first, so it wins over
# whatever else the machine has registered and is removed at the end.
register() {
	if [ "$emulator" = gemu ]; then
		"$gemu" binfmt install --arch "$1" --name-prefix "$prefix" >/dev/null
		return
	fi
	local machine
	case $1 in aarch64) machine='\xb7\x00' ;; riscv64) machine='\xf3\x00' ;; esac
	local q=/usr/bin/qemu-$1-static
	[ -x "$q" ] || { echo "sandbox.sh: $q missing (apt-get install qemu-user-static)" >&2; return 1; }
	printf ':%s%s:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00%s:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:%s:FP' \
		"$prefix" "$1" "$machine" "$q" >/proc/sys/fs/binfmt_misc/register
}

# step NAME COMMAND...: runs it with its output in a log, reports.
step() {
	local name=$1 log=$work/$1.log start end
	shift
	start=$EPOCHREALTIME
	if "$@" >"$log" 2>&1; then
		end=$EPOCHREALTIME
		awk -v n="$name" -v s="$start" -v e="$end" 'BEGIN { printf "ok %s %.1f\n", n, e - s }'
		return 0
	fi
	echo "FAIL $name"
	tail -n 15 "$log" | sed 's/^/    /'
	failed=$((failed + 1))
	return 1
}

# inroot ROOT COMMAND: runs a shell command in the chroot.
inroot() {
	local root=$1
	shift
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive /bin/sh -c "$*"
}

# first_stage ARCH DEBARCH SUITE TAR: debootstrap --foreign into a tar.
first_stage() {
	local variant=() tmp=$work/first-$1
	[ $small = 1 ] && variant=(--variant=minbase)
	debootstrap --foreign --arch="$2" "${variant[@]}" "$3" "$tmp" "$mirror" &&
		tar -C "$tmp" -cf "$4.part" . && mv "$4.part" "$4" && rm -rf "$tmp"
}

hello_c='#include <stdio.h>
#include <math.h>
int main(int argc, char **argv) { printf("hello %s %.3f\n", argv[1], sqrt(2.0)); return 0; }'

python_check='import hashlib, json, subprocess, threading
out = subprocess.check_output(["echo", "ok"]).decode().strip()
box = []
t = threading.Thread(target=lambda: box.append(hashlib.sha256(b"gemu").hexdigest()[:12]))
t.start(); t.join()
assert out == "ok" and box == ["87856b723678"], (out, box)
print(json.dumps({"sub": out, "sha": box[0]}))'

sandbox() {
	local arch=$1 debarch suite
	case $arch in
	aarch64) debarch=arm64 suite=bookworm ;;
	riscv64) debarch=riscv64 suite=trixie ;;
	esac
	local tarball=$cache/$debarch-$suite$([ $small = 1 ] && echo -min).tar root=$work/$arch
	echo "== $arch: Debian $suite $debarch under $emulator"
	if [ ! -s "$tarball" ]; then
		step first-stage-$arch first_stage "$arch" "$debarch" "$suite" "$tarball" || return
	fi
	mkdir -p "$root" && tar -C "$root" -xf "$tarball" || { failed=$((failed + 1)); return; }
	step register-$arch register "$arch" || return
	if ! step second-stage-$arch chroot "$root" /debootstrap/debootstrap --second-stage; then
		tail -n 25 "$root/debootstrap/debootstrap.log" 2>/dev/null | sed 's/^/    log: /'
		return
	fi
	step pipeline-$arch inroot "$root" '[ "$(echo hi | grep h)" = hi ] && test "$(ls / | wc -l)" -gt 10'
	step dpkg-$arch inroot "$root" 'dpkg -l | grep -c ^ii && dpkg --audit && dpkg-query -W -f="\${Architecture}\n" dpkg | grep -x '"$debarch"
	step perl-$arch inroot "$root" 'perl -e "print join(q(,), map { \$_ * 2 } 1..3), qq(\n)" | grep -x 2,4,6'
	step useradd-su-$arch inroot "$root" 'useradd -m builder && [ "$(su builder -c "id -un; cd; pwd" | tr "\n" " ")" = "builder /home/builder " ]'
	step ldconfig-$arch inroot "$root" 'ldconfig && ldconfig -p | grep -q libc.so.6'
	# From the host, outside the chroot: a dynamic program through binfmt
	# finds its libraries with QEMU_LD_PREFIX (-L).
	step ld-prefix-$arch env QEMU_LD_PREFIX="$root" "$root/usr/bin/dpkg" --print-architecture
	[ $small = 1 ] && return
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	step apt-update-$arch inroot "$root" 'apt-get update'
	step apt-install-$arch inroot "$root" 'apt-get install -y --no-install-recommends gcc libc6-dev make python3 locales'
	printf '%s\n' "$hello_c" >"$root/tmp/hello.c"
	step cc-$arch inroot "$root" 'cd /tmp && gcc -O2 -o hello hello.c -lm && [ "$(./hello sandbox)" = "hello sandbox 1.414" ]'
	step make-$arch inroot "$root" 'cd /tmp && printf "all: hi\nhi: hello.c\n\tgcc -o hi hello.c -lm\n" > Makefile && make && ./hi make'
	printf '%s\n' "$python_check" >"$root/tmp/check.py"
	step python3-$arch inroot "$root" 'python3 /tmp/check.py'
	step locale-gen-$arch inroot "$root" 'echo "en_US.UTF-8 UTF-8" >> /etc/locale.gen && locale-gen && LANG=en_US.UTF-8 perl -e 1 2>&1 | (! grep -i warning)'
	step triggers-$arch inroot "$root" 'dpkg --configure -a && [ -z "$(dpkg --audit)" ]'
	# A C package built from source as it comes: GNU hello's configure
	# (hundreds of small compiles and shell processes) and make. Only the
	# upstream tarball is needed (a mirror once lacked trixie's
	# debian.tar.xz, failing apt-get source as a whole). --build: hello
	# 2.10's config.guess (2014) predates riscv64; Debian's build refreshes
	# it (dh_update_autotools_config), and natively it fails the same way.
	echo "deb-src $mirror $suite main" >"$root/etc/apt/sources.list.d/src.list"
	step hello-source-$arch inroot "$root" 'apt-get update && mkdir -p /build && cd /build &&
		{ apt-get source --download-only hello || true; } && tar xf hello_*.orig.tar.gz'
	step build-hello-$arch inroot "$root" 'cd /build/hello-*/ && ./configure --build="$(gcc -dumpmachine)" && make -j2 && [ "$(./hello)" = "Hello, world!" ]'
}

for arch in "${arches[@]}"; do
	sandbox "$arch"
done
[ $failed -gt 100 ] && failed=100
echo "== $failed failed"
exit $failed
