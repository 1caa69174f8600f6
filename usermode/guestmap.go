package usermode

import (
	"github.com/gemu-project/gemu/translate"
	"golang.org/x/sys/unix"
)

// MapSharedAnon backs anonymous shared memory with a memfd, so that a
// fork child, which re-executes gemu, can map the same pages (docs/design.md
// "fork"). Linux names such a mapping "/dev/zero (deleted)" (mm/shmem.c
// shmem_zero_setup).
func (t *Thread) MapSharedAnon(spec translate.MapSpec) uint64 {
	mfd, err := HostFD(func() (int, error) { return unix.MemfdCreate("gemu-shared", unix.MFD_CLOEXEC) })
	if err != nil {
		return ErrRet(err)
	}
	defer unix.Close(mfd)
	if err := unix.Ftruncate(mfd, int64(PageUp(spec.Length))); err != nil {
		return ErrRet(err)
	}
	spec.FD, spec.Offset, spec.Name = mfd, 0, "/dev/zero (deleted)"
	got, err := t.P.AS.Map(spec)
	if err != nil {
		return ErrRet(err)
	}
	t.P.Backing.Add(mfd)
	return got
}
