package usermode

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/gemu-project/gemu/translate"
)

// The translation archive of a process tree (translate/archive.go, issue
// #16): made at a process's first fork or execve in place, with the blocks
// translated so far; a fork child maps its parent's (the descriptor is
// passed in the fork state); an execve in place keeps it. A process that
// never forks or execs has none and pays nothing for it.

// noArchive is GEMU_ARCHIVE=off: every process translates for itself.
var noArchive = os.Getenv("GEMU_ARCHIVE") == "off"

// archiveKey is the translation key of p's guest, "" when its target
// cannot archive.
func (p *Process) archiveKey() string {
	if k, ok := p.arch.(translate.TranslationKeyer); ok && !noArchive {
		return k.TranslationKey()
	}
	return ""
}

// ensureArchive gives p an archive holding the blocks it has translated.
func (p *Process) ensureArchive() {
	key := p.archiveKey()
	if p.archive != nil || key == "" || p.engine == nil {
		return
	}
	fd, err := OwnFD(func() (int, error) { return unix.MemfdCreate("gemu-tb", unix.MFD_CLOEXEC) })
	if err != nil {
		return
	}
	a, err := translate.CreateArchive(fd, key)
	if err != nil {
		UnparkFD(fd)
		return
	}
	p.archive = a
	p.engine.SetArchive(a)
}

// adoptArchive maps the archive a fork child inherited at fd, as one of
// gemu's own descriptors (the inherited number is closed).
func (p *Process) adoptArchive(fd int) {
	defer unix.Close(fd)
	key := p.archiveKey()
	if key == "" {
		return
	}
	own, err := OwnFD(func() (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0) })
	if err != nil {
		return
	}
	a, err := translate.OpenArchive(own, key)
	if err != nil {
		UnparkFD(own)
		return
	}
	p.archive = a
}
