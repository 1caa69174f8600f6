package main

import (
	"os"
	"reflect"
	"syscall"
	"testing"
)

// TestBinfmtStartArgs: how binfmt_misc's argv and gemu's auxv become the
// program's path and argv; a start without binfmt_misc's marks is gemu's
// own command line.
func TestBinfmtStartArgs(t *testing.T) {
	args := []string{"/usr/bin/gemu", "info", "orig0", "a"}
	cases := []struct {
		aux  startAux
		want *binfmtStart
	}{
		{startAux{execFD: -1, execFn: "/usr/bin/gemu"}, nil},                                                                 // typed: gemu info ...
		{startAux{flags: atFlagsPreserveArgv0, execFD: -1}, &binfmtStart{path: "info", argv0: "orig0", args: []string{"a"}}}, // P
		{startAux{execFD: -1, execFn: "info"}, &binfmtStart{path: "info", argv0: "info", args: []string{"orig0", "a"}}},      // no flags
	}
	for _, c := range cases {
		got := c.aux.binfmtStart(args)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: got %+v, want %+v", c.aux, got, c.want)
		}
	}
	fd, err := syscall.Open(os.Args[0], syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := startAux{flags: atFlagsPreserveArgv0, execFD: fd}.binfmtStart([]string{"gemu", "/p"})
	if s == nil || s.execFile == nil || s.execFile.Fd() != uintptr(fd) || s.argv0 != "/p" {
		t.Fatalf("AT_EXECFD start: %+v", s)
	}
	s.execFile.Close()
	if got := s.cliArgs("gemu"); !reflect.DeepEqual(got, []string{"gemu", "--", "/p"}) {
		t.Errorf("cliArgs = %q", got)
	}
}
