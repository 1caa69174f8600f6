#!/usr/bin/env bash
# tests/busybox.sh fetch: put Debian's busybox-static for arm64 (the guest)
# and amd64 (the native reference) in tests/build/busybox/<arch>/bin/busybox,
# both of the same package version. Quiet and quick when already there;
# otherwise adds the arm64 dpkg architecture, runs apt-get update if needed,
# `apt-get download`s the two .debs into tests/build/debs and `dpkg -x`es
# them. Needs root or sudo only for dpkg --add-architecture and apt-get update.
set -euo pipefail
SELF=$(realpath "$0")
cd "$(dirname "$SELF")/.."

PKG=busybox-static
ARCHS=(arm64 amd64)
DEBS=tests/build/debs
OUT=tests/build/busybox

die() { echo "busybox: $*" >&2; exit 1; }

# version ARCH: the version recorded by the last extraction, or "".
version() { cat "$OUT/$1/VERSION" 2>/dev/null || true; }

have() {
	local a v=""
	for a in "${ARCHS[@]}"; do
		[[ -x $OUT/$a/bin/busybox && -n $(version "$a") ]] || return 1
		[[ -z $v || $v == "$(version "$a")" ]] || return 1
		v=$(version "$a")
	done
}

as_root() {
	if [[ $(id -u) -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root or sudo for: $*"
	fi
}

# candidate ARCH: the version apt would download for PKG:ARCH, or "".
candidate() {
	apt-cache policy "$PKG:$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

# deb ARCH VERSION: the cached .deb of PKG VERSION for ARCH, or "".
deb() {
	local f
	for f in "$DEBS/${PKG}_"*"_$1.deb"; do
		[[ -f $f && $(dpkg-deb -f "$f" Version) == "$2" ]] && { echo "$f"; return; }
	done
}

fetch() {
	have && return 0
	command -v apt-get >/dev/null 2>&1 || die "apt-get not available: install $PKG:arm64 and :amd64 by hand into $OUT"
	if [[ $(dpkg --print-architecture) != arm64 ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
		echo "busybox: dpkg --add-architecture arm64"
		as_root dpkg --add-architecture arm64
	fi
	local a
	for a in "${ARCHS[@]}"; do
		if [[ -z $(candidate "$a") ]]; then
			echo "busybox: apt-get update"
			as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
			export BUSYBOX_UPDATED=1
			break
		fi
	done
	# Both arches must be the same package version, so the two runs are of
	# the same busybox source and configuration.
	local v vb
	v=$(candidate arm64) vb=$(candidate amd64)
	[[ -n $v && -n $vb ]] || die "no candidate for $PKG:arm64 ($v) or $PKG:amd64 ($vb)"
	[[ $v == "$vb" ]] ||
		die "version mismatch: $PKG:arm64 $v, $PKG:amd64 $vb (both must be the same; run apt-get update, or wait for the mirror to sync)"

	mkdir -p "$DEBS"
	local want=()
	for a in "${ARCHS[@]}"; do
		[[ -n $(deb "$a" "$v") ]] || want+=("$PKG:$a=$v")
	done
	if [[ ${#want[@]} -gt 0 ]]; then
		echo "busybox: downloading ${want[*]}"
		# As root apt would warn that user _apt cannot write the directory.
		local sandbox=()
		[[ $(id -u) -eq 0 ]] && sandbox=(-o APT::Sandbox::User=root)
		if ! (cd "$DEBS" && apt-get download -qq "${sandbox[@]}" "${want[@]}" </dev/null >/dev/null); then
			# Stale package lists name a version the mirror dropped: update once.
			[[ -z ${BUSYBOX_UPDATED:-} ]] || die "apt-get download ${want[*]} failed"
			as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
			BUSYBOX_UPDATED=1 exec "$SELF" fetch
		fi
	fi
	for a in "${ARCHS[@]}"; do
		local d
		d=$(deb "$a" "$v")
		[[ -n $d ]] || die "no $PKG $v .deb for $a in $DEBS after apt-get download"
		rm -rf "$OUT/$a"
		mkdir -p "$OUT/$a"
		dpkg -x "$d" "$OUT/$a"
		[[ -x $OUT/$a/bin/busybox ]] || die "$d has no bin/busybox"
		echo "$v" >"$OUT/$a/VERSION"
	done
	have || die "extraction did not give matching versions: arm64 $(version arm64), amd64 $(version amd64)"
}

case "${1:-}" in
fetch) fetch ;;
*) die "usage: $0 fetch" ;;
esac
