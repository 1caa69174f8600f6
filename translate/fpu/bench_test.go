package fpu

import (
	"math"
	"testing"
)

var sink64 uint64
var sink32 uint32

// Operands for the fast path: normal, inexact results.
var benchA = [4]uint64{f64b(1.1), f64b(-3.7), f64b(2.5e10), f64b(7.25e-3)}
var benchB = [4]uint64{f64b(0.3), f64b(1.9), f64b(-4.1e-2), f64b(123.456)}

func benchOp2(b *testing.B, fast bool, fn func(e *Env, x, y uint64) uint64) {
	fastPath = fast
	defer func() { fastPath = true }()
	e := Env{}
	var s uint64
	for i := 0; b.Loop(); i++ {
		s += fn(&e, benchA[i&3], benchB[i&3])
	}
	sink64 = s
}

func BenchmarkAdd64(b *testing.B)     { benchOp2(b, true, Add64) }
func BenchmarkMul64(b *testing.B)     { benchOp2(b, true, Mul64) }
func BenchmarkDiv64(b *testing.B)     { benchOp2(b, true, Div64) }
func BenchmarkAdd64Slow(b *testing.B) { benchOp2(b, false, Add64) }
func BenchmarkMul64Slow(b *testing.B) { benchOp2(b, false, Mul64) }
func BenchmarkDiv64Slow(b *testing.B) { benchOp2(b, false, Div64) }

func benchMulAdd(b *testing.B, fast bool) {
	fastPath = fast
	defer func() { fastPath = true }()
	e := Env{}
	var s uint64
	for i := 0; b.Loop(); i++ {
		s += MulAdd64(&e, benchA[i&3], benchB[i&3], benchA[(i+1)&3])
	}
	sink64 = s
}

func BenchmarkMulAdd64(b *testing.B)     { benchMulAdd(b, true) }
func BenchmarkMulAdd64Slow(b *testing.B) { benchMulAdd(b, false) }

func BenchmarkSqrt64(b *testing.B) {
	e := Env{}
	var s uint64
	for i := 0; b.Loop(); i++ {
		s += Sqrt64(&e, benchA[i&3]&^(1<<63))
	}
	sink64 = s
}

func BenchmarkAdd64RTZ(b *testing.B) {
	e := Env{RM: RTZ}
	var s uint64
	for i := 0; b.Loop(); i++ {
		s += Add64(&e, benchA[i&3], benchB[i&3])
	}
	sink64 = s
}

func BenchmarkMulAdd32(b *testing.B) {
	e := Env{}
	var s uint32
	for i := 0; b.Loop(); i++ {
		x := math.Float32bits(float32(math.Float64frombits(benchA[i&3])))
		y := math.Float32bits(float32(math.Float64frombits(benchB[i&3])))
		s += MulAdd32(&e, x, y, x)
	}
	sink32 = s
}

// BenchmarkHostAdd is the floor: a plain host add through the same loop.
func BenchmarkHostAdd(b *testing.B) {
	var s uint64
	for i := 0; b.Loop(); i++ {
		s += math.Float64bits(math.Float64frombits(benchA[i&3]) + math.Float64frombits(benchB[i&3]))
	}
	sink64 = s
}
