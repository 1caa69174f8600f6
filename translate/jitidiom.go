package translate

// Idioms tier 2 lowers as one host instruction.

// rotateW lowers the 32-bit rotate RISC-V compilers write without Zbb
// (Go's bits.RotateLeft32 under rva20u64): SRLIW t, x, k and SLLIW u, x,
// 32-k in either order, then OR d, t, u with d one of t and u, as one RORX.
// The other of t and u is not written, so it must be dead: overwritten
// before anything reads it or compiled code can be left. It returns the
// index after the idiom, or 0 when ops[i:] does not start with one.
func (c *jitCompiler) rotateW(i int) int {
	x, d, k, ok := c.rotateWMatch(i)
	if !ok {
		return 0
	}
	hx := c.reg(x)
	h := c.def(d, hx)
	c.a.Rorx(false, h, hx, k)
	c.a.Movsxd(h, h)
	return i + 3
}

// rotateWMatch finds the idiom at ops[i]: d = x rotated right by k.
func (c *jitCompiler) rotateWMatch(i int) (x, d, k uint8, ok bool) {
	ops := c.b.Ops
	if i+2 >= len(ops) {
		return
	}
	first, second, or := &ops[i], &ops[i+1], &ops[i+2]
	srl, sll := first, second
	if first.Code == OpSllIW {
		srl, sll = second, first
	}
	x, k = srl.A, uint8(srl.Imm&31)
	switch {
	case srl.Code != OpSrlIW || sll.Code != OpSllIW || or.Code != OpOr || sll.A != x || k == 0 ||
		sll.Imm&31 != int64(32-k) || first.Dst == x || srl.Dst == sll.Dst:
		return
	case !(or.A == srl.Dst && or.B == sll.Dst) && !(or.A == sll.Dst && or.B == srl.Dst):
		return
	}
	d, other := or.Dst, sll.Dst
	if d == sll.Dst {
		other = srl.Dst
	} else if d != srl.Dst {
		return
	}
	if d >= RegZero || x == RegZero || x == c.zero || (other < RegZero && !c.deadAt(other, i+3)) {
		return
	}
	return x, d, k, true
}

// deadAt reports whether guest register r is written, by a plain register
// op, before any op reads it or may leave compiled code, from ops[j] on.
func (c *jitCompiler) deadAt(r uint8, j int) bool {
	for ; j < len(c.b.Ops); j++ {
		op := &c.b.Ops[j]
		if op.Code >= OpLoad8 || op.A == r || op.B == r || op.C == r {
			return false
		}
		if op.Dst == r {
			return true
		}
	}
	return false
}
