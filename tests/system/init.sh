#!/bin/sh
# /init of the boot-test initramfs that tests/system/mkimage.sh builds.
# Prints GEMU-BOOT-OK, runs the tests named by gemutest=a,b on the kernel
# command line, then powers off:
#   blk      insmod /modules/*.ko (in /modules/list order), print "DISK: " and
#            the first line of /dev/vda
#   hvc      insmod the modules, write "GEMU-HVC-OK" on the virtio console
#            /dev/hvc0, read a line from it and print it as "HVC-IN: " and the line
#   net      insmod the modules, give eth0 10.0.2.15/24, ping 10.0.2.2 three
#            times and print "NET: " and ping's count of replies received
#   rng      insmod the modules, print "RNG: " and how many bytes of 32 asked
#            /dev/hwrng gave
#   smp      print "CPUS: " and the number of online CPUs
#   cpuinfo  print /proc/cpuinfo
#   shell    run an interactive shell first (poweroff when it exits)
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo GEMU-BOOT-OK

tests=
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in gemutest=*) tests=${arg#gemutest=} ;; esac
done
loaded=
modules() {
	[ -n "$loaded" ] && return
	while read -r m; do insmod "/modules/$m.ko"; done </modules/list
	loaded=1
}
for t in $(echo "$tests" | tr , ' '); do
	case $t in
	hvc)
		modules
		i=0
		while [ ! -c /dev/hvc0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		# One open for both directions: input that arrives while no
		# process has the tty open is dropped (drivers/tty/hvc).
		exec 3<>/dev/hvc0
		echo GEMU-HVC-OK >&3
		line=
		read -r -t 30 line <&3
		exec 3>&-
		echo "HVC-IN: $line"
		;;
	blk)
		modules
		i=0
		while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		if [ -b /dev/vda ]; then
			echo "DISK: $(head -n 1 /dev/vda)"
		else
			echo "DISK-ERROR: no /dev/vda"
		fi
		;;
	net)
		modules
		i=0
		while ! ip link show eth0 >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		ip addr add 10.0.2.15/24 dev eth0
		ip link set eth0 up
		echo "NET: $(ping -c 3 -W 5 10.0.2.2 | grep -o '[0-9]* packets received')"
		;;
	rng)
		modules
		i=0
		while [ ! -c /dev/hwrng ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		echo "RNG: $(head -c 32 /dev/hwrng | wc -c)"
		;;
	smp) echo "CPUS: $(nproc)" ;;
	cpuinfo) cat /proc/cpuinfo ;;
	shell) setsid cttyhack sh ;;
	*) echo "GEMU-TEST-ERROR: unknown gemutest $t" ;;
	esac
done
poweroff -f
