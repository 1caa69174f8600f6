#!/usr/bin/env bash
# tests/conformance/run.sh: Go's own standard-library tests as a measure
# of gemu's Linux personality. Each package's test binary is built from
# the installed GOROOT for linux/amd64 (native reference) and for each
# guest (linux/arm64, linux/riscv64, freebsd/arm64: Go has no
# freebsd/riscv64 port), run in the package's source
# directory with -test.short, natively and under gemu, and a table says
# which pass. A package that passes natively must pass under gemu.
#
# Environment:
#   CONF_ARCHES     guests (default "aarch64 riscv64 freebsd-aarch64")
#   CONF_PACKAGES   packages (default: the list below)
#   CONF_TIMEOUT    per-run limit (default 600s)
#   GEMU            emulator (default bin/gemu)
#   CONF_BINFMT     1 (default): register gemu with binfmt_misc for the
#                   guests while the tests run (needs root) and remove the
#                   entries at the end, so that native programs a test
#                   runs (nohup, sh -c) can exec the foreign test binary,
#                   as on a machine where gemu is installed; 0: do not
# Exit status 1 when a natively passing package fails under gemu.
set -uo pipefail
cd "$(dirname "$0")/../.."

arches=${CONF_ARCHES:-aarch64 riscv64 freebsd-aarch64}
packages=${CONF_PACKAGES:-os os/exec os/signal syscall sync sync/atomic time context io bufio runtime \
io/fs path/filepath net net/http net/netip os/user archive/tar mime/multipart}
timeout=${CONF_TIMEOUT:-600s}
gemu=$(realpath "${GEMU:-bin/gemu}")
goroot=$(go env GOROOT)
work=$(mktemp -d)

# ELF e_machine of each guest (Linux include/uapi/linux/elf-em.h)
declare -A machine=([aarch64]='\xb7\x00' [riscv64]='\xf3\x00')
binfmt_dir=/proc/sys/fs/binfmt_misc
registered=()

# binfmt_on ARCH: gemu for static and PIE 64-bit little-endian ELF
# executables of ARCH (F: the interpreter is opened now).
binfmt_on() {
	local name=gemu-conformance-$1
	[[ -w $binfmt_dir/register ]] || mount -t binfmt_misc binfmt_misc "$binfmt_dir" 2>/dev/null || return 1
	[[ -e $binfmt_dir/$name ]] && return 0
	local magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00'${machine[$1]}
	local mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
	printf ':%s:M::%s:%s:%s:F' "$name" "$magic" "$mask" "$gemu" >"$binfmt_dir/register" 2>/dev/null && registered+=("$name")
}

cleanup() {
	local n
	for n in "${registered[@]}"; do echo -1 >"$binfmt_dir/$n"; done
	rm -rf "$work"
}
trap cleanup EXIT
if [[ ${CONF_BINFMT:-1} == 1 ]]; then
	# A FreeBSD guest's entry is its CPU's: the magic leaves EI_OSABI out.
	for a in $arches; do binfmt_on "${a#freebsd-}" || echo "conformance: no binfmt_misc entry for $a (not root?)" >&2; done
fi

goarch() { case ${1#freebsd-} in aarch64) echo arm64 ;; riscv64) echo riscv64 ;; x86_64) echo amd64 ;; esac; }
goos() { case $1 in freebsd-*) echo freebsd ;; *) echo linux ;; esac; }

# build ARCH PKG: the test binary's path, or "" if it does not build.
build() {
	local out=$work/$1/${2//\//_}.test
	mkdir -p "$work/$1"
	if CGO_ENABLED=0 GOOS=$(goos "$1") GOARCH=$(goarch "$1") go test -c -o "$out" "$2" >"$out.build.log" 2>&1; then
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
	header+=$(printf ' | %-20s' "gemu $a")
	line+=" | --------------------"
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
			row+=$(printf ' | %-20s' "no build")
			continue
		fi
		# The go command some tests run (go build of helper programs, go list
		# -export) is the host's and builds for amd64: runtime's helpers then
		# run natively, and its TestAtomicAlignment type-checks arm64 sources
		# against amd64 export data. GOARCH=<guest> fixes the latter but makes
		# runtime run for longer than CONF_TIMEOUT, so it is not set.
		gres=$(runit "$pkg" "$gbin.log" "$gemu" "$gbin")
		row+=$(printf ' | %-20s' "$gres")
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
