package translate

import "github.com/gemu-project/gemu/translate/x64"

// System mode in compiled code: a load or store looks its virtual page up
// in the soft TLB of the current context (softmmu.go), whose address is in
// the memory-base register for loads and the limit register for stores
// (CPU.SetTLB). A miss or an access that crosses a page leaves for the
// interpreter at the op, which asks the MMU and fills the entry.

// tlbLookup emits the lookup of the access of size bytes at addr and
// returns the host operand, [RDX]; it uses RCX and RDX (RAX may hold addr,
// the other scratch registers are the register cache's).
func (c *jitCompiler) tlbLookup(i int, addr x64.Reg, size int, load bool) x64.Mem {
	a := &c.a
	tlb := memLimit
	if load {
		tlb = memBase
	}
	a.MovRR(true, x64.RDX, addr)
	a.ShiftI(true, x64.SHR, x64.RDX, 12)
	a.Lea(x64.RCX, x64.M(addr, int32(size-1)))
	a.ShiftI(true, x64.SHR, x64.RCX, 12)
	a.AluRR(true, x64.CMP, x64.RCX, x64.RDX)
	c.exitIf(x64.CondNE, exitInterp, i) // crosses a page
	a.MovRR(false, x64.RCX, x64.RDX)
	a.AluRI(false, x64.AND, x64.RCX, TLBSize-1)
	a.ShiftI(false, x64.SHL, x64.RCX, 4) // 16-byte entries
	a.AluRI(true, x64.ADD, x64.RDX, 1)
	a.AluRM(true, x64.CMP, x64.RDX, x64.MI(tlb, x64.RCX, 1, 0))
	c.exitIf(x64.CondNE, exitInterp, i) // a miss
	a.Load(true, x64.RDX, x64.MI(tlb, x64.RCX, 1, 8))
	a.MovRR(false, x64.RCX, addr)
	a.AluRI(false, x64.AND, x64.RCX, PageSize-1)
	a.AluRR(true, x64.ADD, x64.RDX, x64.RCX)
	return x64.M(x64.RDX, 0)
}
