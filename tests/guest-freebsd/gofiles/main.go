// Command gofiles is a FreeBSD guest fixture: files and directories through
// os (CreateTemp, write, read, seek, stat, truncate, readdir, rename,
// symlink, chmod, remove). Only names it chose and sizes and modes are
// printed: never the temporary directory's random name.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	dir, err := os.MkdirTemp("", "gemu-gofiles-")
	check(err)
	defer os.RemoveAll(dir)
	fmt.Println("gofiles: start")
	readWrite(dir)
	directory(dir)
	renames(dir)
	links(dir)
	fmt.Println("gofiles: done")
}

func check(err error) {
	if err != nil {
		fmt.Println("error:", strings.ReplaceAll(err.Error(), os.TempDir(), "$TMP"))
		os.Exit(1)
	}
}

func readWrite(dir string) {
	f, err := os.CreateTemp(dir, "data-*.txt")
	check(err)
	fmt.Println("temp name has prefix and suffix:",
		strings.HasPrefix(filepath.Base(f.Name()), "data-") && strings.HasSuffix(f.Name(), ".txt"))
	n, err := f.WriteString(strings.Repeat("0123456789", 100))
	check(err)
	fmt.Println("wrote", n)
	off, err := f.Seek(500, io.SeekStart)
	check(err)
	buf := make([]byte, 12)
	_, err = io.ReadFull(f, buf)
	check(err)
	fmt.Printf("at %d: %q\n", off, buf)
	_, err = f.WriteAt([]byte("XYZ"), 998)
	check(err)
	st, err := f.Stat()
	check(err)
	fmt.Println("size after WriteAt:", st.Size(), "mode:", st.Mode().Perm(), "regular:", st.Mode().IsRegular())
	check(f.Truncate(100))
	check(f.Close())
	b, err := os.ReadFile(f.Name())
	check(err)
	fmt.Printf("after truncate: %d bytes, tail %q\n", len(b), b[90:])
	a, err := os.OpenFile(f.Name(), os.O_APPEND|os.O_WRONLY, 0)
	check(err)
	_, err = a.WriteString("+appended")
	check(err)
	check(a.Close())
	b, _ = os.ReadFile(f.Name())
	fmt.Printf("after append: %d bytes, tail %q\n", len(b), b[len(b)-12:])
	check(os.Rename(f.Name(), filepath.Join(dir, "data.txt")))
}

func directory(dir string) {
	// Chmod after creating: the modes must not depend on the umask.
	check(os.Mkdir(filepath.Join(dir, "sub"), 0o750))
	check(os.Chmod(filepath.Join(dir, "sub"), 0o750))
	for _, name := range []string{"b.txt", "a.txt", "sub/c.txt"} {
		check(os.WriteFile(filepath.Join(dir, name), []byte(name), 0o640))
		check(os.Chmod(filepath.Join(dir, name), 0o640))
	}
	check(os.Chmod(filepath.Join(dir, "a.txt"), 0o600))
	entries, err := os.ReadDir(dir)
	check(err)
	for _, e := range entries {
		info, err := e.Info()
		check(err)
		size := info.Size()
		if e.IsDir() {
			size = 0 // directory sizes differ between file systems
		}
		fmt.Printf("entry %-8s dir=%-5v perm=%v size=%d\n", e.Name(), e.IsDir(), info.Mode().Perm(), size)
	}
	var walked []string
	check(filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		walked = append(walked, rel)
		return err
	}))
	fmt.Println("walk:", walked)
	_, err = os.Stat(filepath.Join(dir, "missing"))
	fmt.Println("stat missing: not exist:", errors.Is(err, fs.ErrNotExist))
	err = os.Remove(filepath.Join(dir, "sub"))
	fmt.Println("remove non-empty dir fails:", err != nil)
}

func renames(dir string) {
	check(os.Rename(filepath.Join(dir, "b.txt"), filepath.Join(dir, "sub", "b2.txt")))
	names := func(d string) []string {
		es, err := os.ReadDir(d)
		check(err)
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		sort.Strings(out)
		return out
	}
	fmt.Println("top:", names(dir), "sub:", names(filepath.Join(dir, "sub")))
	check(os.Remove(filepath.Join(dir, "sub", "c.txt")))
	_, err := os.Stat(filepath.Join(dir, "sub", "c.txt"))
	fmt.Println("removed file gone:", errors.Is(err, fs.ErrNotExist))
	check(os.RemoveAll(filepath.Join(dir, "sub")))
	fmt.Println("after RemoveAll:", names(dir))
}

func links(dir string) {
	target := filepath.Join(dir, "a.txt")
	link := filepath.Join(dir, "link")
	check(os.Symlink("a.txt", link))
	dest, err := os.Readlink(link)
	check(err)
	li, err := os.Lstat(link)
	check(err)
	b, err := os.ReadFile(link)
	check(err)
	fmt.Printf("symlink -> %s, is link: %v, reads %q\n", dest, li.Mode()&fs.ModeSymlink != 0, b)
	check(os.Link(target, filepath.Join(dir, "hard")))
	st, _ := os.Stat(filepath.Join(dir, "hard"))
	fmt.Println("hard link same file:", os.SameFile(st, mustStat(target)))
}

func mustStat(p string) fs.FileInfo {
	st, err := os.Stat(p)
	check(err)
	return st
}
