// Command gonetexec is a FreeBSD guest fixture: a TCP echo server and client on
// 127.0.0.1 (net.Listen, Accept, Dial, half-close) and os/exec of itself
// (fork, execve and wait4 underneath) with arguments, stdin, stdout and an
// exit status. Ports, pids and paths are not printed.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		child()
		return
	}
	fmt.Println("gonetexec: start")
	echo()
	spawn()
	fmt.Println("gonetexec: done")
}

// echo runs an upper-casing echo server and three clients.
func echo() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	defer ln.Close()
	fmt.Println("listening on loopback:", ln.Addr().(*net.TCPAddr).IP.IsLoopback())
	go serve(ln)
	var wg sync.WaitGroup
	replies := make([]string, 3)
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i] = client(ln.Addr().String(), fmt.Sprintf("hello %d\nsecond line %d\n", i, i))
		}()
	}
	wg.Wait()
	for i, r := range replies {
		fmt.Printf("client %d got %q\n", i, r)
	}
}

func serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			r := bufio.NewReader(c)
			for {
				line, err := r.ReadString('\n')
				if line != "" {
					c.Write([]byte(strings.ToUpper(line)))
				}
				if err != nil {
					return
				}
			}
		}()
	}
}

// client sends msg, half-closes and reads the echo until the server closes.
func client(addr, msg string) string {
	c, err := net.Dial("tcp", addr)
	check(err)
	defer c.Close()
	_, err = c.Write([]byte(msg))
	check(err)
	check(c.(*net.TCPConn).CloseWrite())
	b, err := io.ReadAll(c)
	check(err)
	return string(b)
}

// spawn runs this program again as a child.
func spawn() {
	self, err := os.Executable()
	check(err)
	cmd := exec.Command(self, "child", "x y")
	cmd.Stdin = strings.NewReader("from parent\n")
	cmd.Env = append(os.Environ(), "GEMU_CHILD=1")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		fmt.Println("child did not fail as expected:", err)
		os.Exit(1)
	}
	fmt.Printf("child said %q\n", out)
	fmt.Println("child exit code:", ee.ExitCode())
	out, err = exec.Command(self, "child", "ok").Output()
	fmt.Printf("second child said %q, error %v\n", out, err)
}

func child() {
	in, _ := io.ReadAll(os.Stdin)
	fmt.Printf("child: args %q env GEMU_CHILD=%q stdin %q\n", os.Args[2:], os.Getenv("GEMU_CHILD"), in)
	if len(os.Args) > 2 && os.Args[2] == "ok" {
		os.Exit(0)
	}
	os.Exit(5)
}

func check(err error) {
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}
