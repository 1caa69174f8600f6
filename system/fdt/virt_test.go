package fdt

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// qemuISA is the riscv,isa of QEMU 7.2's default rv64 CPU.
const qemuISA = "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"

// notEmitted lists the nodes of QEMU 7.2's virt tree that Virt leaves out,
// and why. The differential test fails when QEMU has any other node that
// we lack, or when one of these appears in our tree.
var notEmitted = map[string]string{
	"/fw-cfg@10100000":      "QEMU's firmware configuration interface: neither OpenSBI fw_jump nor a kernel booted with its Image, initrd and tree passed in memory needs it",
	"/flash@20000000":       "two cfi-flash banks for UEFI firmware and variables; empty unless -pflash is given, and Linux would probe them as MTD devices",
	"/platform-bus@4000000": "holder for -device sysbus devices added on the command line; empty by default",
	"/soc/pci@30000000":     "the PCIe host bridge (ECAM, I/O and memory windows, INTx swizzle): a whole bus to emulate, not a node to copy",
	"/pmu":                  "written only when VirtConfig.PMUCounters is non-zero (QEMU's default CPU has 16)",
}

// qemuCase is one machine configuration compared with QEMU.
type qemuCase struct {
	name    string
	cfg     VirtConfig
	cpuOpts string // -cpu rv64,<cpuOpts> when not empty
	initrd  int    // bytes of initrd to hand QEMU (with a dummy -kernel)
}

func qemuCases() []qemuCase {
	base := VirtConfig{ISA: qemuISA, MemSize: 256 << 20}
	with := func(f func(*VirtConfig)) VirtConfig { c := base; f(&c); return c }
	return []qemuCase{
		{name: "smp1", cfg: with(func(c *VirtConfig) { c.Harts = 1 })},
		{name: "smp2", cfg: with(func(c *VirtConfig) { c.Harts = 2 })},
		{name: "smp8-4G-pmu16-boot", initrd: 10000, cfg: with(func(c *VirtConfig) {
			c.Harts, c.MemSize, c.PMUCounters = 8, 4<<30, 16
			c.Bootargs = "console=ttyS0 earlycon=sbi root=/dev/vda rw"
			// QEMU 7.2 puts the initrd min(RAM/2, 128 MiB) past the kernel,
			// which -bios none loads at the start of RAM.
			c.InitrdStart, c.InitrdEnd = 0x88000000, 0x88000000+10000
		})},
		{name: "smp3-nommu-pmu4", cpuOpts: "mmu=false,h=false,sstc=false,pmu-num=4", cfg: with(func(c *VirtConfig) {
			c.Harts, c.MemSize, c.PMUCounters, c.MMU = 3, 1<<30, 4, "riscv,none"
			c.ISA = "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs"
		})},
	}
}

// TestVirtMatchesQEMU is the differential test: QEMU 7.2 dumps its virt
// tree for the same machine, dtc decompiles both blobs, and every node we
// emit must be in QEMU's tree at the same path, in the same order among
// its siblings, with the same properties in the same order and the same
// values, phandle numbers included. Only /chosen's rng-seed is not
// compared: QEMU fills it with random bytes.
func TestVirtMatchesQEMU(t *testing.T) {
	for _, tc := range qemuCases() {
		t.Run(tc.name, func(t *testing.T) {
			ours, err := Virt(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := parseDTS(t, decompile(t, qemuDump(t, tc)))
			got, _ := parseDTS(t, decompile(t, ours))
			missing := map[string]bool{}
			compareNode(t, "/", got, want, missing)
			wantMissing := map[string]bool{}
			for path := range notEmitted {
				if path != "/pmu" || tc.cfg.PMUCounters == 0 {
					wantMissing[path] = true
				}
			}
			if !reflect.DeepEqual(missing, wantMissing) {
				t.Errorf("QEMU's nodes we left out: %v, want %v", slices.Sorted(maps.Keys(missing)), slices.Sorted(maps.Keys(wantMissing)))
			}
		})
	}
}

// qemuDump runs qemu-system-riscv64 -M virt,dumpdtb for tc and returns
// the blob.
func qemuDump(t *testing.T, tc qemuCase) []byte {
	t.Helper()
	qemu := needTool(t, "qemu-system-riscv64", "qemu-system-misc")
	dir := t.TempDir()
	out := filepath.Join(dir, "qemu.dtb")
	args := []string{"-M", "virt,dumpdtb=" + out, "-m", fmt.Sprintf("%dM", tc.cfg.MemSize>>20),
		"-smp", fmt.Sprint(tc.cfg.Harts), "-nographic", "-bios", "none"}
	if tc.cpuOpts != "" {
		args = append(args, "-cpu", "rv64,"+tc.cpuOpts)
	}
	if tc.cfg.Bootargs != "" {
		args = append(args, "-append", tc.cfg.Bootargs)
	}
	if tc.initrd > 0 {
		args = append(args, "-kernel", writeFile(t, dir, "kernel", 4096), "-initrd", writeFile(t, dir, "initrd", tc.initrd))
	}
	if b, err := exec.Command(qemu, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", qemu, strings.Join(args, " "), err, b)
	}
	blob, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return blob
}

func writeFile(t *testing.T, dir, name string, size int) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// compareNode checks our node got against QEMU's want at path and records
// in missing the paths of QEMU's children we do not have.
func compareNode(t *testing.T, path string, got, want *dtsNode, missing map[string]bool) {
	t.Helper()
	skip := func(p dtsProp) bool { return path == "/chosen" && p.name == "rng-seed" }
	gp, wp := slices.DeleteFunc(slices.Clone(got.props), skip), slices.DeleteFunc(slices.Clone(want.props), skip)
	if !reflect.DeepEqual(gp, wp) {
		t.Errorf("%s properties differ:\nours: %q\nqemu: %q", path, gp, wp)
	}
	last := -1
	for _, c := range got.children {
		i := slices.IndexFunc(want.children, func(w *dtsNode) bool { return w.name == c.name })
		cpath := joinPath(path, c.name)
		switch {
		case i < 0:
			t.Errorf("%s: QEMU has no such node", cpath)
			continue
		case i < last:
			t.Errorf("%s comes before its sibling %s in QEMU's tree", cpath, want.children[last].name)
		}
		last = i
		compareNode(t, cpath, c, want.children[i], missing)
	}
	for _, w := range want.children {
		if got.child(w.name) == nil {
			missing[joinPath(path, w.name)] = true
		}
	}
}

// TestVirtParse reads our own blob back with Parse and checks the facts a
// machine relies on.
func TestVirtParse(t *testing.T) {
	blob, err := Virt(VirtConfig{Harts: 2, MemSize: 1 << 30, ISA: "rv64imac", RNGSeed: []byte{1, 2, 3, 4},
		InitrdStart: 0x1_2000_0000, InitrdEnd: 0x1_2000_1000})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Parse(blob)
	if err != nil {
		t.Fatal(err)
	}
	expectCells(t, tr, "/soc/plic@c000000", "interrupts-extended", 4, 11, 4, 9, 2, 11, 2, 9)
	expectCells(t, tr, "/soc/clint@2000000", "interrupts-extended", 4, 3, 4, 7, 2, 3, 2, 7)
	expectCells(t, tr, "/memory@80000000", "reg", 0, 0x80000000, 0, 1<<30)
	expectCells(t, tr, "/chosen", "linux,initrd-start", 1, 0x20000000)
	expectCells(t, tr, "/chosen", "rng-seed", 0x01020304)
	v, _ := tr.Lookup("/cpus/cpu@1").Prop("mmu-type")
	if s, ok := Strings(v); !ok || !slices.Equal(s, []string{"riscv,sv48"}) {
		t.Errorf("mmu-type %q", v)
	}
	if tr.Lookup("/soc/pci@30000000") != nil || tr.Lookup("/pmu") != nil {
		t.Error("pci or pmu node emitted")
	}
}

func TestVirtConfigErrors(t *testing.T) {
	good := VirtConfig{Harts: 1, MemSize: 1 << 20, ISA: "rv64imac"}
	bad := []func(*VirtConfig){
		func(c *VirtConfig) { c.Harts = 0 },
		func(c *VirtConfig) { c.Harts = VirtMaxHarts + 1 },
		func(c *VirtConfig) { c.MemSize = 0 },
		func(c *VirtConfig) { c.ISA = "" },
		func(c *VirtConfig) { c.MMU = "sv39" },
		func(c *VirtConfig) { c.InitrdStart, c.InitrdEnd = 2, 1 },
		func(c *VirtConfig) { c.PMUCounters = 30 },
	}
	if _, err := Virt(good); err != nil {
		t.Fatal(err)
	}
	for i, f := range bad {
		c := good
		f(&c)
		if _, err := Virt(c); err == nil {
			t.Errorf("case %d: %+v accepted", i, c)
		}
	}
}

// TestVirtMap checks the exported layout against the numbers QEMU 7.2's
// machine uses (and the FDT placement its reset vector was seen to pass).
func TestVirtMap(t *testing.T) {
	if r := VirtMemMap[VirtPLIC]; r.Size != 0x600000 {
		t.Errorf("PLIC size %#x", r.Size)
	}
	if r := VirtioRegion(7); r.Base != 0x10008000 || r.End() != 0x10009000 {
		t.Errorf("virtio slot 7 %+v", r)
	}
	if PLICContext(3, false) != 6 || PLICContext(3, true) != 7 {
		t.Error("PLIC contexts")
	}
	for mem, want := range map[uint64]uint64{256 << 20: 0x8fe00000, 4 << 30: 0xbfe00000} {
		if got := VirtFDTAddr(mem, 1<<20); got != want {
			t.Errorf("VirtFDTAddr(%#x) = %#x, want %#x", mem, got, want)
		}
	}
	for d := VirtDevice(0); d < numVirtDevices; d++ {
		if d.String() == "" || (d > 0 && VirtMemMap[d].Base < VirtMemMap[d-1].End()) {
			t.Errorf("%v overlaps or is out of order", d)
		}
	}
}

func expectCells(t *testing.T, tr *Tree, path, prop string, want ...uint32) {
	t.Helper()
	n := tr.Lookup(path)
	if n == nil {
		t.Fatalf("no node %s", path)
	}
	v, ok := n.Prop(prop)
	got, _ := Cells(append(v, make([]byte, (4-len(v)%4)%4)...))
	if !ok || !slices.Equal(got[:min(len(got), len(want))], want) {
		t.Errorf("%s %s = %x, want %x", path, prop, got, want)
	}
}

// TestParseQEMUBlob checks Parse on a blob libfdt wrote (QEMU's, padded
// to 1 MiB): parsed and encoded again, it decompiles to the same text.
func TestParseQEMUBlob(t *testing.T) {
	qemu := qemuDump(t, qemuCases()[1])
	tr, err := Parse(qemu)
	if err != nil {
		t.Fatal(err)
	}
	again, err := tr.Blob()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := decompile(t, again), decompile(t, qemu); got != want {
		t.Fatalf("re-encoded QEMU tree differs:\n%s\nwant\n%s", got, want)
	}
}
