// Package gdbstub is gemu's GDB remote stub (gemu -g): gdb or
// gdb-multiarch connects with `target remote` and debugs the guest
// program as it would a native one.
//
// It speaks the GDB Remote Serial Protocol as the GDB manual describes it
// (appendix "GDB Remote Serial Protocol": "Overview", "Packets", "Stop
// Reply Packets", "General Query Packets", "Interrupts", "Notification
// Packets" are not used) and describes the guest CPU with a target
// description ("Target Descriptions", "Standard Target Features"). The
// code is written from that documentation.
//
// What it offers:
//   - framing with checksums and acks, QStartNoAckMode, Ctrl-C interrupts;
//   - qSupported (PacketSize, qXfer:features/exec-file/auxv:read, swbreak,
//     hwbreak, vContSupported), target.xml for aarch64 (core, fpu with
//     v0-v31, fpsr, fpcr) and riscv64 (cpu, fpu, csr with fflags, frm,
//     fcsr);
//   - ?, g/G, p/P, m/M/X, Z0/Z1 breakpoints, Z2/Z3/Z4 watchpoints, c/C/s/S,
//     vCont (c, C, s, S, t with thread ids), threads (qfThreadInfo,
//     qsThreadInfo, qC, Hg/Hc, T), qAttached;
//   - stop replies T with thread: and swbreak:/hwbreak:/watch:/rwatch:/
//     awatch:, signals in GDB's numbering, W/X when the guest exits or
//     dies, k/vKill, D (the guest runs on without the stub).
//
// Breakpoints, stepping and watchpoints are the engine's
// (translate/debug.go); threads stop all together (Stub). The register
// map is a table per machine (regs.go).
//
// TODO(#6): non-stop mode, multiprocess extensions and fork/exec
// following, qXfer:threads and libraries (shared-library guests are
// debugged through GDB reading the link map itself), vFile (GDB reads the
// program from the host file system; give it the file), conditional
// breakpoints evaluated by the stub.
package gdbstub
