#!/usr/bin/env bash
# tests/busybox/applets.sh BUSYBOX...: run busybox applets, each as its own
# process of "BUSYBOX... APPLET ARGS", in a fresh temp dir, and print
# deterministic output: one "== NAME" section per check, the applet's stdout
# and stderr, then "-- exit N". The arguments are the command prefix, e.g.
#   tests/busybox/applets.sh tests/build/busybox/amd64/bin/busybox
#   tests/busybox/applets.sh bin/gemu tests/build/busybox/arm64/bin/busybox
# Inputs are generated here by bash; listings are sorted, times fixed.
# $BB_ONLY (space separated section names) runs only those sections.
set -uo pipefail
export LC_ALL=C TZ=UTC
umask 022

[[ $# -gt 0 ]] || { echo "usage: $0 BUSYBOX-COMMAND..." >&2; exit 2; }
BB=()
for a in "$@"; do # make relative paths absolute: we cd to the temp dir
	[[ $a == */* && -e $a ]] && a=$(realpath "$a")
	BB+=("$a")
done
bb() { "${BB[@]}" "$@"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bbapplets.XXXXXX") || exit 2
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
cd "$WORK" || exit 2
exec 2>&1 # applets' error messages are part of the output

# sec NAME: start a section (false when $BB_ONLY excludes it).
sec() {
	if [[ -n ${BB_ONLY:-} && " $BB_ONLY " != *" $1 "* ]]; then return 1; fi
	echo "== $1"
}
# st: print the exit status of the last pipeline (every stage's).
st() { echo "-- exit ${PIPESTATUS[*]}"; }

# --- fixed inputs --------------------------------------------------------
words=(delta alpha charlie bravo echo alpha foxtrot golf delta hotel india
	juliet kilo alpha lima mike november oscar papa quebec romeo echo)
printf '%s\n' "${words[@]}" >words.txt
for i in $(seq 1 200); do # numbers, names, values: a small table
	printf '%d:%s:%d\n' $(((i * 7919) % 1009)) "${words[i % ${#words[@]}]}" $(((i * i) % 97))
done >table.txt
{ # ~300 KiB of compressible but not trivial text
	for i in $(seq 1 4000); do
		printf 'line %05d %s %x %s\n' $i "${words[i % 22]}" $((i * 2654435761 % 4294967296)) "${words[(i * 7) % 22]}"
	done
} >big.txt
printf 'The quick brown fox\njumps over\tthe lazy dog.\n\n123 456 7890\nCaMeL cAsE\n' >text.txt
printf '\x00\x01\x02\x7f\x80\xfe\xffABCabc\n\t\\ end' >bin.dat

# --- text applets --------------------------------------------------------
if sec sort; then
	bb sort words.txt; st
	bb sort -u -r words.txt; st
	bb sort -t: -k1,1n -k3,3nr table.txt | bb head -n 12; st
	bb sort -t: -k2,2 -k1,1n -s table.txt | bb tail -n 5; st
	printf '10\n9\n-3\n1e2\n0x10\n 7\n' | bb sort -n; st
	bb sort -c words.txt; st
fi
if sec uniq; then
	bb sort words.txt | bb uniq -c; st
	bb sort words.txt | bb uniq -d; st
	bb sort words.txt | bb uniq -u | bb wc -l; st
fi
if sec awk; then
	bb awk -F: '{ s[$2] += $3; n[$2]++ } END { for (k in s) printf "%s %d %d %.3f\n", k, n[k], s[k], s[k] / n[k] }' table.txt | bb sort; st
	# Debian's busybox-static awk has no math support (no sqrt, ^): a
	# "not compiled in" error is the expected output.
	bb awk 'BEGIN { printf "%.6f %d %g\n", 2 / 3, int(-7.9), 1e300 * 10; print 7 % 3, -7 % 3, 0.1 + 0.2, 1e17, 2 / 3 }'; st
	bb awk 'BEGIN { srand(1); print rand(), int(rand() * 1000); print sqrt(2) }'; st
	bb awk 'BEGIN { x = "a,b,,c"; n = split(x, p, ","); for (i = 1; i <= n; i++) printf "[%s]", p[i]; print ""; print length(x), index(x, ",c"), substr(x, 3, 3), toupper(x) }'; st
	bb awk 'NR % 500 == 0 { gsub(/[aeiou]/, "_"); print NR": "$0 }' big.txt; st
	bb awk 'BEGIN { for (i = 0; i < 5; i++) print i * 1.5, i % 3, -i / 4; exit 3 }'; st
	printf '3 4\n5 12\n' | bb awk '{ printf "%s %g %o %x %c|\n", $0, ($1*$1+$2*$2) / 7, $2, $2 * 255, 65 + $1 }'; st
fi
if sec sed; then
	bb sed -e 's/a/A/g' -e '/^d/d' -e '3q' words.txt; st
	bb sed -n '/quick/,/^$/p' text.txt; st
	bb sed -E 's/([a-z]+) ([a-z]+)/\2 \1/; y/abc/XYZ/' text.txt; st
	bb sed -n '1h; 1!H; ${ x; s/\n/,/g; p }' words.txt; st
	bb sed '/[05]7 /!d; s/^line \(0*\)\([0-9]*\)/L\2 (\1)/' big.txt | bb head -n 4; st
	cp words.txt ed.txt; bb sed -i -e '1i\
first' -e '$a\
last' -e 's/echo/ECHO/' ed.txt; st; cat ed.txt
fi
if sec grep; then
	bb grep -E 'a(l|r)[a-z]+' words.txt; st
	bb grep -E -c '^(alpha|delta)$' words.txt; st
	bb grep -E -n -v '[aeiou]{1}[a-z]*o$' words.txt | bb head -n 5; st
	bb grep -E -o '[0-9]+' text.txt; st
	bb grep -E -i 'camel|LAZY' text.txt; st
	bb grep -E -w 'e[a-z]+o' big.txt | bb wc -l; st
	bb grep -E 'zzz' words.txt; st
	bb grep -F -x -e kilo -e lima words.txt; st
fi
if sec wc; then
	bb wc words.txt table.txt big.txt text.txt bin.dat; st
	bb wc -l <big.txt; st
	bb wc -w -c text.txt; st
fi
if sec md5sum; then
	bb md5sum words.txt table.txt big.txt bin.dat; st
	bb md5sum words.txt big.txt >sums.md5; bb md5sum -c sums.md5; st
	printf '' | bb md5sum; st
fi
if sec sha256sum; then
	bb sha256sum words.txt table.txt big.txt bin.dat; st
	bb sha1sum big.txt; st
	bb sha512sum bin.dat; st
	bb sha3sum big.txt; st
	bb sha256sum big.txt >sums.sha; bb sha256sum -c sums.sha; st
fi
if sec gzip; then
	bb gzip -9 -c <big.txt >big.gz; st
	bb md5sum <big.gz; st
	bb gzip -1 -c <table.txt | bb gunzip -c | cmp - table.txt; st
	cp big.txt g.txt; bb gzip g.txt; st; ls g.txt* 2>&1
	bb gunzip g.txt.gz; st; cmp g.txt big.txt && echo same
	bb gzip -t big.gz; st
	printf 'not gzip' | bb gunzip -c; st
	bb zcat big.gz | bb tail -n 2; st
fi
if sec bzip2; then
	bb bzip2 -c <big.txt >big.bz2; st
	bb md5sum <big.bz2; st
	bb bunzip2 -c big.bz2 | cmp - big.txt; st
	cp table.txt b.txt; bb bzip2 b.txt; st; bb bzcat b.txt.bz2 | bb md5sum; st
	bb bunzip2 b.txt.bz2; st; cmp b.txt table.txt && echo same
fi
if sec tar; then
	mkdir -p tree/sub/deep tree/empty
	cp words.txt tree/; cp bin.dat tree/sub/; printf 'x\n' >tree/sub/deep/x
	ln -s words.txt tree/link; ln -s ../words.txt tree/sub/uplink
	ln -s /nonexistent/target tree/dangling; chmod 640 tree/sub/bin.dat
	bb touch -h -d '2001-02-03 04:05:06' tree/link tree/sub/deep/x; st
	bb tar -cf t.tar tree; st
	bb tar -tf t.tar | sort; st
	bb tar -tvf t.tar tree/link tree/sub/deep/x | sed -E 's/ +/ /g; s/^([^ ]+) [^ ]+/\1 OWNER/'; st
	mkdir out; bb tar -xf t.tar -C out; st
	(cd out/tree && find . -printf '%p %y %m %l\n' | sort)
	cmp out/tree/sub/bin.dat tree/sub/bin.dat && echo bin-same
	bb tar -czf t.tgz -C tree sub link; st
	mkdir out2; bb tar -xzf t.tgz -C out2; st; (cd out2 && find . | sort)
	bb tar -xf t.tar -O tree/sub/deep/x tree/words.txt | bb wc -l; st
fi
if sec find; then
	mkdir -p ft/a/b ft/c; : >ft/a/one.txt; printf 12345 >ft/a/b/two.txt
	printf 1 >ft/c/three.dat; ln -s a/one.txt ft/lnk
	bb find ft | sort; st
	bb find ft -type f -name '*.txt' | sort; st
	bb find ft -type l; st
	bb find ft -size +2c -type f; st
	bb find ft -mindepth 2 -type d | sort; st
	bb find ft -name '*.dat' -exec echo found {} \; ; st
	bb find ft -empty | sort; st
	bb find ft/nope; st
fi
if sec stat; then
	mkdir -p sdir; printf 'abc' >sdir/f; chmod 604 sdir/f; ln -s f sdir/l
	bb stat -c '%n %s %F %a %A %h' sdir/f sdir/l; st
	bb stat -c '%n %F %a %A' sdir; st
	bb stat -L -c '%n %s %F %a' sdir/l; st
	bb stat -c '%N' sdir/l; st
	bb stat -c '%s' sdir/missing; st
fi

# --- calculators and formatting -------------------------------------------
if sec expr; then
	set -f # the expressions have * and ( in them
	for e in '3 + 4 * 5' '( 3 + 4 ) * 5' '17 / 5' '-17 % 5' '9223372036854775807 + 0' \
		'abc < abd' '0 | 0' '0 & 5' 'length hello' 'substr abcdef 2 3' \
		'index hello l' 'foo123 : [a-z]*' 'foobar : .*\(b.*\)' '4 = 4' '1 / 0'; do
		# shellcheck disable=SC2086 # word splitting is the point
		echo "expr $e => $(bb expr $e 2>&1; echo " [$?]")"
	done
	set +f
fi
if sec date; then
	for n in 0 1234567890 2147483647 4102444800 -86400; do
		bb date -u -d @$n '+%Y-%m-%d %H:%M:%S %a %b %j %U %u %s'; st
	done
	bb date -u -d '2024-02-29 12:34:56' '+%s %A'; st
	bb date -u -d @1000000000 -R; st
	bb date -u -d @1700000000; st
fi
if sec printf; then
	bb printf '%d|%5d|%-5d|%05d|%+d|%x|%X|%o|%#x\n' 42 42 42 42 42 255 255 8 255; st
	bb printf '%s|%10s|%-10s|%.2s|%c\n' hello right left truncate xyz; st
	bb printf '%f|%.2f|%10.3f|%e|%g|%g|%g\n' 3.14159 2.675 -1.5 12345.678 0.0001 1e20 100; st
	bb printf '%b|%q\n' 'tab\there\\n\101' 'a b' 2>&1; st
	bb printf '%d %d\n' 1 2 3 4 5; st
	bb printf '%d\n' 9223372036854775807 -9223372036854775808 0x7f 077 "'A"; st
	bb printf '%d\n' notanumber; st
fi
if sec tr; then
	bb tr a-z A-Z <text.txt; st
	bb tr -d 'aeiou\n' <words.txt; echo; st
	bb tr -s ' a-z' <text.txt; st
	bb tr -c -d '0-9\n' <text.txt; st
	bb tr '[:lower:][:digit:]' '[:upper:]#' <text.txt; st
fi
if sec od; then
	bb od -A x -t x1 bin.dat; st
	bb od -c bin.dat; st
	bb od -A d -t d2 -N 8 bin.dat; st
	bb od -t o4 -v text.txt | bb head -n 3; st
fi
if sec hexdump; then
	bb hexdump -C bin.dat; st
	bb hexdump -C -s 4 -n 20 text.txt; st
	bb hexdump -e '4/1 "%02x " "\n"' bin.dat; st
	bb xxd bin.dat; st
fi
if sec factor; then
	bb factor 1 2 3 4 60 97 1001 65536 999999937 4294967297 600851475143; st
	bb factor 18446744073709551615 18446744073709551557 9223372036854775807; st
	echo 12345678901 | bb factor; st
fi
if sec dc; then
	bb dc -e '2 64 ^ p'; st
	bb dc -e '10 k 2 v p 1 3 / p'; st
	bb dc -e '17 5 % p 17 5 / p 2 10 ^ 1 - p'; st
	bb dc -e '16 o 255 p 8 o 64 p'; st
	echo '1 2 3 + + p f' | bb dc; st
fi

# --- more applets ---------------------------------------------------------
if sec cut-paste; then
	bb cut -d: -f2,3 table.txt | bb head -n 3; st
	bb cut -c 6-10,20- big.txt | bb tail -n 2; st
	bb paste -d, words.txt words.txt | bb head -n 2; st
	bb paste -s -d' ' words.txt; st
	bb head -c 25 big.txt; echo; st
	bb tail -c 30 big.txt; st
	bb rev text.txt; st
	bb nl -b a -w 3 text.txt; st
	bb seq -w 8 3 30 | bb fold -w 9; st
	bb seq -s, 1.5 0.25 3; st
	bb expand -t 4 text.txt | bb unexpand -a -t 4 | bb od -c | bb tail -n 3; st
fi
if sec encode; then
	bb base64 bin.dat; st
	bb base64 big.txt | bb base64 -d | cmp - big.txt && echo b64-same; st
	bb uuencode -m name <bin.dat | bb uudecode -o uu.out; st; cmp uu.out bin.dat && echo uu-same
	bb crc32 big.txt; st
	bb xxd -p bin.dat | bb xxd -r -p | cmp - bin.dat && echo xxd-same; st
fi
if sec diff-cmp; then
	bb sed 's/echo/ECHO/; 7d' words.txt >w2.txt
	bb diff -u -L old -L new words.txt w2.txt; st
	bb cmp words.txt w2.txt; st
	bb cmp -l bin.dat bin.dat; st
	printf '1\n2\n3\n' >p1; printf '1\n2\nthree\n4\n' >p2
	bb diff -L a -L b -u p1 p2 >p.diff; st; bb patch p1 <p.diff; st; cmp p1 p2 && echo patched
fi
if sec dd; then
	bb dd if=big.txt of=dd.out bs=1000 skip=3 count=5 conv=swab,notrunc 2>&1 | bb grep -v copied; st
	bb md5sum dd.out; st
	bb dd if=bin.dat bs=3 count=2 2>/dev/null | bb od -A n -t x1; st
	bb truncate -s 12345 tr.bin; st; bb stat -c '%n %s' tr.bin
fi
if sec bc; then
	echo 'scale=30; 4*a(1); sqrt(2); 2^100; e(1); l(10); s(1)+c(1)' | bb bc -l; st
	echo 'define f(n) { if (n < 2) return n; return f(n-1) + f(n-2) }; f(20); obase=16; 255; ibase=2; 1010' | bb bc; st
	echo '1/0' | bb bc; st
fi
if sec xz; then
	# xz -9 of the 80 lines "xz line I I*I" (md5 c2673767690346561c61ed46479efe8c):
	# busybox only decompresses xz.
	base64 -d >s.xz <<'XZ'
/Td6WFoAAATm1rRGAgAhARwAAAAQz1jM4ATLAS5dADwegAXB4BYyPAv/LmY7wZBdp3S2B5LHc4wG
El3ysXW0NByPv/X51kmu1lQM/i+Rwl/E/3CYt345YZQ79OBlCrNKjxcRuA9MlLiDMZ8d1hgnFwo+
ioxbBwKjvwH45v0U0Vlhh8O9n5vb4a4vE9Jv3/9iBigtCrtsQBz1ohmVZXb6Whrx8rHJqJ81Di5t
mogJMoTO4HhXLMmLg9X5y13FnkfRLdu1rgKXMbp/cLUhR3v4FaI/LhAOJftepFrdakUe6yPLMQKl
oYbyXU1s13+qaq3OFIU/+KZA7KceEEfkxJi2Gfw5CXebSP4591V0sOYYu72N6sR7g4bSQw2G5yhw
pOoagEHfmCK75EBh/YT1e/sIx0SDzZV5JHOE0XqQNGNDQVd+CU1CGG0z7ct9TzgAAAAAOhIGtkFF
+qoAAcoCzAkAAF7QrDqxxGf7AgAAAAAEWVo=
XZ
	bb unxz -c s.xz | bb md5sum; st
	bb xzcat s.xz | bb tail -n 1; st
	head -c 100 s.xz | bb unxz -c | bb wc -l; st
fi
if sec cpio-ls; then
	mkdir -p cp/d; printf abc >cp/d/f; ln -s d/f cp/l; printf 12 >cp/g
	(cd cp && find . | sort | bb cpio -o -H newc >../a.cpio); st
	bb cpio -t <a.cpio; st
	mkdir cpo; (cd cpo && bb cpio -i -d <../a.cpio); st; (cd cpo && find . -printf '%p %y %l\n' -type f -printf '%p %s\n' | sort)
	bb ls -1 cp; st
	bb ls -1ApF cp cp/d; st
	bb ls -ln cp/d/f | sed -E 's/ +/ /g; s/ [0-9]+ [0-9]+ / U G /; s/ [A-Z][a-z][a-z] [ 0-9:]+ / DATE /'; st
	bb ls -1S cp; st
fi
if sec misc; then
	bb basename /a/b/c.txt .txt; bb dirname /a/b/c.txt; st
	bb readlink cp/l; st
	bb echo -e 'a\tb\x41\0101'; st
	bb test 3 -lt 10 -a -n x; st
	bb [ abc = abd ]; st
	bb true; st; bb false; st
	bb yes abc | bb head -n 3; st
	bb seq 1000 | bb tac | bb tail -n 2; st
	printf 'a b\nc d e\n' | bb xargs -n 2 echo; st
	bb sleep 0.05; st
	printf 'x\r\ny\r\n' | bb dos2unix | bb od -c; st
fi
# exec: applets that execve another applet (busybox execs /proc/self/exe).
if sec exec; then
	bb env -i A=1 B=2 env; st
	bb sh -c 'exec env -i X=1 env'; st
	bb timeout 5 sh -c 'echo in-timeout; exit 4'; st
	bb env true; st
fi

# --- the shell ------------------------------------------------------------
# sh-builtins needs no fork; sh-fork uses command substitution, pipelines,
# subshells and external applets (fork + exec of /proc/self/exe).
if sec sh-builtins; then
	bb sh -c '
		fib() { local a=0 b=1 i=0 t; while [ $i -lt "$1" ]; do t=$((a + b)); a=$b; b=$t; i=$((i + 1)); done; echo "fib($1)=$a"; }
		for n in 1 10 50 90; do fib $n; done
		x=0; for i in 1 2 3 4 5 6 7 8 9 10; do x=$((x + i * i)); done; echo "sumsq=$x"
		echo "arith: $((7 / 2)) $((-7 % 3)) $((1 << 40)) $((0x1f ^ 5)) $((3 > 2 && 1)) $((9223372036854775807 + 1))"
		s="path/to/file.tar.gz"; echo "${s##*/} ${s%%.*} ${s#*/} ${s%.*} ${#s}"
		set -- one "two three" four; echo "$# [$2]"; shift; echo "$*"
		case "$s" in *.gz) echo gz;; *) echo other;; esac
		i=0; until [ $i -ge 3 ]; do printf "u%d " $i; i=$((i + 1)); done; echo
		while read -r a b; do echo "read [$a] [$b]"; done <<EOF
first line
second  line here
EOF
		f() { return 4; }; f; echo "ret=$?"
		test -d / && [ abc != abd ] && echo tests-ok
		exit 5'; st
	bb sh -c '
		trap "echo got-usr1" USR1; kill -USR1 $$; echo after
		while getopts "ab:c" o -x -b val -c; do echo "opt $o ${OPTARG:-}"; done
		v=${unset:-default}; echo "$v ${#v} $(( (1 << 63) - 1 )) $(( -5 / 2 )) $(( 5 % -3 ))"
		for f in wor*.txt; do echo "glob $f"; done
		trap "echo on-exit" EXIT; kill -TERM $$; echo not-reached'; st
fi
if sec sh-fork; then
	bb sh -c '
		sq() { echo $(($1 * $1)); }
		x=$(sq 12); echo "cmdsub=$x"
		n=$(printf "%s\n" a b c | wc -l); echo "lines=$n"
		y=$(for i in 1 2 3; do echo -n "$i."; done); echo "loop=$y"
		(cd / && echo "subshell pwd=$(pwd)"); echo "outer=$(basename "$(dirname "$PWD/sdir/f")")"
		echo "nested=$(echo $(echo inner))"
		echo abc | tr a-c x-z
		seq 5 | sort -rn | head -n 2
		false | true; echo "pipe=$?"
		(exit 3); echo "sub=$?"
		v=$(exit 6); echo "cs=$?"'; st
fi
# sh-path: the commands of a script are busybox applets found through PATH
# symlinks, each its own exec of the (foreign, under gemu) busybox binary.
if sec sh-path; then
	mkdir -p pbin
	for a in sort uniq tr wc head seq cat expr sh; do ln -sf "${BB[${#BB[@]}-1]}" "pbin/$a"; done
	bb env PATH="$WORK/pbin" sh -c '
		echo "sort is $(command -v sort)"
		seq 1 20 | sort -rn | head -n 3 | tr "\n" " "; echo
		n=$(cat words.txt | sort | uniq | wc -l); echo "distinct words: $n"
		expr 6 \* 7
		sh -c "exit 5"; echo "child status $?"
		cat /nonexistent 2>/dev/null; echo "cat status $?"
		echo "$(echo nested | tr a-z A-Z)"
		./pbin/wc -c words.txt; echo "path exec status $?"'; st
fi
# loop (#20): a loop device as image builders use one: losetup on a free
# device, mke2fs on it, mount -o loop of the image, a file through it,
# umount -d. Needs root and /dev/loop-control (the loopdev e2e case fails in
# CI without them); another process may take a free device first, so
# losetup is retried (its complaint about the lost race is not output).
if sec loop; then
	bb dd if=/dev/zero of=disk.img bs=1024 count=2048 2>/dev/null
	dev=
	for i in $(seq 1 20); do
		d=$(bb losetup -f) && bb losetup "$d" disk.img 2>/dev/null && dev=$d && break
	done
	echo "losetup: ${dev:+a device}"
	bb losetup "$dev" | sed "s|^$dev:|LOOP:|"
	bb mke2fs -q "$dev" >/dev/null; st
	bb losetup -d "$dev"; st
	mkdir mnt
	bb mount -o loop disk.img mnt; st
	echo "through the loop device" >mnt/file
	bb cat mnt/file
	bb ls mnt
	bb umount -d mnt; st
	bb mount -o loop,ro disk.img mnt; st
	bb cat mnt/file
	bb umount -d mnt; st
fi
exit 0
