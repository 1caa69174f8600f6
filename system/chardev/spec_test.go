package chardev

import (
	"strings"
	"testing"
	"time"

	"github.com/gemu-project/gemu/hostsock"
)

func TestParseChardev(t *testing.T) {
	for _, tc := range []struct {
		text  string
		check func(*Spec) bool
	}{
		{"socket,id=mon,host=127.0.0.1,port=4444,server=on,wait=off", func(s *Spec) bool {
			return s.Backend == Socket && s.ID == "mon" && s.Server && !s.Wait &&
				s.Addr.Kind == hostsock.KindTCP && s.Addr.Host == "127.0.0.1" && s.Addr.Port == 4444
		}},
		{"socket,id=s,port=4444,server=on", func(s *Spec) bool { return s.Server && s.Wait }},
		{"socket,id=s,port=4444,server,nowait", func(s *Spec) bool { return s.Server && !s.Wait }},
		{"socket,id=s,port=4444,nodelay=on,ipv4=on", func(s *Spec) bool {
			return !s.Server && s.Addr.NoDelay == hostsock.On && s.Addr.IPv4 == hostsock.On
		}},
		{"socket,id=s,port=5900,to=5910,server=on,wait=off", func(s *Spec) bool { return s.Addr.To == 5910 }},
		{"socket,id=s,host=localhost,port=ssh", func(s *Spec) bool { return s.Addr.Port == 22 }},
		{"socket,id=u,path=/tmp/a,,b.sock,server=on,wait=off", func(s *Spec) bool {
			return s.Addr.Kind == hostsock.KindUnix && s.Addr.Path == "/tmp/a,b.sock"
		}},
		{"socket,id=f,fd=3,server=on,wait=off", func(s *Spec) bool {
			return s.Addr.Kind == hostsock.KindFD && s.Addr.FD == 3 && s.FDSet == -1
		}},
		{"socket,id=f,fd=monsock", func(s *Spec) bool { return s.Addr.FDName == "monsock" }},
		{"socket,id=f,fd=/dev/fdset/2,server=on", func(s *Spec) bool { return s.FDSet == 2 }},
		{"socket,id=c,port=4444,reconnect=2", func(s *Spec) bool { return s.Reconnect == 2*time.Second }},
		{"stdio,id=s0,mux=on,signal=off", func(s *Spec) bool { return s.Mux && !s.Signal }},
		{"stdio,id=s0", func(s *Spec) bool { return !s.Mux && s.Signal }},
		{"null,id=n", func(s *Spec) bool { return s.Backend == Null }},
		{"file,id=log,path=/tmp/serial.log,append=on", func(s *Spec) bool { return s.Path == "/tmp/serial.log" && s.Append }},
		{"pipe,id=p,path=/tmp/guest", func(s *Spec) bool { return s.Path == "/tmp/guest" }},
	} {
		sp, err := ParseChardev(tc.text)
		if err != nil {
			t.Errorf("%s: %v", tc.text, err)
			continue
		}
		if !tc.check(sp) {
			t.Errorf("%s: parsed as %+v", tc.text, sp)
		}
	}
}

func TestParseChardevErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"socket,id=x,port=abc", "-chardev socket,id=x,port=abc: invalid port \"abc\""},
		{"socket,id=x,port=70000", "invalid port \"70000\""},
		{"socket,port=4000", "-chardev socket,port=4000: chardev: no id specified"},
		{"socket,id=1abc,port=4000", "parameter 'id' expects an identifier"},
		{"socket,id=x", "needs port=, path= or fd="},
		{"socket,id=x,host=1.2.3.4", "no port given"},
		{"socket,id=x,port=4000,path=/tmp/s", "only one of 'path', 'fd' and 'host'/'port'"},
		{"socket,id=x,port=4000,server=maybe", "parameter 'server' expects 'on' or 'off'"},
		{"socket,id=x,port=4000,wait=off", "'wait' option is incompatible with socket in client connect mode"},
		{"socket,id=x,port=4000,server=on,reconnect=1", "'reconnect' option is incompatible with socket in server listen mode"},
		{"socket,id=x,port=4000,reconnect=abc", "parameter 'reconnect' expects a number"},
		{"socket,id=x,port=4000,foo=1", "invalid parameter 'foo' for a socket chardev"},
		{"socket,id=x,port=0", "a client socket cannot connect to port 0"},
		{"socket,id=x,host=::1,port=4000,ipv4=on", "IPv6 but IPv6 is not selected"},
		{"socket,id=x,fd=", "fd= needs a descriptor"},
		{"socket,id=x,fd=1bad", "starts with a digit"},
		{"socket,id=x,path=/tmp/s,nodelay=on", "'nodelay' is a TCP option"},
		{"socket,id=x,port=1,port=2", "option 'port' given twice"},
		{"bogus,id=x", "'bogus' is not a supported chardev backend"},
		{",id=x", "no backend given"},
		{"file,id=x", "chardev: file: no filename given"},
		{"pipe,id=x", "chardev: pipe: no device path given"},
		{"null,id=x,foo=1", "invalid parameter 'foo' for a null chardev"},
		{"stdio,id=x,signal=maybe", "parameter 'signal' expects 'on' or 'off'"},
	} {
		_, err := ParseChardev(tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.text, err, tc.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), "-chardev "+tc.text+": ") {
			t.Errorf("%s: error %q does not name the option", tc.text, err)
		}
	}
}

func TestParseShorthand(t *testing.T) {
	for _, tc := range []struct {
		text  string
		check func(*Spec) bool
	}{
		{"none", func(s *Spec) bool { return s.None }},
		{"null", func(s *Spec) bool { return s.Backend == Null }},
		{"stdio", func(s *Spec) bool { return s.Backend == Stdio && !s.Mux }},
		{"mon:stdio", func(s *Spec) bool { return s.Backend == Stdio && s.Mux && s.Mon }},
		{"chardev:mon0", func(s *Spec) bool { return s.Ref == "mon0" }},
		{"file:/tmp/x.log", func(s *Spec) bool { return s.Backend == File && s.Path == "/tmp/x.log" }},
		{"pipe:/tmp/p", func(s *Spec) bool { return s.Backend == Pipe && s.Path == "/tmp/p" }},
		{"tcp::4444,server=on,wait=off", func(s *Spec) bool {
			return s.Backend == Socket && s.Server && !s.Wait && s.Addr.Port == 4444 && s.Addr.Host == ""
		}},
		{"tcp:127.0.0.1:4444,server,nowait,nodelay=on", func(s *Spec) bool {
			return s.Server && !s.Wait && s.Addr.NoDelay == hostsock.On && s.Addr.Host == "127.0.0.1"
		}},
		{"tcp:localhost:4444", func(s *Spec) bool { return !s.Server && s.Addr.Host == "localhost" }},
		{"tcp:localhost:4444,reconnect=5", func(s *Spec) bool { return s.Reconnect == 5*time.Second }},
		{"unix:/tmp/qmp.sock,server=on", func(s *Spec) bool {
			return s.Addr.Kind == hostsock.KindUnix && s.Server && s.Wait
		}},
		{"mon:tcp::4444,server=on,wait=off", func(s *Spec) bool { return s.Mon && s.Server }},
	} {
		sp, err := ParseShorthand("-serial", tc.text)
		if err != nil {
			t.Errorf("%s: %v", tc.text, err)
			continue
		}
		if !tc.check(sp) {
			t.Errorf("%s: parsed as %+v", tc.text, sp)
		}
	}
	for _, tc := range []struct{ text, want string }{
		{"bogus", "-serial bogus: 'bogus' is not a supported character device"},
		{"vc", "'vc' is not a supported"},
		{"tcp:abc", "-serial tcp:abc: want HOST:PORT"},
		{"tcp::abc,server=on", "port \"abc\" is not a number"},
		{"tcp::4444,wait=off", "'wait' option is incompatible"},
		{"tcp::4444,server=on,foo=bar", "unknown option \"foo\""},
		{"tcp::4444,mux=on", "use mon:"},
		{"unix:", "unix: needs a path"},
		{"file:", "file: needs a path"},
		{"chardev:", "is not a chardev id"},
		{"mon:none", "is not a supported"},
	} {
		_, err := ParseShorthand("-serial", tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestParseAddFD(t *testing.T) {
	a, err := ParseAddFD("fd=5,set=2,opaque=rdwr:/tmp/x")
	if err != nil || a != (AddFD{FD: 5, Set: 2, Opaque: "rdwr:/tmp/x"}) {
		t.Fatalf("got %+v, %v", a, err)
	}
	for _, tc := range []struct{ text, want string }{
		{"set=1", "-add-fd set=1: fd option is required"},
		{"fd=5,set=x", "set option is required and must be a non-negative number"},
		{"fd=1,set=2", "fd cannot be a standard I/O stream"},
		{"fd=5,set=2,foo=3", "invalid parameter 'foo'"},
	} {
		if _, err := ParseAddFD(tc.text); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestNographicDefaults(t *testing.T) {
	for _, tc := range []struct {
		serial, monitor bool
		s, m            string
	}{
		{false, false, "mon:stdio", ""},
		{true, false, "", "stdio"},
		{false, true, "stdio", ""},
		{true, true, "", ""},
	} {
		s, m := NographicDefaults(tc.serial, tc.monitor)
		if s != tc.s || m != tc.m {
			t.Errorf("serial=%v monitor=%v: got %q %q", tc.serial, tc.monitor, s, m)
		}
	}
}
