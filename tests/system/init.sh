#!/bin/sh
# /init of the boot-test initramfs that tests/system/mkimage.sh builds.
# Prints GEMU-BOOT-OK, runs the tests named by gemutest=a,b on the kernel
# command line, then powers off:
#   blk      insmod /modules/*.ko (in /modules/list order), print "DISK: " and
#            the first line of /dev/vda
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
for t in $(echo "$tests" | tr , ' '); do
	case $t in
	blk)
		while read -r m; do insmod "/modules/$m.ko"; done </modules/list
		i=0
		while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		if [ -b /dev/vda ]; then
			echo "DISK: $(head -n 1 /dev/vda)"
		else
			echo "DISK-ERROR: no /dev/vda"
		fi
		;;
	smp) echo "CPUS: $(nproc)" ;;
	cpuinfo) cat /proc/cpuinfo ;;
	shell) setsid cttyhack sh ;;
	*) echo "GEMU-TEST-ERROR: unknown gemutest $t" ;;
	esac
done
poweroff -f
