package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The test data file holds constants and struct layouts from sources
// independent of the hand-written tables, so the package's tests can
// check those tables against them: x/sys's zerrors_ and ztypes_ files
// (cgo -godefs output from FreeBSD's headers) and the Go runtime's
// defs_freebsd_ files.

// constPrefixes select the x/sys constants the tests compare with.
var constPrefixes = []string{
	"O_", "MAP_", "PROT_", "F_", "FD_CLOEXEC", "AT_", "CLOCK_", "SO_", "SOL_SOCKET", "SOCK_",
	"AF_UNIX", "AF_INET", "AF_INET6", "AF_UNSPEC", "MSG_", "POLL", "SCM_RIGHTS", "RLIMIT_",
	"WNOHANG", "WUNTRACED", "WSTOPPED", "WEXITED", "WCONTINUED", "WNOWAIT", "WTRAPPED",
	"MADV_", "SEEK_", "LOCK_", "SHUT_", "IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_IPV6",
}

var intConst = regexp.MustCompile(`(?m)^\s+([A-Z][A-Z0-9_]*)\s*=\s*(-?0x[0-9a-f]+|-?\d+)\s*$`)

func parseConsts(text string) ([]numbered, error) {
	var out []numbered
	for _, m := range intConst.FindAllStringSubmatch(text, -1) {
		if !selected(m[1]) {
			continue
		}
		n, err := strconv.ParseInt(m[2], 0, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, numbered{Num: int(n), Name: m[1]})
	}
	return out, nil
}

// mergedConsts reads the selected constants of every guest's files: a
// name both architectures define must have one value.
func mergedConsts(dir string, patterns ...string) ([]numbered, error) {
	byName := map[string]numbered{}
	for _, arch := range guestArches {
		for _, pattern := range patterns {
			text, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf(pattern, arch)))
			if err != nil {
				return nil, err
			}
			consts, err := parseConsts(string(text))
			if err != nil {
				return nil, err
			}
			for _, c := range consts {
				if old, ok := byName[c.Name]; ok && old.Num != c.Num {
					return nil, fmt.Errorf("%s is %d and %d on different guests", c.Name, old.Num, c.Num)
				}
				byName[c.Name] = c
			}
		}
	}
	var out []numbered
	for _, c := range byName {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func selected(name string) bool {
	for _, p := range constPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// layoutStructs are the structs whose size and field offsets the tests
// compare, as "file pattern: type names".
var layoutStructs = []struct {
	dir     func(sources) string
	pattern string
	names   []string
}{
	{func(s sources) string { return s.xsysUnix }, "ztypes_freebsd_%s.go", []string{
		"Stat_t", "Dirent", "Timespec", "Timeval", "Rusage", "Rlimit", "RawSockaddrInet4",
		"RawSockaddrInet6", "RawSockaddrUnix", "Msghdr", "Cmsghdr", "PollFd", "Kevent_t", "Iovec",
		"Sigset_t", "Flock_t"}},
	{func(s sources) string { return s.goRuntime }, "defs_freebsd_%s.go", []string{
		"thrparam", "stackt", "siginfo", "umtx_time", "gpregs", "fpregs", "mcontext", "sigset"}},
}

// layout is one struct's size and top-level field offsets.
type layout struct {
	Size   int64
	Fields []fieldOffset
}

type fieldOffset struct {
	Name   string
	Offset int64
}

// structLayouts type-checks one file alone and lays out the named
// structs with gc's sizes for arch.
func structLayouts(path, arch string, names []string) (map[string]layout, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return nil, err
	}
	conf := types.Config{Importer: importer.Default(), Error: func(error) {}}
	pkg, _ := conf.Check(file.Name.Name, fset, []*ast.File{file}, nil)
	sizes := types.SizesFor("gc", arch)
	out := map[string]layout{}
	for _, name := range names {
		obj := pkg.Scope().Lookup(name)
		if obj == nil {
			return nil, fmt.Errorf("%s: no type %s", path, name)
		}
		st, ok := obj.Type().Underlying().(*types.Struct)
		if !ok {
			return nil, fmt.Errorf("%s: %s is not a struct", path, name)
		}
		var fields []*types.Var
		for i := range st.NumFields() {
			fields = append(fields, st.Field(i))
		}
		offs := sizes.Offsetsof(fields)
		l := layout{Size: sizes.Sizeof(st)}
		for i, f := range fields {
			if f.Name() != "_" {
				l.Fields = append(l.Fields, fieldOffset{f.Name(), offs[i]})
			}
		}
		out[name] = l
	}
	return out, nil
}

// archLayouts returns the layouts per architecture for one source file.
func archLayouts(dir, pattern string, names []string) (map[string]map[string]layout, error) {
	per := map[string]map[string]layout{}
	for _, arch := range guestArches {
		l, err := structLayouts(filepath.Join(dir, fmt.Sprintf(pattern, arch)), arch, names)
		if err != nil {
			return nil, err
		}
		per[arch] = l
	}
	return per, nil
}

func xsysTestFile(src sources) ([]byte, error) {
	consts, err := mergedConsts(src.xsysUnix, "zerrors_freebsd_%s.go", "ztypes_freebsd_%s.go")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, header, "x/sys unix/z{errors,types}_freebsd_{arm64,riscv64}.go and Go's runtime/defs_freebsd_{arm64,riscv64}.go")
	b.WriteString("// xsysConsts are x/sys's values (equal on arm64 and riscv64 where both\n// files have the name; the riscv64 files come from newer headers).\n")
	b.WriteString("var xsysConsts = map[string]int64{\n")
	for _, c := range consts {
		fmt.Fprintf(&b, "\t%q: %d,\n", c.Name, c.Num)
	}
	b.WriteString("}\n\n// xsysLayouts are struct sizes and field offsets by arch, then type.\n")
	b.WriteString("var xsysLayouts = map[string]map[string]xsysLayout{\n")
	all := map[string]map[string]layout{}
	for _, s := range layoutStructs {
		per, err := archLayouts(s.dir(src), s.pattern, s.names)
		if err != nil {
			return nil, err
		}
		for arch, m := range per {
			if all[arch] == nil {
				all[arch] = map[string]layout{}
			}
			for k, v := range m {
				all[arch][k] = v
			}
		}
	}
	for _, arch := range guestArches {
		writeLayouts(&b, arch, all[arch])
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

func writeLayouts(b *bytes.Buffer, arch string, m map[string]layout) {
	fmt.Fprintf(b, "\t%q: {\n", arch)
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		l := m[n]
		fmt.Fprintf(b, "\t\t%q: {Size: %d, Offsets: map[string]int64{", n, l.Size)
		for i, f := range l.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%q: %d", f.Name, f.Offset)
		}
		b.WriteString("}},\n")
	}
	b.WriteString("\t},\n")
}
