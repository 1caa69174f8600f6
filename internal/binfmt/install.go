package binfmt

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// DefaultBinfmtD is where --persistent writes: systemd-binfmt reads
// /etc/binfmt.d/*.conf at boot (binfmt.d(5)).
const DefaultBinfmtD = "/etc/binfmt.d"

// Installer registers gemu's entries and removes them again.
type Installer struct {
	Sys System
	// BinfmtD is the directory of the binfmt.d files written with
	// persistent (DefaultBinfmtD).
	BinfmtD string
	// StateFile records the entries of others that Install disabled, so
	// that Uninstall enables them again: lines "ours<TAB>theirs". It
	// belongs under /run, which is gone after a reboot as the
	// registrations are.
	StateFile string
	// Scope, when set, limits the conflict check to entries whose names
	// start with it: tests register under a unique prefix and must not
	// disable the machine's own entries.
	Scope string
	// Out gets one line per change made.
	Out io.Writer
}

// ConflictError says that enabled entries of others already run the
// programs an entry of ours would.
type ConflictError struct {
	Entry  Entry
	Others []Entry
}

func (e *ConflictError) Error() string {
	var names []string
	for _, o := range e.Others {
		names = append(names, fmt.Sprintf("%s (interpreter %s)", o.Name, o.Interpreter))
	}
	return fmt.Sprintf("binfmt_misc entry %s already runs %s programs", strings.Join(names, ", "), e.Entry.Describe())
}

// Install registers entries, replacing entries of the same names. An
// enabled entry of another name that matches the same files is a
// conflict: without replace nothing changes and the error is a
// *ConflictError; with replace that entry is disabled (not removed: it
// can be enabled again, and Uninstall does) after ours is registered.
// With persistent each entry is also written to BinfmtD/<name>.conf.
func (in Installer) Install(entries []Entry, replace, persistent bool) error {
	existing, err := in.Sys.List()
	if err != nil {
		return err
	}
	conflicts := make([][]Entry, len(entries))
	for i, e := range entries {
		conflicts[i] = in.conflicts(e, existing)
		if len(conflicts[i]) > 0 && !replace {
			return &ConflictError{Entry: e, Others: conflicts[i]}
		}
	}
	for i, e := range entries {
		if err := in.install(e, conflicts[i], has(existing, e.Name), persistent); err != nil {
			return err
		}
	}
	return nil
}

// conflicts lists the enabled entries in scope, other than e's name,
// that match a file e matches.
func (in Installer) conflicts(e Entry, existing []Entry) []Entry {
	var out []Entry
	for _, x := range existing {
		if x.Name != e.Name && x.Enabled && strings.HasPrefix(x.Name, in.Scope) && Overlaps(x, e) {
			out = append(out, x)
		}
	}
	return out
}

func has(entries []Entry, name string) bool {
	for _, e := range entries {
		if e.Name == name {
			return true
		}
	}
	return false
}

// install registers one entry, then disables the entries it replaces.
func (in Installer) install(e Entry, replaces []Entry, exists, persistent bool) error {
	if exists {
		if err := in.Sys.Remove(e.Name); err != nil {
			return err
		}
	}
	if err := in.Sys.Register(e); err != nil {
		return err
	}
	in.say("registered %s: %s programs run by %s (flags %s)", e.Name, e.Describe(), e.Interpreter, e.Flags)
	for _, x := range replaces {
		if err := in.Sys.SetEnabled(x.Name, false); err != nil {
			return err
		}
		if err := in.record(e.Name, x.Name); err != nil {
			return err
		}
		in.say("disabled %s (interpreter %s) in favour of %s; uninstalling %s enables it again", x.Name, x.Interpreter, e.Name, e.Name)
	}
	if persistent {
		return in.writeConf(e)
	}
	return nil
}

// Uninstall removes the named entries (only those: never an entry of
// others), enables again what installing them disabled, and with
// persistent removes their binfmt.d files.
func (in Installer) Uninstall(names []string, persistent bool) error {
	existing, err := in.Sys.List()
	if err != nil {
		return err
	}
	for _, n := range names {
		if has(existing, n) {
			if err := in.Sys.Remove(n); err != nil {
				return err
			}
			in.say("removed %s", n)
		} else {
			in.say("%s is not registered", n)
		}
		if err := in.restore(n, existing); err != nil {
			return err
		}
		if persistent {
			if err := in.removeConf(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// restore enables the entries that installing ours disabled, if they
// are still there and disabled, and forgets them.
func (in Installer) restore(ours string, existing []Entry) error {
	pairs, err := in.readState()
	if err != nil {
		return err
	}
	var keep [][2]string
	for _, p := range pairs {
		if p[0] != ours {
			keep = append(keep, p)
			continue
		}
		for _, x := range existing {
			if x.Name == p[1] && !x.Enabled {
				if err := in.Sys.SetEnabled(x.Name, true); err != nil {
					return err
				}
				in.say("enabled %s again", x.Name)
			}
		}
	}
	if len(keep) == len(pairs) {
		return nil
	}
	return in.writeState(keep)
}

func (in Installer) say(format string, args ...any) {
	if in.Out != nil {
		fmt.Fprintf(in.Out, format+"\n", args...)
	}
}

// record adds "ours<TAB>theirs" to the state file.
func (in Installer) record(ours, theirs string) error {
	pairs, err := in.readState()
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if p == [2]string{ours, theirs} {
			return nil
		}
	}
	return in.writeState(append(pairs, [2]string{ours, theirs}))
}

const stateHeader = "# binfmt_misc entries gemu binfmt install --replace disabled: gemu's entry, then the disabled one\n"

func (in Installer) readState() ([][2]string, error) {
	if in.StateFile == "" {
		return nil, nil
	}
	b, err := os.ReadFile(in.StateFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var pairs [][2]string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if ours, theirs, ok := strings.Cut(sc.Text(), "\t"); ok && !strings.HasPrefix(ours, "#") {
			pairs = append(pairs, [2]string{ours, theirs})
		}
	}
	return pairs, nil
}

// writeState rewrites the state file; with nothing to keep it goes.
func (in Installer) writeState(pairs [][2]string) error {
	if in.StateFile == "" {
		return nil
	}
	if len(pairs) == 0 {
		err := os.Remove(in.StateFile)
		if errors.Is(err, os.ErrNotExist) {
			err = nil
		}
		return err
	}
	var b strings.Builder
	b.WriteString(stateHeader)
	for _, p := range pairs {
		b.WriteString(p[0] + "\t" + p[1] + "\n")
	}
	if err := os.MkdirAll(filepath.Dir(in.StateFile), 0o755); err != nil {
		return err
	}
	return os.WriteFile(in.StateFile, []byte(b.String()), 0o644)
}

// ConfPath is the binfmt.d file of an entry.
func (in Installer) ConfPath(name string) string {
	return filepath.Join(in.BinfmtD, name+".conf")
}

// Conf is the binfmt.d file for an entry: a comment and its line.
func Conf(e Entry) (string, error) {
	line, err := e.Line()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("# gemu: %s programs run by %s (gemu binfmt; binfmt.d(5))\n%s\n", e.Describe(), e.Interpreter, line), nil
}

func (in Installer) writeConf(e Entry) error {
	text, err := Conf(e)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(in.BinfmtD, 0o755); err != nil {
		return err
	}
	p := in.ConfPath(e.Name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		return err
	}
	in.say("wrote %s", p)
	return nil
}

func (in Installer) removeConf(name string) error {
	p := in.ConfPath(name)
	err := os.Remove(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	}
	in.say("removed %s", p)
	return nil
}
