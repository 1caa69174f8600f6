// Command gonet is a guest fixture for gemu's socket emulation through
// Go's net stack: an HTTP server with 50 concurrent clients, UDP round
// trips, net.Interfaces (NETLINK_ROUTE) and a TCP listener restarted on
// its port. Its output is the same natively and under emulation.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
)

func main() {
	if err := run(); err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
}

func run() error {
	for _, step := range []func() error{httpClients, udp, interfaces, relisten} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// httpClients serves 50 concurrent clients, 4 requests each.
func httpClients() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/echo/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", strings.TrimPrefix(r.URL.Path, "/echo/"))
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/echo/"
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, bad := 0, []string{}
	for c := 0; c < 50; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			client := &http.Client{}
			for i := 0; i < 4; i++ {
				want := fmt.Sprintf("hello c%d-%d", c, i)
				resp, err := client.Get(fmt.Sprintf("%sc%d-%d", url, c, i))
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				if err != nil || string(body) != want {
					bad = append(bad, fmt.Sprint(err, string(body)))
				} else {
					ok++
				}
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	fmt.Printf("http: %d responses ok, %d bad\n", ok, len(bad))
	if len(bad) > 0 {
		return fmt.Errorf("http: first bad response: %s", bad[0])
	}
	return nil
}

// udp sends datagrams both ways between two sockets.
func udp() error {
	a, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer b.Close()
	buf := make([]byte, 64)
	for i := 0; i < 3; i++ {
		msg := fmt.Sprintf("datagram %d", i)
		if _, err := b.WriteTo([]byte(msg), a.LocalAddr()); err != nil {
			return err
		}
		n, from, err := a.ReadFrom(buf)
		if err != nil {
			return err
		}
		if _, err := a.WriteTo(buf[:n], from); err != nil {
			return err
		}
		m, _, err := b.ReadFrom(buf)
		if err != nil {
			return err
		}
		fmt.Printf("udp: %q echoed, from b %v\n", buf[:m], from.String() == b.LocalAddr().String())
	}
	return nil
}

// interfaces lists the host's interfaces as net.Interfaces sees them.
func interfaces() error {
	ifs, err := net.Interfaces()
	if err != nil {
		return err
	}
	var names []string
	for _, i := range ifs {
		addrs, err := i.Addrs()
		if err != nil {
			return err
		}
		var as []string
		for _, a := range addrs {
			as = append(as, a.String())
		}
		sort.Strings(as)
		names = append(names, fmt.Sprintf("%s up=%v loopback=%v mtu=%d addrs=%v", i.Name,
			i.Flags&net.FlagUp != 0, i.Flags&net.FlagLoopback != 0, i.MTU, as))
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Println("interface:", n)
	}
	return nil
}

// relisten closes a listener that served a connection and listens on the
// same port again at once (Go sets SO_REUSEADDR on listeners).
func relisten() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Write([]byte("bye"))
			c.Close() // the server closes first: TIME_WAIT on the port
		}
	}()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	io.ReadAll(c)
	c.Close()
	ln.Close()
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("relisten: %v", err)
	}
	ln2.Close()
	fmt.Println("relisten on the same port: ok")
	return nil
}
