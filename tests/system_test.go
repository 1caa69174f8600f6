package tests

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Full-system mode end to end (issue #19): Debian's riscv64 kernel booted
// by gemu-system-riscv64 through Debian's OpenSBI to the initramfs's /init
// (tests/system/init.sh), which prints GEMU-BOOT-OK, runs the checks
// named by gemutest= and powers off. The image comes from `make
// system-image` (tests/system/mkimage.sh).

const bootMarker = "GEMU-BOOT-OK"

// systemImage returns the boot image's directory, failing the test when a
// file is missing.
func systemImage(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(repoRoot, "tests", "build", "system")
	for _, f := range []string{"fw_jump.elf", "fw_jump.bin", "fw_dynamic.elf", "Image", "initrd.cpio.gz", "disk.img"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatalf("system boot image incomplete: %v (run `make system-image`)", err)
		}
	}
	return dir
}

// systemArgs are the flags of a boot with gemutest checks and extra flags.
func systemArgs(dir, tests string, extra ...string) []string {
	cmdline := "console=ttyS0 panic=-1 quiet"
	if tests != "" {
		cmdline += " gemutest=" + tests
	}
	args := []string{"system", "riscv64", "-M", "virt", "-m", "256M", "-nographic",
		"-bios", filepath.Join(dir, "fw_jump.elf"), "-kernel", filepath.Join(dir, "Image"),
		"-initrd", filepath.Join(dir, "initrd.cpio.gz"), "-append", cmdline}
	return append(args, extra...)
}

// imageELF writes a 64-bit RISC-V ELF executable holding the raw kernel
// Image as one PT_LOAD segment at physical and virtual 0x80200000
// (ELF-64 Object File Format: a 64-byte header, 56-byte program headers).
func imageELF(t *testing.T, image string) string {
	t.Helper()
	img, err := os.ReadFile(image)
	if err != nil {
		t.Fatal(err)
	}
	const base, off = 0x80200000, 0x1000
	h := make([]byte, off)
	copy(h, "\x7fELF\x02\x01\x01")
	le := binary.LittleEndian
	le.PutUint16(h[16:], 2)   // ET_EXEC
	le.PutUint16(h[18:], 243) // EM_RISCV
	le.PutUint32(h[20:], 1)
	le.PutUint64(h[24:], base) // e_entry
	le.PutUint64(h[32:], 64)   // e_phoff
	le.PutUint16(h[52:], 64)   // e_ehsize
	le.PutUint16(h[54:], 56)   // e_phentsize
	le.PutUint16(h[56:], 1)    // e_phnum
	ph := h[64:]
	le.PutUint32(ph[0:], 1) // PT_LOAD
	le.PutUint32(ph[4:], 7) // RWX
	le.PutUint64(ph[8:], off)
	le.PutUint64(ph[16:], base)
	le.PutUint64(ph[24:], base)
	le.PutUint64(ph[32:], uint64(len(img)))
	le.PutUint64(ph[40:], uint64(len(img)))
	le.PutUint64(ph[48:], 0x1000)
	p := filepath.Join(t.TempDir(), "kernel.elf")
	if err := os.WriteFile(p, append(h, img...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// setFlag replaces the value of flag in args.
func setFlag(args []string, flag, v string) []string {
	out := append([]string(nil), args...)
	for i := range out[:len(out)-1] {
		if out[i] == flag {
			out[i+1] = v
		}
	}
	return out
}

// systemBootTimeout bounds one boot (the limit is two minutes).
const systemBootTimeout = 2 * time.Minute

func runSystem(t *testing.T, args []string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), systemBootTimeout)
	defer cancel()
	argv := append([]string{gemuBin(t)}, args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = baseEnv(t.TempDir())
	start := time.Now()
	res, ok := runCommand(t, ctx, cmd, argv)
	if !ok {
		t.Fatalf("boot timed out after %v\nconsole tail:\n%s\nstderr:\n%s", systemBootTimeout, tail(res.stdout), tail(res.stderr))
	}
	t.Logf("%s: %.2f s", strings.Join(args[len(args)-2:], " "), time.Since(start).Seconds())
	return res
}

// wantBoot checks the marker, the lines the checks print and a clean
// poweroff.
func wantBoot(t *testing.T, res result, lines ...string) {
	t.Helper()
	out := strings.ReplaceAll(res.stdout, "\r\n", "\n")
	for _, want := range append([]string{bootMarker}, lines...) {
		if !strings.Contains(out, "\n"+want+"\n") {
			t.Errorf("console lacks the line %q", want)
		}
	}
	if strings.Contains(out, "GEMU-TEST-ERROR") || strings.Contains(out, "Kernel panic") {
		t.Errorf("the guest reported an error")
	}
	if res.code != 0 {
		t.Errorf("exit status %d, want 0 (poweroff)", res.code)
	}
	if t.Failed() {
		t.Logf("console tail:\n%s\nstderr:\n%s", tail(res.stdout), tail(res.stderr))
	}
}

func TestSystemBoot(t *testing.T) {
	dir := systemImage(t)
	t.Run("fw_jump.elf", func(t *testing.T) {
		wantBoot(t, runSystem(t, systemArgs(dir, "")))
	})
	// The raw firmware binary and the kernel's verbose boot with an early
	// console on the UART.
	t.Run("fw_jump.bin", func(t *testing.T) {
		args := setFlag(systemArgs(dir, ""), "-bios", filepath.Join(dir, "fw_jump.bin"))
		args = setFlag(args, "-append", "console=ttyS0 earlycon=uart8250,mmio,0x10000000 panic=-1")
		res := runSystem(t, args)
		wantBoot(t, res)
		for _, want := range []string{"OpenSBI v1.1", "Linux version 6.12", "Run /init as init process", "reboot: Power down"} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("console lacks %q", want)
			}
		}
	})
	// qemu-system's default kind of firmware: the next stage's address
	// comes from the fw_dynamic information in the mask ROM.
	t.Run("fw_dynamic", func(t *testing.T) {
		wantBoot(t, runSystem(t, setFlag(systemArgs(dir, ""), "-bios", filepath.Join(dir, "fw_dynamic.elf"))))
	})
	// An ELF kernel: the Image wrapped in one PT_LOAD at 0x80200000 (the
	// package's vmlinux is a 1 GB download, make system-image's
	// GEMU_SYSTEM_VMLINUX=1).
	t.Run("ELF kernel", func(t *testing.T) {
		wantBoot(t, runSystem(t, setFlag(systemArgs(dir, ""), "-kernel", imageELF(t, filepath.Join(dir, "Image")))))
	})
	// QEMU's own device tree (-dtb): it also describes PCIe (an empty
	// configuration space here), flash and fw-cfg, and an ISA with zbc.
	t.Run("qemu's dtb", func(t *testing.T) {
		dtb := filepath.Join(t.TempDir(), "virt.dtb")
		q, err := exec.Command("qemu-system-riscv64", "-M", "virt,dumpdtb="+dtb, "-m", "256M",
			"-nographic", "-bios", "none").CombinedOutput()
		if err != nil {
			t.Fatalf("qemu-system-riscv64 dumpdtb (make deps installs qemu-system-misc): %v\n%s", err, q)
		}
		wantBoot(t, runSystem(t, append(systemArgs(dir, ""), "-dtb", dtb)))
	})
	t.Run("multi-call name", func(t *testing.T) {
		link := filepath.Join(t.TempDir(), "gemu-system-riscv64")
		if err := os.Symlink(gemuBin(t), link); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), systemBootTimeout)
		defer cancel()
		args := systemArgs(dir, "")[2:]
		cmd := exec.CommandContext(ctx, link, args...)
		cmd.Env = baseEnv(t.TempDir())
		res, ok := runCommand(t, ctx, cmd, append([]string{link}, args...))
		if !ok {
			t.Fatalf("boot timed out")
		}
		wantBoot(t, res)
	})
}

func TestSystemSMP(t *testing.T) {
	dir := systemImage(t)
	wantBoot(t, runSystem(t, systemArgs(dir, "smp", "-smp", "2")), "CPUS: 2")
}

// TestSystemDisk: the guest reads the first line of a virtio-blk disk
// (given with -drive if=virtio, and with -drive if=none plus -device) and
// 32 bytes from a virtio-rng device.
func TestSystemDisk(t *testing.T) {
	dir := systemImage(t)
	disk := filepath.Join(dir, "disk.img")
	for name, flags := range map[string][]string{
		"if=virtio": {"-drive", "file=" + disk + ",format=raw,if=virtio,readonly=on", "-device", "virtio-rng-device"},
		"-device":   {"-device", "virtio-rng-device", "-drive", "file=" + disk + ",if=none,id=d0,readonly=on", "-device", "virtio-blk-device,drive=d0"},
	} {
		t.Run(name, func(t *testing.T) {
			wantBoot(t, runSystem(t, systemArgs(dir, "blk,rng", flags...)), "DISK: gemu-disk-marker", "RNG: 32")
		})
	}
}

// TestSystemBadInput: one clear line and status 1 for each mistake.
func TestSystemBadInput(t *testing.T) {
	dir := systemImage(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().String()
	garbage := filepath.Join(t.TempDir(), "garbage")
	os.WriteFile(garbage, []byte("\x7fELF not really an ELF file"), 0o644)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown machine", []string{"-M", "sifive_u"}, "unsupported machine type"},
		{"missing kernel", []string{"-kernel", "/nonexistent/Image"}, "no such file"},
		{"malformed kernel", []string{"-kernel", garbage}, "kernel"},
		{"missing initrd", []string{"-initrd", "/nonexistent/initrd"}, "no such file"},
		{"malformed bios", []string{"-bios", garbage}, "firmware"},
		{"bad memory size", []string{"-m", "lots"}, "not a memory size"},
		{"too many harts", []string{"-smp", "64"}, "1 to 8 harts"},
		{"unknown option", []string{"-frobnicate"}, "unsupported option"},
		{"missing value", []string{"-kernel"}, "requires an argument"},
		{"bad serial", []string{"-serial", "parallel:/dev/lp0"}, "-serial"},
		{"unknown device", []string{"-device", "virtio-gpu-pci"}, "unsupported device"},
		{"port in use", []string{"-serial", "tcp:" + busy + ",server=on,wait=off"}, "in use"},
		{"bad chardev", []string{"-chardev", "socket,id=x,port=abc"}, "invalid port"},
		{"disk format", []string{"-drive", "file=" + garbage + ",format=qcow2,if=virtio"}, "raw only"},
		{"missing disk", []string{"-drive", "file=/nonexistent/disk.img,if=virtio"}, "no such file"},
		{"dangling drive", []string{"-device", "virtio-blk-device,drive=d9"}, "no -drive"},
		{"netdev backend", []string{"-netdev", "user,id=n0"}, "not supported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := runSystem(t, append(systemArgs(dir, ""), c.args...))
			lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
			if res.code != 1 || len(lines) != 1 || !strings.Contains(strings.ToLower(lines[0]), strings.ToLower(c.want)) {
				t.Errorf("status %d, stderr %q; want status 1 and one line with %q", res.code, res.stderr, c.want)
			}
			if strings.Contains(res.stdout, "OpenSBI") {
				t.Errorf("the machine started")
			}
		})
	}
}

// TestSystemGDB: gdb-multiarch attaches to the machine before its first
// instruction (-gdb), stops at a breakpoint at the kernel's entry with
// OpenSBI's hand-over registers (a0 = hart 0, a1 = the device tree),
// disassembles and steps there, reads physical memory in QEMU's
// PhyMemMode, and detaches; the boot then completes.
func TestSystemGDB(t *testing.T) {
	dir := systemImage(t)
	gdb, err := exec.LookPath("gdb-multiarch")
	if err != nil {
		t.Fatal("gdb-multiarch not on PATH (make deps installs it)")
	}
	port := freeTCPPort(t)
	ctx, cancel := context.WithTimeout(context.Background(), systemBootTimeout)
	defer cancel()
	args := append(systemArgs(dir, ""), "-gdb", fmt.Sprintf("tcp:127.0.0.1:%d", port))
	cmd := exec.CommandContext(ctx, gemuBin(t), args...)
	cmd.Env = baseEnv(t.TempDir())
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var g []byte
	for i := 0; i < 50; i++ { // the listener comes up at once; gdb may race it
		g, err = exec.CommandContext(ctx, gdb, "-nx", "-batch", "-ex", "set architecture riscv:rv64",
			"-ex", fmt.Sprintf("target remote 127.0.0.1:%d", port),
			"-ex", "info registers pc", "-ex", "break *0x80200000", "-ex", "continue",
			"-ex", "info registers pc a0 a1", "-ex", "x/1i $pc", "-ex", "stepi",
			"-ex", "info registers pc",
			"-ex", "maintenance packet Qqemu.PhyMemMode:1", "-ex", "maintenance packet qqemu.PhyMemMode",
			"-ex", "x/1xw 0x82200000", "-ex", "maintenance packet Qqemu.PhyMemMode:0",
			"-ex", "delete", "-ex", "detach").CombinedOutput()
		if !strings.Contains(string(g), "Connection refused") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("gemu: %v", err)
	}
	gout := string(g)
	for _, want := range []string{
		"pc             0x80000000", // OpenSBI's first instruction
		"Breakpoint 1, 0x0000000080200000",
		"a0             0x0",
		"a1             0x82200000", // where fw_jump puts the device tree
		"=> 0x80200000:",
		"pc             0x80200002", // li s4,-13 is a compressed instruction
		`received: "1"`,             // QEMU's physical-memory mode is on
		"0x82200000:\t0xedfe0dd0",   // the device tree's magic, big-endian 0xd00dfeed
	} {
		if !strings.Contains(gout, want) {
			t.Errorf("gdb output lacks %q", want)
		}
	}
	if !strings.Contains(out.String(), bootMarker) {
		t.Errorf("the boot did not complete after gdb detached")
	}
	if t.Failed() {
		t.Logf("gdb:\n%s\nconsole tail:\n%s", gout, tail(out.String()))
	}
}

// freeTCPPort returns a port nothing listens on now.
func freeTCPPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
