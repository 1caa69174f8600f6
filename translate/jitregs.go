package translate

import "github.com/gemu-project/gemu/translate/x64"

// The register cache of compiled code. Guest registers a block reads or
// writes are kept in host registers along the block's straight-line code.
// Writes are stored back to CPU.R before every op that always leaves
// compiled code (jumps, steps in Go, exits to the interpreter) and when a
// dirty register is evicted. Where code is left only sometimes, the
// stores are off the straight path: a side exit or a limit miss jumps to
// a stub that stores the registers dirty there, and a fault at an access
// takes them from the host registers the signal handler saved (memSite).
// So CPU.R is exact wherever compiled code is left: a fault, a side exit
// or the interpreter taking over at an op sees tier 1's state.
//
// The cache is forgotten where control can arrive from elsewhere: at the
// block entry, after a step in Go (which may change any register) and
// after an op with internal branches whose paths cached different things.

// cacheRegs are the host registers that hold cached guest registers. RAX,
// RCX and RDX are the lowering's scratch; R13-R15 are pinned. RBP is
// free: jitCall saves it.
var cacheRegs = []x64.Reg{x64.RBX, x64.RDI, x64.RSI, x64.R8, x64.R9, x64.R10, x64.R11, x64.R12, x64.RBP}

type regCache struct {
	guest [16]int   // host register -> guest register, -1 none
	host  [256]int8 // guest register -> host register, -1 none
	dirty [16]bool  // host register holds a value not yet in CPU.R
}

func (rc *regCache) reset() {
	for i := range rc.guest {
		rc.guest[i] = -1
		rc.dirty[i] = false
	}
	for i := range rc.host {
		rc.host[i] = -1
	}
}

// lookup returns the host register caching guest register r.
func (rc *regCache) lookup(r uint8) (x64.Reg, bool) {
	if h := rc.host[r]; h >= 0 {
		return x64.Reg(h), true
	}
	return 0, false
}

// assign makes h the cache of r (dropping whatever both held).
func (rc *regCache) assign(r uint8, h x64.Reg) {
	if old := rc.guest[h]; old >= 0 {
		rc.host[old] = -1
	}
	if oh := rc.host[r]; oh >= 0 {
		rc.guest[oh] = -1
	}
	rc.guest[h] = int(r)
	rc.host[r] = int8(h)
}

// victim picks a cache register for a new guest register: a free one, or
// else the one whose guest register the block uses again furthest ahead
// (Belady's choice: the block's future ops are known), a clean one first
// among equals.
func (c *jitCompiler) victim(keep ...x64.Reg) x64.Reg {
	best, bestDist := x64.NoReg, -1
	for _, h := range cacheRegs {
		if hasReg(keep, h) {
			continue
		}
		g := c.rc.guest[h]
		if g < 0 {
			return h
		}
		d := 2 * c.nextUse(uint8(g))
		if !c.rc.dirty[h] {
			d++
		}
		if d > bestDist {
			best, bestDist = h, d
		}
	}
	return best
}

// nextUse is how many ops ahead guest register r is next named by an op
// (from the current one), up to a horizon.
func (c *jitCompiler) nextUse(r uint8) int {
	const horizon = 64
	ops := c.b.Ops
	for j := c.cur; j < len(ops) && j < c.cur+horizon; j++ {
		if op := &ops[j]; op.A == r || op.B == r || op.C == r || op.Dst == r {
			return j - c.cur
		}
	}
	return horizon
}

func hasReg(l []x64.Reg, r x64.Reg) bool {
	for _, x := range l {
		if x == r {
			return true
		}
	}
	return false
}

// reg returns a host register holding guest register r, loading it into
// the cache when it is not there. keep are host registers the caller still
// needs (not evicted).
func (c *jitCompiler) reg(r uint8, keep ...x64.Reg) x64.Reg {
	c.noteRead(r)
	if h, ok := c.rc.lookup(r); ok {
		return h
	}
	h := c.take(keep...)
	c.a.Load(true, h, regMem(r))
	c.rc.assign(r, h)
	return h
}

// take frees a cache register for a new guest register, storing the value
// it held when that is dirty. The code it emits leaves the flags alone.
func (c *jitCompiler) take(keep ...x64.Reg) x64.Reg {
	h := c.victim(keep...)
	if g := c.rc.guest[h]; g >= 0 && c.rc.dirty[h] {
		c.a.Store(8, regMem(uint8(g)), h)
	}
	c.rc.dirty[h] = false
	return h
}

// flush stores every dirty cached register to CPU.R (the cache stays
// valid). Emitted before anything that can leave compiled code.
func (c *jitCompiler) flush() {
	for _, h := range cacheRegs {
		if g := c.rc.guest[h]; g >= 0 && c.rc.dirty[h] {
			c.a.Store(8, regMem(uint8(g)), h)
			c.rc.dirty[h] = false
		}
	}
}

// forget drops guest register r from the cache without storing it (its
// cached value is stale).
func (rc *regCache) forget(r uint8) {
	if h := rc.host[r]; h >= 0 {
		rc.guest[h] = -1
		rc.dirty[h] = false
		rc.host[r] = -1
	}
}

// regStore is a dirty cache register and the guest register it holds.
type regStore struct {
	host  x64.Reg
	guest uint8
}

// dirtySet lists the dirty cache registers (nil when none).
func (rc *regCache) dirtySet() []regStore {
	var l []regStore
	for _, h := range cacheRegs {
		if g := rc.guest[h]; g >= 0 && rc.dirty[h] {
			l = append(l, regStore{h, uint8(g)})
		}
	}
	return l
}

// dropStore removes host register h from l.
func dropStore(l []regStore, h x64.Reg) []regStore {
	var out []regStore
	for _, s := range l {
		if s.host != h {
			out = append(out, s)
		}
	}
	return out
}

func sameStores(x, y []regStore) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// isTemp reports whether r is one of the target's block-local
// temporaries, dead wherever a block starts.
func (c *jitCompiler) isTemp(r uint8) bool { return r >= c.temps[0] && r < c.temps[1] }

// liveStores drops the temporaries from l: a direct exit leads to a block
// start, where they are dead.
func (c *jitCompiler) liveStores(l []regStore) []regStore {
	var out []regStore
	for _, s := range l {
		if !c.isTemp(s.guest) {
			out = append(out, s)
		}
	}
	return out
}

// flushLive is flush before a jump to another block: temporaries are
// dropped rather than stored.
func (c *jitCompiler) flushLive() {
	for _, h := range cacheRegs {
		if g := c.rc.guest[h]; g >= 0 && c.isTemp(uint8(g)) {
			c.rc.dirty[h] = false
		}
	}
	c.flush()
}

// def returns the cache register that will hold a new value of guest
// register r (its old value is not loaded), marked dirty. keep are host
// registers the caller still needs.
func (c *jitCompiler) def(r uint8, keep ...x64.Reg) x64.Reg {
	h, ok := c.rc.lookup(r)
	if !ok {
		h = c.take(keep...)
		c.rc.assign(r, h)
	}
	c.rc.dirty[h] = true
	return h
}

// dstFromA returns Dst's cache register holding a copy of A, ready for an
// op to work on in place (Dst = A op ...). The caller makes sure B is not
// Dst unless it is also A.
func (c *jitCompiler) dstFromA(op *Op) x64.Reg {
	if op.A == op.Dst {
		h := c.reg(op.Dst)
		c.rc.dirty[h] = true
		return h
	}
	if op.A == RegZero || op.A == c.zero {
		h := c.def(op.Dst)
		c.a.AluRR(false, x64.XOR, h, h)
		return h
	}
	hA := c.reg(op.A)
	h := c.def(op.Dst, hA)
	c.a.MovRR(true, h, hA)
	return h
}
