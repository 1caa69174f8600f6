// Command goexec is a guest fixture: a static Go program starting other
// programs with os/exec and syscall.ForkExec, which clone with
// CLONE_VM|CLONE_VFORK and exec. Its output must be identical natively and
// under gemu.
//
//	goexec        starts the host's /bin/sh and /bin/echo
//	goexec self   also starts itself through /proc/self/exe (not under
//	              qemu-user, which cannot exec a foreign program without
//	              binfmt_misc)
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		child()
		return
	}
	self := len(os.Args) > 1 && os.Args[1] == "self"
	output()
	status()
	stdin()
	forkExec()
	if self {
		selfExec()
	}
	fmt.Println("goexec: done")
}

// output runs a native shell and reads what it prints.
func output() {
	out, err := exec.Command("/bin/sh", "-c", "echo from sh: $0 $1", "a", "b").Output()
	fmt.Printf("sh output %q err %v\n", out, err)
	out, err = exec.Command("/bin/echo", "plain", "echo").CombinedOutput()
	fmt.Printf("echo output %q err %v\n", out, err)
	_, err = exec.Command("/nonexistent/program").Output()
	fmt.Printf("missing program: %v\n", errors.Is(err, os.ErrNotExist))
}

// status checks exit codes and signals of children.
func status() {
	err := exec.Command("/bin/sh", "-c", "exit 7").Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		fmt.Println("exit code", ee.ExitCode())
	}
	err = exec.Command("/bin/sh", "-c", "kill -TERM $$").Run()
	if errors.As(err, &ee) {
		ws := ee.Sys().(syscall.WaitStatus)
		fmt.Println("killed by", ws.Signal())
	}
}

// stdin feeds a child through a pipe and reads its stdout through another.
func stdin() {
	cmd := exec.Command("/bin/sh", "-c", "while read l; do echo \"got $l\"; done")
	cmd.Stdin = strings.NewReader("one\ntwo\nthree\n")
	out, err := cmd.Output()
	fmt.Printf("stdin round trip %q err %v\n", out, err)

	cmd = exec.Command("/bin/sh", "-c", "read l; echo \"line: $l\"; exit 2")
	w, _ := cmd.StdinPipe()
	r, _ := cmd.StdoutPipe()
	cmd.Start()
	io.WriteString(w, "streamed\n")
	w.Close()
	line, _ := bufio.NewReader(r).ReadString('\n')
	err = cmd.Wait()
	fmt.Printf("pipes %q wait %v\n", line, err)
}

// forkExec uses the low-level call with an explicit descriptor table.
func forkExec() {
	pr, pw, _ := os.Pipe()
	pid, err := syscall.ForkExec("/bin/sh", []string{"sh", "-c", "echo fd3 works >&3"},
		&syscall.ProcAttr{Env: []string{"PATH=/bin"}, Files: []uintptr{0, 1, 2, pw.Fd()}})
	pw.Close()
	if err != nil {
		fmt.Println("ForkExec:", err)
		return
	}
	msg, _ := io.ReadAll(pr)
	var ws syscall.WaitStatus
	wpid, _ := syscall.Wait4(pid, &ws, 0, nil)
	fmt.Printf("ForkExec: %q waited %v status %d\n", msg, wpid == pid, ws.ExitStatus())
}

// selfExec runs this program again as a child.
func selfExec() {
	cmd := exec.Command("/proc/self/exe", "child", "x y")
	cmd.Env = append(os.Environ(), "GOEXEC_CHILD=1")
	out, err := cmd.Output()
	code := -1
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	fmt.Printf("self: %q exit %d\n", out, code)
}

func child() {
	fmt.Printf("child args %q env %q\n", os.Args[1:], os.Getenv("GOEXEC_CHILD"))
	os.Exit(5)
}
