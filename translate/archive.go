package translate

import (
	"errors"
	"hash/fnv"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The translation archive (issue #16): tier 1's blocks, kept outside Go's
// heap in a memfd that a tree of gemu processes shares (fork children
// inherit it, an execve in place keeps it), so that a process running code
// another one has run does not translate it again. A shell's fork child
// and every applet a busybox shell starts run the same program: without the
// archive each translated the same few thousand blocks from scratch, a
// fifth of the CPU time of a configure script.
//
// An entry is the block's ops and the guest code bytes they were made
// from; a process takes an entry only where its own memory holds the same
// bytes, in an executable page, so an entry from another program or from
// code that has changed since is never used. Entries are written once and
// published by a compare-and-swap on their hash bucket; they are never
// changed or removed, and the archive stops growing when full.
//
// Ops hold no pointers but Fn, a top-level function (static data of the
// binary, the same address in every process running this binary: the
// header records one such address and a process where it differs, a
// position-independent build, does not use the archive), and link, which
// the archive stores as nil.

// Archive is a mapped translation archive.
type Archive struct {
	fd  int
	mem []byte
}

// TranslationKeyer is a Target whose translations may be archived: the key
// names everything other than the code bytes that translation depends on
// (the architecture and the -cpu model).
type TranslationKeyer interface {
	TranslationKey() string
}

// Archive layout: a header, the hash buckets, then the entries, all at
// offsets that are multiples of 8 (a bucket holds an entry's offset / 8).
const (
	archiveMagic    = 0x3141425475_6d6567 // "gemuTBA1"
	archiveSize     = 32 << 20
	archiveBuckets  = 1 << 14
	archiveHeader   = 64
	archiveFirst    = archiveHeader + archiveBuckets*4
	archiveEntryHdr = 32
	archiveChain    = 32 // entries looked at per lookup
	archiveMaxOps   = 4096
)

// Header fields (offsets).
const (
	ahMagic  = 0
	ahOpSize = 8
	ahRefFn  = 16
	ahKey    = 24
	ahAlloc  = 32
)

// Entry fields (offsets from the entry): next (uint32, offset/8 of the
// next entry of the bucket), op count (uint32), PC, End, instructions
// (uint32), then the code bytes padded to 8, then the ops.
const (
	aeNext  = 0
	aeNOps  = 4
	aePC    = 8
	aeEnd   = 16
	aeInsns = 24
)

var opSize = unsafe.Sizeof(Op{})

// archiveRefFn is the function whose address the header records.
func archiveRefFn(*CPU, *Op) ExitKind { return ExitNone }

func refFnAddr() uint64 {
	fn := HelperFn(archiveRefFn)
	return uint64(*(*uintptr)(unsafe.Pointer(&fn)))
}

// keyHash is the header's form of a translation key.
func keyHash(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64() | 1
}

// CreateArchive makes a new archive in fd, an empty memfd (or any file
// gemu owns), for translations under key.
func CreateArchive(fd int, key string) (*Archive, error) {
	if err := unix.Ftruncate(fd, archiveSize); err != nil {
		return nil, err
	}
	a, err := mapArchive(fd)
	if err != nil {
		return nil, err
	}
	a.put64(ahOpSize, uint64(opSize))
	a.put64(ahRefFn, refFnAddr())
	a.put64(ahKey, keyHash(key))
	atomic.StoreUint64(a.word64(ahAlloc), archiveFirst)
	atomic.StoreUint64(a.word64(ahMagic), archiveMagic)
	return a, nil
}

// OpenArchive maps the archive in fd (inherited from the process that made
// it) for translations under key; it fails when the archive was made by
// another build, for another key or is not one.
func OpenArchive(fd int, key string) (*Archive, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, err
	}
	if st.Size != archiveSize {
		return nil, errors.New("translation archive: wrong size")
	}
	a, err := mapArchive(fd)
	if err != nil {
		return nil, err
	}
	if atomic.LoadUint64(a.word64(ahMagic)) != archiveMagic || a.get64(ahOpSize) != uint64(opSize) ||
		a.get64(ahRefFn) != refFnAddr() || a.get64(ahKey) != keyHash(key) {
		unix.Munmap(a.mem)
		return nil, errors.New("translation archive: made by another build or for another CPU")
	}
	return a, nil
}

func mapArchive(fd int) (*Archive, error) {
	mem, err := unix.Mmap(fd, 0, archiveSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	return &Archive{fd: fd, mem: mem}, nil
}

// FD is the archive's descriptor.
func (a *Archive) FD() int { return a.fd }

// Close unmaps the archive (the descriptor is the caller's).
func (a *Archive) Close() {
	if a.mem != nil {
		unix.Munmap(a.mem)
		a.mem = nil
	}
}

func (a *Archive) word64(off uint64) *uint64  { return (*uint64)(unsafe.Pointer(&a.mem[off])) }
func (a *Archive) word32(off uint64) *uint32  { return (*uint32)(unsafe.Pointer(&a.mem[off])) }
func (a *Archive) get64(off uint64) uint64    { return *a.word64(off) }
func (a *Archive) put64(off, v uint64)        { *a.word64(off) = v }
func (a *Archive) get32(off uint64) uint32    { return *a.word32(off) }
func (a *Archive) put32(off uint64, v uint32) { *a.word32(off) = v }

func bucketOf(pc uint64) uint64 {
	h := pc * 0x9e3779b97f4a7c15
	return archiveHeader + (h>>48)%archiveBuckets*4
}

func align8(n uint64) uint64 { return (n + 7) &^ 7 }

// codeSum is the hash of guest code that Builder.Fetch keeps: FNV-1a over
// the 16-bit units in address order.
const codeSumStart = 0xcbf29ce484222325

func codeSumAdd(sum uint64, unit uint16) uint64 { return (sum ^ uint64(unit)) * 0x100000001b3 }

func codeSumOf(code []byte) uint64 {
	sum := uint64(codeSumStart)
	for i := 0; i+1 < len(code); i += 2 {
		sum = codeSumAdd(sum, uint16(code[i])|uint16(code[i+1])<<8)
	}
	return sum
}

// load returns a block for pc from the archive when an entry's code bytes
// are those of mem at pc, in an executable page; nil otherwise.
func (a *Archive) load(mem *AddressSpace, pc uint64) *Block {
	off := uint64(atomic.LoadUint32(a.word32(bucketOf(pc)))) * 8
	for i := 0; i < archiveChain && off != 0; i++ {
		if off < archiveFirst || off+archiveEntryHdr > uint64(len(a.mem)) {
			return nil
		}
		if a.get64(off+aePC) == pc {
			if b := a.entryBlock(mem, off, pc); b != nil {
				return b
			}
		}
		off = uint64(a.get32(off+aeNext)) * 8
	}
	return nil
}

// entryBlock checks the entry at off against mem and makes its block.
func (a *Archive) entryBlock(mem *AddressSpace, off, pc uint64) *Block {
	end, n := a.get64(off+aeEnd), uint64(a.get32(off+aeNOps))
	if end <= pc || (end-1)/PageSize != pc/PageSize || n == 0 || n > archiveMaxOps {
		return nil
	}
	codeLen := end - pc
	ops := off + archiveEntryHdr + align8(codeLen)
	if ops+n*uint64(opSize) > uint64(len(a.mem)) {
		return nil
	}
	if p, mapped := mem.ProtAt(pc); !mapped || p&ProtExec == 0 {
		return nil
	}
	code := a.mem[off+archiveEntryHdr : off+archiveEntryHdr+codeLen]
	if string(code) != string(unsafe.Slice((*byte)(mem.hostPtr(pc)), codeLen)) {
		return nil
	}
	b := &Block{PC: pc, End: end, Insns: int(a.get32(off + aeInsns)),
		Ops: keepOps(unsafe.Slice((*Op)(unsafe.Pointer(&a.mem[ops])), n))}
	b.valid.Store(true)
	return b
}

// store adds b, translated from code whose codeSum was sum, unless the
// guest's bytes have changed since, an op calls something other than a
// top-level function, or the archive is full.
func (a *Archive) store(mem *AddressSpace, b *Block, sum uint64) {
	n := uint64(len(b.Ops))
	if b.End <= b.PC || (b.End-1)/PageSize != b.PC/PageSize || n == 0 || n > archiveMaxOps {
		return
	}
	ref := refFnAddr()
	for i := range b.Ops {
		if fn := b.Ops[i].Fn; fn != nil {
			p := uint64(*(*uintptr)(unsafe.Pointer(&fn)))
			// Top-level functions' values are read-only data of the
			// binary, near one another; a closure would be in the heap.
			if p-ref+archiveStaticSpan > 2*archiveStaticSpan {
				return
			}
		}
	}
	codeLen := b.End - b.PC
	size := archiveEntryHdr + align8(codeLen) + n*uint64(opSize)
	off := atomic.AddUint64(a.word64(ahAlloc), size) - size
	if off < archiveFirst || off+size > uint64(len(a.mem)) {
		return // full: the space past the end stays unused
	}
	code := a.mem[off+archiveEntryHdr : off+archiveEntryHdr+codeLen]
	copy(code, unsafe.Slice((*byte)(mem.hostPtr(b.PC)), codeLen))
	if codeSumOf(code) != sum {
		return // changed while it was translated: the entry stays unpublished
	}
	ops := unsafe.Slice((*Op)(unsafe.Pointer(&a.mem[off+archiveEntryHdr+align8(codeLen)])), n)
	copy(ops, b.Ops)
	for i := range ops {
		ops[i].link = nil
	}
	a.put64(off+aePC, b.PC)
	a.put64(off+aeEnd, b.End)
	a.put32(off+aeNOps, uint32(n))
	a.put32(off+aeInsns, uint32(b.Insns))
	bucket := a.word32(bucketOf(b.PC))
	for {
		head := atomic.LoadUint32(bucket)
		a.put32(off+aeNext, head)
		if atomic.CompareAndSwapUint32(bucket, head, uint32(off/8)) {
			return
		}
	}
}

// archiveStaticSpan bounds the distance of a top-level function's value
// from archiveRefFn's: the binary's read-only data is a few MiB, Go's heap
// is elsewhere (0xc000000000 on amd64).
const archiveStaticSpan = 256 << 20

// Used reports the bytes the entries take.
func (a *Archive) Used() uint64 {
	return min(atomic.LoadUint64(a.word64(ahAlloc)), uint64(len(a.mem))) - archiveFirst
}
