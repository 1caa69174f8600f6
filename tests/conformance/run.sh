#!/usr/bin/env bash
# tests/conformance/run.sh: Go's own standard-library tests as a measure
# of gemu's Linux personality. Each package's test binary is built from
# the installed GOROOT for linux/amd64 (native reference) and for each
# guest (linux/arm64, linux/riscv64), run in the package's source
# directory with -test.short, natively and under gemu, and a table says
# which pass. A package that passes natively must pass under gemu.
#
# Environment:
#   CONF_ARCHES     guests (default "aarch64 riscv64")
#   CONF_PACKAGES   packages (default: the list below)
#   CONF_TIMEOUT    per-run limit (default 600s)
#   GEMU            emulator (default bin/gemu)
# Exit status 1 when a natively passing package fails under gemu.
set -uo pipefail
cd "$(dirname "$0")/../.."

arches=${CONF_ARCHES:-aarch64 riscv64}
packages=${CONF_PACKAGES:-os os/exec os/signal syscall sync sync/atomic time context io bufio runtime \
io/fs path/filepath net net/http net/netip os/user archive/tar mime/multipart}
timeout=${CONF_TIMEOUT:-600s}
gemu=$(realpath "${GEMU:-bin/gemu}")
goroot=$(go env GOROOT)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

goarch() { case $1 in aarch64) echo arm64 ;; riscv64) echo riscv64 ;; x86_64) echo amd64 ;; esac; }

# build ARCH PKG: the test binary's path, or "" if it does not build.
build() {
	local out=$work/$1/${2//\//_}.test
	mkdir -p "$work/$1"
	if CGO_ENABLED=0 GOOS=linux GOARCH=$(goarch "$1") go test -c -o "$out" "$2" >"$out.build.log" 2>&1; then
		echo "$out"
	fi
}

# runit PKG CMD...: runs a test binary in the package directory; prints
# PASS, FAIL or TIMEOUT and the wall time.
runit() {
	local pkg=$1 log=$2
	shift 2
	local start=$EPOCHREALTIME status
	(cd "$goroot/src/$pkg" && timeout "$timeout" "$@" -test.short -test.timeout="$timeout" >"$log" 2>&1)
	status=$?
	local secs
	secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	case $status in
	0) echo "PASS ${secs}s" ;;
	124) echo "TIMEOUT ${secs}s" ;;
	*) echo "FAIL ${secs}s" ;;
	esac
}

fmt='%-16s | %-14s'
header=$(printf "$fmt" package native)
line=$(printf "$fmt" ---------------- --------------)
for a in $arches; do
	header+=$(printf ' | %-16s' "gemu $a")
	line+=" | ----------------"
done
echo "$header"
echo "$line"
bad=0
for pkg in $packages; do
	nbin=$(build x86_64 "$pkg")
	if [[ -z $nbin ]]; then
		printf "$fmt | build failed\n" "$pkg" ""
		continue
	fi
	nres=$(runit "$pkg" "$nbin.log" "$nbin")
	row=$(printf "$fmt" "$pkg" "$nres")
	for a in $arches; do
		gbin=$(build "$a" "$pkg")
		if [[ -z $gbin ]]; then
			row+=$(printf ' | %-16s' "no build")
			continue
		fi
		gres=$(runit "$pkg" "$gbin.log" "$gemu" "$gbin")
		row+=$(printf ' | %-16s' "$gres")
		if [[ $nres == PASS* && $gres != PASS* ]]; then
			bad=1
			mkdir -p tests/build/conformance
			cp "$gbin.log" "tests/build/conformance/${pkg//\//_}.$a.log"
		fi
	done
	echo "$row"
done
if ((bad)); then
	echo "conformance: packages that pass natively fail under gemu; logs in tests/build/conformance/"
	exit 1
fi
