package hostsock

import (
	"errors"
	"strings"
	"testing"
)

func TestParseForms(t *testing.T) {
	tcp := func(host string, port int) Spec { return Spec{Kind: KindTCP, Host: host, Port: port, FD: -1} }
	with := func(sp Spec, f func(*Spec)) Spec { f(&sp); return sp }
	cases := []struct {
		in   string
		want Spec
	}{
		{"1234", tcp("", 1234)},
		{"0", tcp("", 0)},
		{":1234", tcp("", 1234)},
		{"localhost:80", tcp("localhost", 80)},
		{"127.0.0.1:65535", tcp("127.0.0.1", 65535)},
		{"[::1]:22", tcp("::1", 22)},
		{"[::]:0", tcp("::", 0)},
		{"[fe80::1%lo]:9", tcp("fe80::1%lo", 9)},
		{"tcp:host.example:1", tcp("host.example", 1)},
		{"tcp::5900", tcp("", 5900)},
		{"tcp:5900", tcp("", 5900)},
		{"tcp:[::1]:5900,ipv6=on", with(tcp("::1", 5900), func(s *Spec) { s.IPv6 = On })},
		{"tcp:0.0.0.0:5900,to=5910", with(tcp("0.0.0.0", 5900), func(s *Spec) { s.To = 5910 })},
		{"tcp::5900,to=5900", with(tcp("", 5900), func(s *Spec) { s.To = 5900 })},
		{"tcp::1,ipv4=on,ipv6=off", with(tcp("", 1), func(s *Spec) { s.IPv4, s.IPv6 = On, Off })},
		{"tcp::1,ipv4=off", with(tcp("", 1), func(s *Spec) { s.IPv4 = Off })},
		{"tcp::1,keep-alive=on,nodelay=off", with(tcp("", 1), func(s *Spec) { s.KeepAlive, s.NoDelay = On, Off })},
		{"tcp::1,nodelay", with(tcp("", 1), func(s *Spec) { s.NoDelay = On })},
		{"h:1,localaddr=127.0.0.2,localport=4000", with(tcp("h", 1), func(s *Spec) { s.LocalAddr, s.LocalPort = "127.0.0.2", 4000 })},
		{"h:1,localaddr=[::1]", with(tcp("h", 1), func(s *Spec) { s.LocalAddr = "::1" })},
		{"unix:/tmp/gemu.sock", Spec{Kind: KindUnix, Path: "/tmp/gemu.sock", FD: -1}},
		{"unix:rel/a,,b", Spec{Kind: KindUnix, Path: "rel/a,b", FD: -1}},
		{"unix:gemu-mon,abstract=on", Spec{Kind: KindUnix, Path: "gemu-mon", Abstract: true, FD: -1}},
		{"unix:p,abstract=off", Spec{Kind: KindUnix, Path: "p", FD: -1}},
		{"fd:3", Spec{Kind: KindFD, FD: 3}},
		{"fd:0", Spec{Kind: KindFD, FD: 0}},
		{"fd:gdb-listener", Spec{Kind: KindFD, FD: -1, FDName: "gdb-listener"}},
		{"fd:mon_0.a", Spec{Kind: KindFD, FD: -1, FDName: "mon_0.a"}},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("Parse(%q) = %+v, want %+v", c.in, got, c.want)
		}
		back, err := Parse(got.String())
		if err != nil || back != got {
			t.Errorf("Parse(%q).String() = %q does not parse back: %+v, %v", c.in, got.String(), back, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "empty address"},
		{"  ", "empty address"},
		{"65536", "out of range"},
		{"99999999999999999999", "out of range"},
		{":-1", "not a number"},
		{"host:", "port is missing"},
		{"host:http", `port "http" is not a number`},
		{"host", "want HOST:PORT"},
		{"::1:80", "needs brackets"},
		{"[::1:80", "missing ']'"},
		{"[::1]80", "want [IPV6]:PORT"},
		{"[1.2.3.4]:80", "not an IPv6 address"},
		{"[nonsense]:80", "not an IPv6 address"},
		{"bad host:80", "which no host name has"},
		{"tcp::1,to=0", "to=0 is below the first port 1"},
		{"tcp::0,to=5", "to= needs a first port other than 0"},
		{"tcp::5900,to=5899", "to=5899 is below the first port 5900"},
		{"tcp::5900,to=70000", "out of range"},
		{"tcp::5900,to", "to needs a value"},
		{"tcp::1,ipv4=off,ipv6=off", "leave no address family"},
		{"tcp:127.0.0.1:1,ipv4=off", "is IPv4 but IPv4 is not selected"},
		{"tcp:[::1]:1,ipv6=off", "is IPv6 but IPv6 is not selected"},
		{"tcp:[::1]:1,ipv4=on", "is IPv6 but IPv6 is not selected"},
		{"tcp::1,localaddr=::1,ipv4=on", "is IPv6 but IPv6 is not selected"},
		{"tcp::1,ipv4=maybe", `value "maybe": want on or off`},
		{"tcp::1,bogus=1", `unknown option "bogus" for a tcp address (known: ipv4, ipv6, keep-alive, localaddr, localport, nodelay, to)`},
		{"tcp::1,abstract=on", `unknown option "abstract"`},
		{"tcp::1,=on", "empty option"},
		{"tcp::1,,", `port "1," is not a number`},
		{"tcp::1,ipv4=on,ipv4=on", `option "ipv4" given twice`},
		{"tcp::1,localport=x", "not a number"},
		{"tcp::1,localaddr", "localaddr needs a value"},
		{"unix:", "unix: needs a path"},
		{"unix:p,to=3", `unknown option "to" for a unix address (known: abstract)`},
		{"unix:" + strings.Repeat("x", 108), "at most 107 fit in sun_path"},
		{"unix:p,abstract=yes", "want on or off"},
		{"fd:", "needs a descriptor number or name"},
		{"fd:3,nodelay=on", "(it takes none)"},
		{"fd:4294967296", "out of range"},
		{"fd:3abc", "starts with a digit"},
		{"fd:a b", "letters, digits"},
		{"fd:" + strings.Repeat("n", 65), "longer than 64 bytes"},
		{"udp:1.2.3.4:5", `"udp" addresses are not supported`},
		{"vsock:3:1234", `"vsock" addresses are not supported`},
	}
	for _, c := range cases {
		sp, err := Parse(c.in)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %+v, %v; want a ParseError", c.in, sp, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) error %q does not say %q", c.in, err, c.want)
		}
	}
}

func TestFamilies(t *testing.T) {
	cases := []struct {
		ipv4, ipv6 Toggle
		v4, v6     bool
		strict     bool
	}{
		{Unset, Unset, true, true, false},
		{On, On, true, true, true},
		{On, Unset, true, false, false},
		{Unset, On, false, true, false},
		{Off, Unset, false, true, false},
		{Unset, Off, true, false, false},
		{On, Off, true, false, false},
		{Off, On, false, true, false},
	}
	for _, c := range cases {
		sp := Spec{Kind: KindTCP, IPv4: c.ipv4, IPv6: c.ipv6}
		v4, v6 := sp.families()
		if v4 != c.v4 || v6 != c.v6 || sp.strictDual() != c.strict {
			t.Errorf("ipv4=%s ipv6=%s: families %v,%v strict %v; want %v,%v %v",
				c.ipv4, c.ipv6, v4, v6, sp.strictDual(), c.v4, c.v6, c.strict)
		}
	}
}
