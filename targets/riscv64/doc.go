// Package riscv64 is the RV64IMAFDC guest CPU (with Zicsr, Zifencei, Zba,
// Zbb and Zbs) for user mode: decoder, lowering to the translate micro-op
// IR, and the conventions the loader and the Linux personality need.
//
// Decoding is table-driven: one row per 32-bit encoding (table.go,
// table_fp.go) with mask, match, mnemonic, immediate format, operand list,
// validity checks and a lowering function; rows are bucketed by major
// opcode and funct3. Compressed instructions expand to their 32-bit
// equivalents through a second table (rvc.go), so each instruction has one
// semantics function. The decoder agrees with golang.org/x/arch's
// riscv64asm on every encoding both know, except where x/arch is wrong or
// more permissive; decode_test.go lists each difference with its reason.
//
// Lowering: integer instructions become single generic ops with x0
// operands folded; writes to x0 are dropped unless the instruction has a
// side effect (loads, AMOs, CSR and FP helpers write translate.RegSink).
// CSR access, fetch faults and all FP arithmetic, comparison and
// conversion are OpCall helpers (csr.go, fp.go) built on translate/fpu;
// FP loads, stores, moves and fsgnj.d are plain ops.
//
// State layout in translate.CPU.R: x0..x31, f0..f31 (raw bits, singles
// NaN-boxed), fflags, frm, then block-local temporaries (regs.go).
//
// Tests: semantics tests assemble small programs and run them on the
// interpreter; TestDifferentialQEMU runs random straight-line programs
// under qemu-riscv64 and compares registers, fcsr and memory
// (GEMU_DIFF_PROGS=n[,seed] for longer campaigns); FuzzDecode and FuzzExec
// must never panic.
package riscv64
