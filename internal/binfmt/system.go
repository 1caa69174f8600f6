package binfmt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// DefaultDir is where binfmt_misc is mounted.
const DefaultDir = "/proc/sys/fs/binfmt_misc"

// System is a binfmt_misc mount: Dir holds the register and status files
// and one file per entry (a temporary directory stands in for it in
// tests).
type System struct {
	Dir string
}

// Mounted reports whether Dir is a binfmt_misc mount (its register file
// exists).
func (s System) Mounted() bool {
	_, err := os.Stat(filepath.Join(s.Dir, "register"))
	return err == nil
}

// Mount mounts binfmt_misc on Dir unless it is mounted already, as
// systemd's proc-sys-fs-binfmt_misc.mount does:
// mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc.
func (s System) Mount() error {
	if s.Mounted() {
		return nil
	}
	if err := unix.Mount("binfmt_misc", s.Dir, "binfmt_misc", 0, ""); err != nil {
		return fmt.Errorf("binfmt_misc is not mounted on %s and mounting it failed: %v", s.Dir, err)
	}
	return nil
}

// Enabled reports the status file: binfmt_misc as a whole on or off.
func (s System) Enabled() bool {
	b, err := os.ReadFile(filepath.Join(s.Dir, "status"))
	return err == nil && strings.TrimSpace(string(b)) == "enabled"
}

// List reads every entry, sorted by name.
func (s System) List() ([]Entry, error) {
	des, err := os.ReadDir(s.Dir)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, de := range des {
		if de.Name() == "register" || de.Name() == "status" {
			continue
		}
		e, err := s.Get(de.Name())
		if errors.Is(err, os.ErrNotExist) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Get reads one entry.
func (s System) Get(name string) (Entry, error) {
	b, err := os.ReadFile(filepath.Join(s.Dir, name))
	if err != nil {
		return Entry{}, err
	}
	return Parse(name, b)
}

// Register adds an entry (writes its Line to the register file).
func (s System) Register(e Entry) error {
	line, err := e.Line()
	if err != nil {
		return err
	}
	return s.write("register", line, "register "+e.Name)
}

// Remove unregisters an entry ("-1" to its file).
func (s System) Remove(name string) error {
	return s.write(name, "-1", "remove "+name)
}

// SetEnabled enables ("1") or disables ("0") an entry; a disabled entry
// stays registered and matches nothing.
func (s System) SetEnabled(name string, on bool) error {
	v, what := "0", "disable "
	if on {
		v, what = "1", "enable "
	}
	return s.write(name, v, what+name)
}

// write writes v to a file under Dir, in one write as the kernel wants
// (the kernel's files ignore the position; a test's plain files keep
// every write). The file must exist: the kernel's files do.
func (s System) write(file, v, what string) error {
	f, err := os.OpenFile(filepath.Join(s.Dir, file), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("binfmt_misc: %s: %v", what, err)
	}
	_, err = f.WriteString(v)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("binfmt_misc: %s: %v", what, err)
	}
	return nil
}
