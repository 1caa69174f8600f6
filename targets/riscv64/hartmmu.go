package riscv64

import (
	"sync/atomic"
	"unsafe"

	"github.com/gemu-project/gemu/translate"
)

// The hart's MMU (Volume II §4.3-4.4, Sv39 and Sv48) as a translate.SoftMMU:
// a direct-mapped TLB per access kind in front of the page walk. PMP is
// kept in its CSRs but not enforced (the firmware uses it to fence itself
// off from S-mode, which a correct kernel never crosses).

// satp modes (§4.1.11).
const (
	satpBare = 0
	satpSv39 = 8
	satpSv48 = 9
)

// PTE bits (§4.3.1).
const (
	pteV = 1 << 0
	pteR = 1 << 1
	pteW = 1 << 2
	pteX = 1 << 3
	pteU = 1 << 4
	pteA = 1 << 6
	pteD = 1 << 7
)

const tlbSize = 256

type tlbEntry struct {
	vpn  uint64 // virtual page number + 1; 0 is an empty entry
	ctx  uint8
	host unsafe.Pointer // the page in RAM; nil for device registers
	pa   uint64         // physical page address
}

type mmuState struct {
	tlb       [3][tlbSize]tlbEntry // by translate.AccessKind; loads and stores of device pages
	sets      [32]*tlbSet          // the CPU's soft TLBs of each data context (dataCtx)
	cur       *tlbSet
	dataCtx   uint8 // the context data accesses are translated in
	fetchCtx  uint8
	scratch   [16]byte // device-register values and page-crossing accesses
	ramHost   unsafe.Pointer
	ramBase   uint64
	ramSize   uint64
	pagingOff [3]bool // by access kind: addresses are physical
}

// tlbSet is the CPU's soft TLBs (translate.TLB) of one data context.
type tlbSet struct{ load, store translate.TLB }

func (m *mmuState) init(h *Hart) {
	m.ramBase, m.ramSize = h.RAMBase, uint64(len(h.RAM))
	if len(h.RAM) > 0 {
		m.ramHost = unsafe.Pointer(&h.RAM[0])
	}
}

// updateContext recomputes the translation contexts (after a mode,
// mstatus or satp change): the effective privilege of data accesses
// (MPRV, §3.1.6.3), SUM and MXR.
func (h *Hart) updateContext() {
	m := &h.mmu
	dpriv := h.priv
	if h.priv == PrivM && h.mstatus&msMPRV != 0 {
		dpriv = uint8(h.mstatus >> 11 & 3)
	}
	bare := h.satp>>60 == satpBare
	m.pagingOff[translate.AccessLoad] = dpriv == PrivM || bare
	m.pagingOff[translate.AccessStore] = m.pagingOff[translate.AccessLoad]
	m.pagingOff[translate.AccessFetch] = h.priv == PrivM || bare
	m.dataCtx = dpriv | uint8(h.mstatus>>18&3)<<2 // SUM, MXR
	if m.pagingOff[translate.AccessLoad] {
		m.dataCtx |= 1 << 4
	}
	m.fetchCtx = h.priv
	if m.pagingOff[translate.AccessFetch] {
		m.fetchCtx |= 1 << 4
	}
	s := m.sets[m.dataCtx]
	if s == nil {
		s = &tlbSet{}
		m.sets[m.dataCtx] = s
	}
	m.cur = s
	h.CPU.SetTLB(&s.load, &s.store)
}

// flushTLB forgets every translation (satp writes, SFENCE.VMA).
func (h *Hart) flushTLB() {
	h.mmu.tlb = [3][tlbSize]tlbEntry{}
	for _, s := range h.mmu.sets {
		if s != nil {
			*s = tlbSet{}
		}
	}
}

// fill puts a RAM page in the CPU's soft TLB of the current context; a
// page holding code is never there for stores, so that every store to it
// drops the translations (Access).
func (h *Hart) fill(va uint64, kind translate.AccessKind, host unsafe.Pointer, pa uint64) {
	t := &h.mmu.cur.load
	if kind == translate.AccessStore {
		if h.Code.has(pa) {
			return
		}
		t = &h.mmu.cur.store
	}
	vpn := va / translate.PageSize
	e := &t[vpn%translate.TLBSize]
	*e = translate.TLBEntry{Tag: vpn + 1, Host: unsafe.Add(host, -int(va%translate.PageSize))}
	if kind == translate.AccessStore && h.Code.has(pa) {
		e.Tag = 0 // marked as code meanwhile (CodePages.mark)
	}
}

// dropStores removes the store entries of the RAM page at host from every
// context's soft TLB: the page now holds code. Called from the goroutine
// that marked it, possibly another hart's.
func (h *Hart) dropStores(host unsafe.Pointer) {
	for _, s := range h.mmu.sets {
		if s == nil {
			continue
		}
		for i := range s.store {
			if s.store[i].Host == host {
				s.store[i].Tag = 0
			}
		}
	}
}

// ram is the host address of physical RAM at pa, nil outside RAM.
func (m *mmuState) ram(pa uint64) unsafe.Pointer {
	if pa-m.ramBase < m.ramSize {
		return unsafe.Add(m.ramHost, pa-m.ramBase)
	}
	return nil
}

// lookup translates va for kind through the TLB, walking on a miss.
func (h *Hart) lookup(va uint64, kind translate.AccessKind) (host unsafe.Pointer, pa uint64, exc translate.Exception) {
	m := &h.mmu
	ctx := m.dataCtx
	if kind == translate.AccessFetch {
		ctx = m.fetchCtx
	}
	vpn := va/translate.PageSize + 1
	e := &m.tlb[kind][vpn%tlbSize]
	off := va % translate.PageSize
	if e.vpn == vpn && e.ctx == ctx {
		if e.host == nil {
			return nil, e.pa + off, translate.ExcNone
		}
		return unsafe.Add(e.host, off), e.pa + off, translate.ExcNone
	}
	pa, exc = h.walk(va, kind)
	if exc != translate.ExcNone {
		return nil, 0, exc
	}
	page := pa &^ (translate.PageSize - 1)
	*e = tlbEntry{vpn: vpn, ctx: ctx, host: m.ram(page), pa: page}
	if e.host == nil {
		return nil, pa, translate.ExcNone
	}
	return unsafe.Add(e.host, off), pa, translate.ExcNone
}

// walk is the page-table walk of §4.3.2 with hardware A/D updates (as
// QEMU's virt harts do).
func (h *Hart) walk(va uint64, kind translate.AccessKind) (uint64, translate.Exception) {
	if h.mmu.pagingOff[kind] {
		return va, translate.ExcNone
	}
	return h.pageWalk(va, kind, true)
}

// pageWalk walks satp's tables for va. With checks off (the debugger's
// view) it skips the leaf's permission checks and the A/D updates.
func (h *Hart) pageWalk(va uint64, kind translate.AccessKind, checks bool) (uint64, translate.Exception) {
	levels := 3
	if h.satp>>60 == satpSv48 {
		levels = 4
	}
	bits := 12 + 9*levels
	if top := int64(va) >> (bits - 1); top != 0 && top != -1 {
		return 0, translate.ExcPageFault
	}
	priv, sum, mxr := h.priv, h.mstatus&msSUM != 0, h.mstatus&msMXR != 0
	if kind != translate.AccessFetch && h.priv == PrivM {
		priv = uint8(h.mstatus >> 11 & 3) // MPRV
	}
	table := (h.satp & (1<<44 - 1)) << 12
	for i := levels - 1; i >= 0; i-- {
		shift := 12 + 9*uint(i)
		p := h.mmu.ram(table + (va>>shift&511)*8)
		if p == nil {
			return 0, translate.ExcUnmapped
		}
		pte := atomic.LoadUint64((*uint64)(p))
		if pte&pteV == 0 || pte&(pteR|pteW) == pteW || pte>>54 != 0 {
			return 0, translate.ExcPageFault
		}
		ppn := pte >> 10 & (1<<44 - 1)
		if pte&(pteR|pteX) == 0 {
			table = ppn << 12
			continue
		}
		mask := uint64(1)<<shift - 1
		if !checks {
			return ppn<<12&^mask | va&mask, translate.ExcNone
		}
		if !leafAllows(pte, kind, priv, sum, mxr) || ppn&(1<<(9*uint(i))-1) != 0 {
			return 0, translate.ExcPageFault
		}
		want := uint64(pteA)
		if kind == translate.AccessStore {
			want |= pteD
		}
		if pte&want != want && !atomic.CompareAndSwapUint64((*uint64)(p), pte, pte|want) {
			return h.pageWalk(va, kind, checks) // the PTE changed under us: walk again
		}
		return ppn<<12&^mask | va&mask, translate.ExcNone
	}
	return 0, translate.ExcPageFault
}

// leafAllows checks a leaf PTE's permissions (§4.3.1, §4.3.2 step 5).
func leafAllows(pte uint64, kind translate.AccessKind, priv uint8, sum, mxr bool) bool {
	user := pte&pteU != 0
	switch {
	case priv == PrivU && !user:
		return false
	case priv == PrivS && user && (kind == translate.AccessFetch || !sum):
		return false
	}
	switch kind {
	case translate.AccessFetch:
		return pte&pteX != 0
	case translate.AccessStore:
		return pte&pteW != 0
	}
	return pte&pteR != 0 || (mxr && pte&pteX != 0)
}

// opAccess is the kind of access a memory op makes.
func opAccess(op *translate.Op) translate.AccessKind {
	switch op.Code {
	case translate.OpStore8, translate.OpStore16, translate.OpStore32, translate.OpStore64,
		translate.OpAmo, translate.OpSC, translate.OpCas:
		return translate.AccessStore
	}
	return translate.AccessLoad
}

// Access implements translate.SoftMMU.
func (h *Hart) Access(c *translate.CPU, op *translate.Op, va, size uint64) unsafe.Pointer {
	kind := opAccess(op)
	if va%translate.PageSize+size > translate.PageSize {
		return h.crossing(c, op, va, size, kind)
	}
	host, pa, exc := h.lookup(va, kind)
	if exc != translate.ExcNone {
		c.MemFault(exc, va, kind)
	}
	if host == nil {
		return h.device(c, op, va, pa, size, kind)
	}
	if kind == translate.AccessStore {
		h.stored(pa)
	}
	h.fill(va, kind, host, pa)
	return host
}

// stored drops the translations of code in pa's page, if it held any.
func (h *Hart) stored(pa uint64) {
	if h.Code.Written(pa) {
		h.CPU.Engine().InvalidatePhys(pa)
	}
}

// device performs a load or store to a device register; atomics there
// are access faults.
func (h *Hart) device(c *translate.CPU, op *translate.Op, va, pa, size uint64, kind translate.AccessKind) unsafe.Pointer {
	s := unsafe.Pointer(&h.mmu.scratch[0])
	switch op.Code {
	case translate.OpAmo, translate.OpLR, translate.OpSC, translate.OpCas:
		c.MemFault(translate.ExcUnmapped, va, kind)
	}
	if kind == translate.AccessLoad {
		v, ok := h.Bus.ReadIO(pa, int(size))
		if !ok {
			c.MemFault(translate.ExcUnmapped, va, kind)
		}
		*(*uint64)(s) = v
		return s
	}
	if !h.Bus.WriteIO(pa, int(size), c.R[op.B]) {
		c.MemFault(translate.ExcUnmapped, va, kind)
	}
	return s
}

// crossing is an access that spans two pages: both are translated (and
// must be RAM) before any byte moves, then the bytes go through scratch.
func (h *Hart) crossing(c *translate.CPU, op *translate.Op, va, size uint64, kind translate.AccessKind) unsafe.Pointer {
	first := translate.PageSize - va%translate.PageSize
	var parts [2]unsafe.Pointer
	for i, a := range [2]uint64{va, va + first} {
		host, pa, exc := h.lookup(a, kind)
		if exc == translate.ExcNone && host == nil {
			exc = translate.ExcUnmapped
		}
		if exc != translate.ExcNone {
			c.MemFault(exc, a, kind)
		}
		if kind == translate.AccessStore {
			h.stored(pa)
		}
		parts[i] = host
	}
	s := h.mmu.scratch[:size]
	if kind == translate.AccessStore {
		v := c.R[op.B]
		for i := range s {
			s[i] = byte(v >> (8 * i))
		}
	}
	for i := uint64(0); i < size; i++ {
		p := unsafe.Add(parts[0], i)
		if i >= first {
			p = unsafe.Add(parts[1], i-first)
		}
		if kind == translate.AccessStore {
			*(*byte)(p) = s[i]
		} else {
			s[i] = *(*byte)(p)
		}
	}
	return unsafe.Pointer(&h.mmu.scratch[0])
}

// Fetch implements translate.SoftMMU: code runs from RAM only.
func (h *Hart) Fetch(c *translate.CPU, va uint64) (unsafe.Pointer, uint64, bool) {
	host, pa, exc := h.lookup(va, translate.AccessFetch)
	if exc != translate.ExcNone || host == nil {
		return nil, 0, false
	}
	if h.Code.mark(pa) {
		page := unsafe.Add(host, -int(va%translate.PageSize))
		for _, o := range h.Code.harts {
			o.dropStores(page)
		}
	}
	tag := pa&^(translate.PageSize-1) | uint64(h.priv)
	if h.mstatus&msFS == 0 {
		tag |= tagFPOff
	}
	return host, tag, true
}

// FetchFault implements translate.SoftMMU.
func (h *Hart) FetchFault(c *translate.CPU, op *translate.Op, va uint64) translate.ExitKind {
	host, _, exc := h.lookup(va, translate.AccessFetch)
	if exc == translate.ExcNone && host == nil {
		exc = translate.ExcUnmapped
	}
	if exc == translate.ExcNone { // mapped now: run it again
		exc = translate.ExcUnmapped
	}
	k := c.Raise(op, exc, va)
	c.Exit.Access = translate.AccessFetch
	return k
}

// DebugHost implements translate.DebugHost: va translated as the hart's
// instruction fetches would be, for a debugger (no permission checks, no
// A/D updates).
func (h *Hart) DebugHost(c *translate.CPU, va uint64) (unsafe.Pointer, uint64, bool) {
	pa, exc := va, translate.ExcNone
	if !h.mmu.pagingOff[translate.AccessFetch] {
		pa, exc = h.pageWalk(va, translate.AccessFetch, false)
	}
	host := h.mmu.ram(pa)
	return host, pa, exc == translate.ExcNone && host != nil
}

// DebugPhys implements translate.DebugHost: physical RAM only.
func (h *Hart) DebugPhys(pa uint64) (unsafe.Pointer, bool) {
	p := h.mmu.ram(pa)
	return p, p != nil
}

var (
	_ translate.SoftMMU   = (*Hart)(nil)
	_ translate.DebugHost = (*Hart)(nil)
)
