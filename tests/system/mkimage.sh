#!/usr/bin/env bash
# tests/system/mkimage.sh OUTDIR: the boot-test image for gemu-system-riscv64
# -M virt, from Debian packages only. Writes into OUTDIR:
#   fw_jump.elf fw_jump.bin  bookworm opensbi (/usr/lib/riscv64-linux-gnu/opensbi/generic/)
#   fw_dynamic.elf           the same package's fw_dynamic (qemu-system's default firmware kind)
#   Image                    trixie linux-image-6.12.*-riscv64 /boot/vmlinux-*: despite the
#                            name an uncompressed Image (RISC-V header with an EFI stub, "MZ")
#   vmlinux System.map       the ELF, from linux-image-*-riscv64-dbg (/usr/lib/debug/boot/),
#                            debug info stripped, physical addresses moved from 0 to 0x80200000
#                            (qemu 7.2 loads an ELF at p_paddr and refuses 0: "ROM regions are
#                            overlapping" with mrom); a 1 GB download: GEMU_SYSTEM_VMLINUX=0 skips it
#   config modules/VERSION/  the kernel's /boot/config-* and /usr/lib/modules/VERSION
#   initrd.cpio.gz           trixie busybox-static:riscv64 and tests/system/init.sh as /init,
#                            with the .ko files gemutest=blk needs
#   disk.img                 1 MiB: "gemu-disk-marker\n", then zeros
#   manifest.txt             package versions and sha256 of the outputs
# Apt runs with its own configuration and state in OUTDIR/apt (APT_CONFIG;
# no dpkg --add-architecture, nothing installed, the host's apt untouched),
# against the Debian mirror the host's sources name (GEMU_DEBIAN_MIRROR
# overrides). Package versions are those of the first apt-get update; rm -r
# OUTDIR to take newer ones. Quiet when up to date.
set -euo pipefail
export LC_ALL=C

if [[ $# -ne 1 ]]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
want_vmlinux=${GEMU_SYSTEM_VMLINUX:-1}

outputs=(fw_jump.elf fw_jump.bin fw_dynamic.elf Image config initrd.cpio.gz disk.img)
[[ $want_vmlinux == 0 ]] || outputs+=(vmlinux System.map)
stamp=$(cat "$here/mkimage.sh" "$here/init.sh" <(echo "$want_vmlinux") | sha256sum | cut -c1-64)
uptodate() {
	[[ -f $out/.stamp && $(<"$out/.stamp") == "$stamp" ]] || return 1
	local f
	for f in "${outputs[@]}" manifest.txt; do [[ -s $out/$f ]] || return 1; done
}
uptodate && exit 0
rm -f "$out/.stamp"
say() { echo "system-image: $*" >&2; }

tmp=$(mktemp -d "$out/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- apt, private to OUTDIR ---
mirror=${GEMU_DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
	# First .../debian URI of /etc/apt/sources.list{,.d/*.list,.d/*.sources}.
	mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n -E 's/^(URIs:|deb( \[[^]]*\])?)[[:space:]]+([^[:space:]]+).*/\3/p' | grep -E '/debian/?$' | head -n1 || true)
	mirror=${mirror:-http://deb.debian.org/debian}
fi
native=$(dpkg --print-architecture)
apt=$out/apt
mkdir -p "$apt/etc/sources.list.d" "$apt/etc/apt.conf.d" "$apt/etc/preferences.d" \
	"$apt/lists/partial" "$apt/cache/archives/partial" "$out/debs"
touch "$apt/status"
# trixie for riscv64 (bookworm has no riscv64 port); bookworm for opensbi (all).
cat >"$apt/etc/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Architectures: riscv64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $mirror
Suites: bookworm
Components: main
Architectures: $native
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
cat >"$apt/apt.conf" <<EOF
Dir "$apt/";
Dir::Etc "$apt/etc/";
Dir::State "$apt/";
Dir::State::lists "$apt/lists/";
Dir::State::status "$apt/status";
Dir::Cache "$apt/cache/";
Dir::Log "$apt/";
APT::Architecture "$native";
APT::Architectures { "$native"; "riscv64"; };
Acquire::Languages "none";
EOF
[[ $(id -u) -ne 0 ]] || echo 'APT::Sandbox::User "root";' >>"$apt/apt.conf"
export APT_CONFIG=$apt/apt.conf
aptq=(-qq -o Dpkg::Use-Pty=0)

if ! compgen -G "$apt/lists/*_Packages*" >/dev/null; then
	say "apt-get update (trixie riscv64, bookworm $native) from $mirror"
	apt-get "${aptq[@]}" update
fi

# The kernel: the package that the meta package linux-image-riscv64 depends on.
kpkg=$(apt-cache show --no-all-versions linux-image-riscv64:riscv64 |
	sed -n -E 's/^Depends:.*(linux-image-[0-9][^ ,]*-riscv64).*/\1/p' | head -n1)
[[ -n $kpkg ]] || { echo "system-image: no linux-image-*-riscv64 in trixie" >&2; exit 1; }
kver=${kpkg#linux-image-}

version() { dpkg-deb -f "$1" Version; }

# fetch PKG[:ARCH][/SUITE]: print the path of its candidate's .deb,
# downloaded into OUTDIR/debs/PKG unless there. A version gone from the
# mirror: apt-get update, and once more.
fetch() {
	local d=$out/debs/${1%%[:/]*} v f
	v=$(apt-cache show --no-all-versions "$1" | sed -n 's/^Version: //p' | head -n1)
	for f in "$d"/*.deb; do
		[[ -s $f && $(version "$f") == "$v" ]] && { echo "$f"; return; }
	done
	say "downloading $1 $v"
	rm -rf "$d"
	mkdir -p "$d"
	if ! (cd "$d" && apt-get "${aptq[@]}" download "$1" >&2); then
		apt-get "${aptq[@]}" update >&2
		(cd "$d" && apt-get "${aptq[@]}" download "$1" >&2)
	fi
	compgen -G "$d/*.deb" | head -n1
}

# --- OpenSBI (bookworm opensbi, the firmware qemu 7.2 ships is 1.1 too) ---
sbi_deb=$(fetch opensbi/bookworm)
dpkg-deb -x "$sbi_deb" "$tmp/sbi"
cp "$tmp/sbi/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump."{elf,bin} "$tmp/"
cp "$tmp/sbi/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf" "$tmp/"
mv "$tmp/fw_jump.elf" "$tmp/fw_jump.bin" "$tmp/fw_dynamic.elf" "$out/"

# --- kernel: Image, config, modules ---
k_deb=$(fetch "$kpkg:riscv64")
if [[ ! -s $out/Image || ! -d $out/modules/$kver || $(cat "$out/.kernel" 2>/dev/null) != "$(version "$k_deb")" ]]; then
	say "extracting $kpkg"
	dpkg-deb -x "$k_deb" "$tmp/k"
	img=$tmp/k/boot/vmlinux-$kver
	[[ -s $img ]] || img=$tmp/k/boot/vmlinuz-$kver
	# An uncompressed Image has "RISCV\0\0\0" at 0x30 and "RSC\x05" at 0x38
	# (Documentation/arch/riscv/boot-image-header.rst); EFI zboot ("zimg" at
	# 4) or gzip would need unpacking, which trixie's 6.12 does not.
	if [[ $(od -An -c -j 56 -N 4 "$img" | tr -d ' ') != 'RSC005' ]]; then
		echo "system-image: $img is not an uncompressed RISC-V Image: $(od -An -tx1 -N 64 "$img")" >&2
		exit 1
	fi
	rm -rf "$out/modules"
	mkdir -p "$out/modules"
	mv "$tmp/k/usr/lib/modules/$kver" "$out/modules/"
	cp "$tmp/k/boot/config-$kver" "$out/config"
	cp "$img" "$out/Image"
	version "$k_deb" >"$out/.kernel"
	rm -rf "$tmp/k"
fi

# --- vmlinux ELF and System.map from the -dbg package (1 GB; only the first
# two members of its data.tar are read, then the .deb is deleted) ---
if [[ $want_vmlinux != 0 && ( ! -s $out/vmlinux || $(cat "$out/.vmlinux" 2>/dev/null) != "$(version "$k_deb")" ) ]]; then
	dbg_deb=$(fetch "$kpkg-dbg:riscv64")
	say "extracting vmlinux from ${dbg_deb##*/}"
	mkdir -p "$tmp/dbg"
	# tar --occurrence stops reading early, so dpkg-deb sees a broken pipe.
	dpkg-deb --fsys-tarfile "$dbg_deb" 2>/dev/null | tar -x -C "$tmp/dbg" --occurrence=1 \
		"./usr/lib/debug/boot/vmlinux-$kver" "./usr/lib/debug/boot/System.map-$kver" || true
	[[ -s $tmp/dbg/usr/lib/debug/boot/vmlinux-$kver ]] || { echo "system-image: no vmlinux in $dbg_deb" >&2; exit 1; }
	# 0x80200000: where qemu loads a raw Image and fw_jump jumps (FW_JUMP_ADDR).
	riscv64-linux-gnu-objcopy --strip-debug --change-section-lma '*+0x80200000' \
		"$tmp/dbg/usr/lib/debug/boot/vmlinux-$kver" "$out/vmlinux"
	mv "$tmp/dbg/usr/lib/debug/boot/System.map-$kver" "$out/System.map"
	version "$k_deb" >"$out/.vmlinux"
	rm -rf "$tmp/dbg" "${dbg_deb%/*}"
fi

# --- initramfs ---
bb_deb=$(fetch busybox-static:riscv64)
dpkg-deb -x "$bb_deb" "$tmp/bb"
bb=$(compgen -G "$tmp/bb/usr/bin/busybox" || compgen -G "$tmp/bb/bin/busybox") # trixie: /usr/bin

# Modules for gemutest=blk with what they depend on (the depends= of each
# .ko's .modinfo; the package has no modules.dep), dependencies first;
# built-in ones (modules.builtin) need nothing.
mods=()
addmod() {
	local name=${1//-/_} f dep
	[[ " ${mods[*]-} " != *" $name "* ]] || return 0
	grep -q -E "/${name//_/[-_]}\.ko\$" "$out/modules/$kver/modules.builtin" && return 0
	f=$(grep -E "/${name//_/[-_]}\.ko\$" "$out/modules/$kver/modules.order" | head -n1)
	[[ -n $f ]] || { echo "system-image: no module $name" >&2; exit 1; }
	f=$(compgen -G "$out/modules/$kver/$f*" | head -n1)
	case $f in
	*.xz) xz -dc "$f" ;;
	*.zst) zstd -qdc "$f" ;;
	*.gz) gzip -dc "$f" ;;
	*) cat "$f" ;;
	esac >"$tmp/$name.ko"
	for dep in $(tr '\0' '\n' <"$tmp/$name.ko" | sed -n 's/^depends=//p' | tr , ' '); do addmod "$dep"; done
	mods+=("$name")
}
for m in virtio_mmio virtio_blk virtio_net virtio-rng; do addmod "$m"; done

# A newc cpio written here (no cpio(1), no root for /dev/console): uid/gid
# 0, mtime 0, inode numbers in order.
ino=0
pad4() { head -c $(((4 - $1 % 4) % 4)) /dev/zero; }
hdr() { # NAME MODE SIZE [NLINK [RDEVMAJOR RDEVMINOR]]
	ino=$((ino + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$ino" "$2" 0 0 "${4:-1}" 0 "$3" 0 0 "${5:-0}" "${6:-0}" $((${#1} + 1)) 0
	printf '%s\0' "$1"
	pad4 $((110 + ${#1} + 1))
}
dir() { hdr "$1" $((8#040755)) 0 2; }
reg() { # NAME MODE PATH
	local size
	size=$(stat -c %s "$3")
	hdr "$1" "$2" "$size"
	cat "$3"
	pad4 "$size"
}
symlink() { hdr "$1" $((8#0120777)) ${#2}; printf '%s' "$2"; pad4 ${#2}; }
printf '%s\n' "${mods[@]}" >"$tmp/modlist"
{
	for d in bin sbin usr usr/bin usr/sbin dev proc sys tmp etc root modules; do dir "$d"; done
	hdr dev/console $((8#020600)) 0 1 5 1
	reg bin/busybox $((8#0100755)) "$bb"
	symlink bin/sh busybox
	reg init $((8#0100755)) "$here/init.sh"
	reg modules/list $((8#0100644)) "$tmp/modlist"
	for m in "${mods[@]}"; do reg "modules/$m.ko" $((8#0100644)) "$tmp/$m.ko"; done
	hdr 'TRAILER!!!' 0 0
} | gzip -n -9 >"$tmp/initrd.cpio.gz"
mv "$tmp/initrd.cpio.gz" "$out/"

# --- disk ---
printf 'gemu-disk-marker\n' >"$tmp/disk.img"
truncate -s 1M "$tmp/disk.img"
mv "$tmp/disk.img" "$out/"

{
	echo "mirror: $mirror"
	for d in "$sbi_deb" "$k_deb" "$bb_deb"; do
		echo "package: $(dpkg-deb -f "$d" Package):$(dpkg-deb -f "$d" Architecture) $(version "$d")"
	done
	echo "kernel: $kver"
	echo "initrd modules: ${mods[*]-}"
	cd "$out"
	sha256sum "${outputs[@]}"
} >"$tmp/manifest.txt"
mv "$tmp/manifest.txt" "$out/"
echo "$stamp" >"$out/.stamp"
say "done: $out"
