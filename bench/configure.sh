# configure.sh: gemu's configure-like shell benchmark (bench/run.sh
# "configure"), run by busybox sh: each round spawns applets as a configure
# script spawns tools, in a command substitution with a pipeline (tr, sed),
# a grep of a growing header and an expr.
# usage: busybox sh configure.sh BUSYBOX [rounds]   (default 150)
bb=$1
n=${2:-150}
dir=${TMPDIR:-/tmp}/gemu-bench-configure.$$
mkdir -p "$dir" || exit 1
trap 'rm -rf "$dir"' EXIT
: >"$dir/confdefs.h"
i=0
found=0
while [ "$i" -lt "$n" ]; do
	name=$(echo "have_func_$i" | "$bb" tr a-z A-Z | "$bb" sed -e 's/_FUNC_/_/')
	echo "#define $name 1" >>"$dir/confdefs.h"
	if "$bb" grep -q "^#define $name 1\$" "$dir/confdefs.h"; then
		found=$("$bb" expr "$found" + 1)
	fi
	i=$((i + 1))
done
echo "configure: $found of $n checks found in $("$bb" wc -l <"$dir/confdefs.h") lines"
