package usermode

import (
	"debug/elf"
	"encoding/binary"
	"errors"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/loader"
	"github.com/gemu-project/gemu/syscalls/linux"
	"github.com/gemu-project/gemu/translate"
)

// The fork state's encoding: little-endian 64-bit fields, strings and
// lists with their length first, in the order of the struct fields.
// JSON's reflection cost a fork child about 0.4 ms of its start (issue
// #16); TestForkStateRoundTrip fills every field and checks that it
// comes back, so a field added to forkState must be added here.

var errShortState = errors.New("short fork state")

type stateWriter struct{ b []byte }

func (w *stateWriter) u64(v uint64) { w.b = binary.LittleEndian.AppendUint64(w.b, v) }
func (w *stateWriter) i64(v int64)  { w.u64(uint64(v)) }
func (w *stateWriter) str(s string) { w.u64(uint64(len(s))); w.b = append(w.b, s...) }
func (w *stateWriter) flag(v bool) {
	if v {
		w.u64(1)
	} else {
		w.u64(0)
	}
}
func (w *stateWriter) i32s(v []int32) {
	w.u64(uint64(len(v)))
	for _, x := range v {
		w.i64(int64(x))
	}
}

func (w *stateWriter) rlimit(r *unix.Rlimit) {
	w.flag(r != nil)
	if r != nil {
		w.u64(r.Cur)
		w.u64(r.Max)
	}
}

type stateReader struct {
	b   []byte
	err error
}

func (r *stateReader) u64() uint64 {
	if len(r.b) < 8 {
		r.err, r.b = errShortState, nil
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *stateReader) i64() int64 { return int64(r.u64()) }
func (r *stateReader) flag() bool { return r.u64() != 0 }

// count reads a length of items at least size bytes each.
func (r *stateReader) count(size int) int {
	n := r.u64()
	if n > uint64(len(r.b)/size) {
		r.err, r.b = errShortState, nil
		return 0
	}
	return int(n)
}

func (r *stateReader) str() string {
	n := r.count(1)
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *stateReader) i32s() []int32 {
	n := r.count(8)
	if n == 0 {
		return nil
	}
	v := make([]int32, n)
	for i := range v {
		v[i] = int32(r.i64())
	}
	return v
}

func (r *stateReader) rlimit() *unix.Rlimit {
	if !r.flag() {
		return nil
	}
	return &unix.Rlimit{Cur: r.u64(), Max: r.u64()}
}

func encodeForkState(st *forkState) []byte {
	w := &stateWriter{b: make([]byte, 0, 8192)}
	w.str(st.Arch)
	encodeImage(w, &st.Image)
	for _, v := range st.R {
		w.u64(v)
	}
	w.u64(st.PC)
	w.u64(st.Brk)
	w.u64(st.Tramp)
	for _, a := range st.Sigacts {
		w.u64(a.Handler)
		w.u64(a.Flags)
		w.u64(a.Restorer)
		w.u64(a.Mask)
	}
	w.u64(st.Mask)
	w.u64(st.Alt.SP)
	w.i64(int64(st.Alt.Flags))
	w.u64(st.Alt.Size)
	for _, v := range []uint64{st.ClearTID, st.SetTID, st.MmapBase, st.MinAddr} {
		w.u64(v)
	}
	w.u64(uint64(len(st.VMAs)))
	for _, v := range st.VMAs {
		encodeVMA(w, v.VMA)
		w.i64(v.Data)
		w.i64(int64(v.FD))
		w.i64(v.FDOff)
	}
	w.u64(uint64(len(st.Files)))
	for _, f := range st.Files {
		w.u64(f.Start)
		w.u64(f.End)
		w.i64(int64(f.FD))
		w.i64(f.Off)
	}
	w.i32s(st.Cloexec)
	w.i32s(st.Shared)
	w.u64(uint64(st.Persona))
	w.rlimit(st.Sigpending)
	w.rlimit(st.Stack)
	w.i64(int64(st.Archive))
	w.str(st.Seccomp)
	return w.b
}

func decodeForkState(b []byte) (*forkState, error) {
	r := &stateReader{b: b}
	st := &forkState{Arch: r.str()}
	decodeImage(r, &st.Image)
	for i := range st.R {
		st.R[i] = r.u64()
	}
	st.PC, st.Brk, st.Tramp = r.u64(), r.u64(), r.u64()
	for i := range st.Sigacts {
		st.Sigacts[i] = linux.Sigaction{Handler: r.u64(), Flags: r.u64(), Restorer: r.u64(), Mask: r.u64()}
	}
	st.Mask = r.u64()
	st.Alt = linux.StackT{SP: r.u64(), Flags: int32(r.i64()), Size: r.u64()}
	st.ClearTID, st.SetTID, st.MmapBase, st.MinAddr = r.u64(), r.u64(), r.u64(), r.u64()
	if n := r.count(8); n > 0 {
		st.VMAs = make([]forkVMA, n)
		for i := range st.VMAs {
			st.VMAs[i] = forkVMA{VMA: decodeVMA(r), Data: r.i64(), FD: int32(r.i64()), FDOff: r.i64()}
		}
	}
	if n := r.count(8); n > 0 {
		st.Files = make([]forkFile, n)
		for i := range st.Files {
			st.Files[i] = forkFile{Start: r.u64(), End: r.u64(), FD: int32(r.i64()), Off: r.i64()}
		}
	}
	st.Cloexec, st.Shared = r.i32s(), r.i32s()
	st.Persona = uint32(r.u64())
	st.Sigpending, st.Stack = r.rlimit(), r.rlimit()
	st.Archive = int32(r.i64())
	st.Seccomp = r.str()
	if r.err == nil && len(r.b) != 0 {
		r.err = errors.New("fork state: trailing bytes")
	}
	return st, r.err
}

func encodeImage(w *stateWriter, img *loader.Image) {
	w.str(img.Path)
	w.u64(uint64(img.Machine))
	w.i64(int64(img.OS))
	w.u64(img.Entry)
	w.u64(img.ProgEntry)
	w.u64(img.LoadBias)
	w.str(img.Interp)
	w.str(img.InterpPath)
	for _, v := range []uint64{img.InterpBase, img.Phdr, img.Phent, img.Phnum, img.BrkStart, img.CodeStart,
		img.DataEnd, img.SP, img.StackLow, img.StackHigh, img.ArgStart, img.ArgEnd, img.EnvStart, img.EnvEnd,
		uint64(img.OSRel), img.PSStrings} {
		w.u64(v)
	}
	w.flag(img.SPInArg0)
	w.u64(uint64(len(img.Auxv)))
	for _, a := range img.Auxv {
		w.u64(a.Tag)
		w.u64(a.Val)
	}
}

func decodeImage(r *stateReader, img *loader.Image) {
	img.Path = r.str()
	img.Machine = elf.Machine(r.u64())
	img.OS = loader.OS(r.i64())
	img.Entry, img.ProgEntry, img.LoadBias = r.u64(), r.u64(), r.u64()
	img.Interp, img.InterpPath = r.str(), r.str()
	for _, p := range []*uint64{&img.InterpBase, &img.Phdr, &img.Phent, &img.Phnum, &img.BrkStart, &img.CodeStart,
		&img.DataEnd, &img.SP, &img.StackLow, &img.StackHigh, &img.ArgStart, &img.ArgEnd, &img.EnvStart, &img.EnvEnd} {
		*p = r.u64()
	}
	img.OSRel, img.PSStrings = uint32(r.u64()), r.u64()
	img.SPInArg0 = r.flag()
	if n := r.count(16); n > 0 {
		img.Auxv = make([]loader.AuxEntry, n)
		for i := range img.Auxv {
			img.Auxv[i] = loader.AuxEntry{Tag: r.u64(), Val: r.u64()}
		}
	}
}

func encodeVMA(w *stateWriter, v translate.VMA) {
	w.u64(v.Start)
	w.u64(v.End)
	w.i64(int64(v.Prot))
	w.flag(v.Shared)
	w.flag(v.Anon)
	w.i64(v.Offset)
	w.str(v.Name)
	w.i64(int64(v.SysV))
	w.flag(v.Grows)
	w.flag(v.Sealed)
}

func decodeVMA(r *stateReader) translate.VMA {
	return translate.VMA{Start: r.u64(), End: r.u64(), Prot: int(r.i64()), Shared: r.flag(), Anon: r.flag(),
		Offset: r.i64(), Name: r.str(), SysV: int(r.i64()), Grows: r.flag(), Sealed: r.flag()}
}
