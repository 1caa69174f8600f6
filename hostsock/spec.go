package hostsock

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
)

// Kind says what a Spec names.
type Kind uint8

// The address kinds.
const (
	KindTCP  Kind = iota + 1 // host and port (or port range), IPv4 and/or IPv6
	KindUnix                 // Unix-domain stream socket: a path or an abstract name
	KindFD                   // pre-opened descriptor: a number or a registered name
)

func (k Kind) String() string {
	switch k {
	case KindTCP:
		return "tcp"
	case KindUnix:
		return "unix"
	case KindFD:
		return "fd"
	}
	return "invalid"
}

// Toggle is an on/off option that may also be left unset.
type Toggle int8

// Toggle values.
const (
	Unset Toggle = iota
	On
	Off
)

func (t Toggle) String() string {
	switch t {
	case On:
		return "on"
	case Off:
		return "off"
	}
	return "unset"
}

const (
	maxPort = 65535
	// sun_path holds 108 bytes: a path needs room for its NUL, an abstract
	// name for its leading NUL (unix(7)).
	maxUnixPath = 107
)

// Spec is a parsed address in QEMU's socket syntax. Build one with Parse.
type Spec struct {
	Kind Kind

	// KindTCP. Host is a name or a literal address without brackets; ""
	// means every local address for a listener and the loopback for a client.
	Host string
	Port int // first port; 0 means any free port (listeners only)
	To   int // last port of a range (listeners only); 0 means no range

	IPv4, IPv6 Toggle // address families; see families() for the rules
	KeepAlive  Toggle // SO_KEEPALIVE on connections; Unset keeps Go's default
	NoDelay    Toggle // TCP_NODELAY on connections; Unset keeps Go's default (on)
	LocalAddr  string // client only: bind to this local address before connect
	LocalPort  int    // client only: bind to this local port before connect

	// KindUnix. Path is a file system path, or the name when Abstract.
	Path     string
	Abstract bool

	// KindFD. FD is the number of an inherited descriptor, or -1 when
	// FDName names one in a Registry.
	FD     int
	FDName string
}

// ParseError reports a malformed address.
type ParseError struct {
	Spec string // the text given to Parse
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("hostsock: bad address %q: %s", e.Spec, e.Msg)
}

// Parse reads an address:
//
//	tcp:HOST:PORT[,to=LAST][,ipv4=on|off][,ipv6=on|off][,keep-alive=on|off]
//	    [,nodelay=on|off][,localaddr=HOST][,localport=PORT]
//	PORT   :PORT   HOST:PORT   [V6ADDR]:PORT    (with or without tcp:)
//	unix:PATH[,abstract=on]
//	fd:N   fd:NAME
//
// A bare option name means "on". As in QEMU's option strings, ",," stands
// for a literal comma inside a host or path.
func Parse(text string) (Spec, error) {
	sp, msg := parse(text)
	if msg != "" {
		return Spec{}, &ParseError{Spec: text, Msg: msg}
	}
	return sp, nil
}

func parse(text string) (Spec, string) {
	if strings.TrimSpace(text) == "" {
		return Spec{}, "empty address"
	}
	fields := splitFields(text)
	sp := Spec{FD: -1}
	if msg := sp.parseHead(fields[0]); msg != "" {
		return Spec{}, msg
	}
	seen := map[string]bool{}
	for _, f := range fields[1:] {
		if msg := sp.parseOption(f, seen); msg != "" {
			return Spec{}, msg
		}
	}
	return sp, sp.check()
}

// splitFields splits at single commas; ",," is an escaped comma.
func splitFields(s string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != ',' {
			cur.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == ',' {
			cur.WriteByte(',')
			i++
			continue
		}
		out = append(out, cur.String())
		cur.Reset()
	}
	return append(out, cur.String())
}

// unsupported are QEMU address and chardev types that gemu does not offer.
var unsupported = []string{"udp", "vsock", "telnet", "tn3270", "websocket", "inet"}

func (sp *Spec) parseHead(head string) string {
	switch {
	case strings.HasPrefix(head, "unix:"):
		return sp.parseUnix(head[len("unix:"):])
	case strings.HasPrefix(head, "fd:"):
		return sp.parseFD(head[len("fd:"):])
	case strings.HasPrefix(head, "tcp:"):
		head = head[len("tcp:"):]
		if !isDigits(head) {
			return sp.parseHostPort(head)
		}
		fallthrough
	case isDigits(head):
		sp.Kind = KindTCP
		var msg string
		sp.Port, msg = parsePort("port", head)
		return msg
	}
	for _, u := range unsupported {
		if strings.HasPrefix(head, u+":") {
			return fmt.Sprintf("%q addresses are not supported (use tcp:, unix: or fd:)", u)
		}
	}
	return sp.parseHostPort(head)
}

func (sp *Spec) parseUnix(path string) string {
	sp.Kind = KindUnix
	if path == "" {
		return "unix: needs a path"
	}
	if strings.IndexByte(path, 0) >= 0 {
		return "unix path contains a NUL byte"
	}
	sp.Path = path
	return ""
}

func (sp *Spec) parseFD(s string) string {
	sp.Kind = KindFD
	if s == "" {
		return "fd: needs a descriptor number or name"
	}
	if isDigits(s) {
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return fmt.Sprintf("descriptor number %s is out of range", s)
		}
		sp.FD = int(n)
		return ""
	}
	if msg := checkFDName(s); msg != "" {
		return msg
	}
	sp.FDName = s
	return ""
}

// checkFDName applies QEMU's getfd rule (a name must not start with a
// digit, so fd:N and fd:NAME cannot be confused) and keeps names printable.
func checkFDName(name string) string {
	switch {
	case name == "":
		return "descriptor name is empty"
	case len(name) > 64:
		return fmt.Sprintf("descriptor name %q is longer than 64 bytes", name)
	case name[0] >= '0' && name[0] <= '9':
		return fmt.Sprintf("descriptor name %q starts with a digit", name)
	}
	for _, r := range name {
		if !isNameRune(r) {
			return fmt.Sprintf("descriptor name %q has %q (letters, digits, '-', '_', '.' only)", name, r)
		}
	}
	return ""
}

func isNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '-' || r == '_' || r == '.'
}

// parseHostPort reads HOST:PORT, :PORT or [V6ADDR]:PORT.
func (sp *Spec) parseHostPort(s string) string {
	sp.Kind = KindTCP
	host, port, msg := splitHostPort(s)
	if msg != "" {
		return msg
	}
	if msg := checkHost("host", host); msg != "" {
		return msg
	}
	sp.Host = host
	sp.Port, msg = parsePort("port", port)
	return msg
}

func splitHostPort(s string) (host, port, msg string) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", "missing ']' after the IPv6 address"
		}
		host, rest := s[1:end], s[end+1:]
		if !strings.HasPrefix(rest, ":") {
			return "", "", "want [IPV6]:PORT"
		}
		if ip := net.ParseIP(stripZone(host)); ip == nil || ip.To4() != nil && !strings.Contains(host, ":") {
			return "", "", fmt.Sprintf("%q in brackets is not an IPv6 address", host)
		}
		return host, rest[1:], ""
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", "", "want HOST:PORT, :PORT or PORT"
	}
	host, port = s[:i], s[i+1:]
	if strings.Contains(host, ":") {
		return "", "", "an IPv6 address needs brackets: [ADDR]:PORT"
	}
	return host, port, ""
}

func stripZone(h string) string {
	if i := strings.IndexByte(h, '%'); i >= 0 {
		return h[:i]
	}
	return h
}

// checkHost accepts "", literal addresses and DNS-style names.
func checkHost(what, h string) string {
	if h == "" || net.ParseIP(stripZone(h)) != nil {
		return ""
	}
	if len(h) > 253 {
		return fmt.Sprintf("%s name is too long", what)
	}
	for _, r := range h {
		if !isNameRune(r) {
			return fmt.Sprintf("%s %q has %q, which no host name has", what, h, r)
		}
	}
	return ""
}

func parsePort(what, s string) (int, string) {
	if s == "" {
		return 0, fmt.Sprintf("%s is missing", what)
	}
	if !isDigits(s) {
		return 0, fmt.Sprintf("%s %q is not a number", what, s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxPort {
		return 0, fmt.Sprintf("%s %s is out of range 0-%d", what, s, maxPort)
	}
	return n, ""
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// optionSetter stores one option's value; bare is true for "name" without "=".
type optionSetter func(sp *Spec, val string, bare bool) string

var optionsByKind = map[Kind]map[string]optionSetter{
	KindTCP: {
		"to":         setTo,
		"ipv4":       toggleOption(func(sp *Spec) *Toggle { return &sp.IPv4 }),
		"ipv6":       toggleOption(func(sp *Spec) *Toggle { return &sp.IPv6 }),
		"keep-alive": toggleOption(func(sp *Spec) *Toggle { return &sp.KeepAlive }),
		"nodelay":    toggleOption(func(sp *Spec) *Toggle { return &sp.NoDelay }),
		"localaddr":  setLocalAddr,
		"localport":  setLocalPort,
	},
	KindUnix: {
		"abstract": setAbstract,
	},
	KindFD: {},
}

func (sp *Spec) parseOption(f string, seen map[string]bool) string {
	name, val, hasVal := strings.Cut(f, "=")
	if name == "" {
		return fmt.Sprintf("empty option %q", f)
	}
	opts := optionsByKind[sp.Kind]
	set, ok := opts[name]
	if !ok {
		return fmt.Sprintf("unknown option %q for a %s address%s", name, sp.Kind, knownOptions(opts))
	}
	if seen[name] {
		return fmt.Sprintf("option %q given twice", name)
	}
	seen[name] = true
	return set(sp, val, !hasVal)
}

func knownOptions(opts map[string]optionSetter) string {
	if len(opts) == 0 {
		return " (it takes none)"
	}
	names := make([]string, 0, len(opts))
	for n := range opts {
		names = append(names, n)
	}
	sort.Strings(names)
	return " (known: " + strings.Join(names, ", ") + ")"
}

func toggleOption(field func(*Spec) *Toggle) optionSetter {
	return func(sp *Spec, val string, bare bool) string {
		t, msg := parseToggle(val, bare)
		*field(sp) = t
		return msg
	}
}

func parseToggle(val string, bare bool) (Toggle, string) {
	switch {
	case bare || val == "on":
		return On, ""
	case val == "off":
		return Off, ""
	}
	return Unset, fmt.Sprintf("value %q: want on or off", val)
}

func setTo(sp *Spec, val string, bare bool) string {
	if bare {
		return "to needs a value: to=LASTPORT"
	}
	n, msg := parsePort("to", val)
	if msg != "" {
		return msg
	}
	if sp.Port == 0 {
		return "to= needs a first port other than 0"
	}
	if n < sp.Port {
		return fmt.Sprintf("to=%d is below the first port %d", n, sp.Port)
	}
	sp.To = n
	return ""
}

func setLocalAddr(sp *Spec, val string, bare bool) string {
	if bare || val == "" {
		return "localaddr needs a value"
	}
	if strings.HasPrefix(val, "[") && strings.HasSuffix(val, "]") {
		val = val[1 : len(val)-1]
	}
	sp.LocalAddr = val
	return checkHost("localaddr", val)
}

func setLocalPort(sp *Spec, val string, bare bool) string {
	if bare {
		return "localport needs a value"
	}
	var msg string
	sp.LocalPort, msg = parsePort("localport", val)
	return msg
}

func setAbstract(sp *Spec, val string, bare bool) string {
	t, msg := parseToggle(val, bare)
	sp.Abstract = t == On
	return msg
}

// check applies the rules that involve more than one field.
func (sp *Spec) check() string {
	switch sp.Kind {
	case KindTCP:
		return sp.checkTCP()
	case KindUnix:
		if len(sp.Path) > maxUnixPath {
			return fmt.Sprintf("unix path is %d bytes; at most %d fit in sun_path", len(sp.Path), maxUnixPath)
		}
	}
	return ""
}

func (sp *Spec) checkTCP() string {
	if sp.IPv4 == Off && sp.IPv6 == Off {
		return "ipv4=off and ipv6=off leave no address family"
	}
	v4, v6 := sp.families()
	for _, h := range []struct{ what, host string }{{"host", sp.Host}, {"localaddr", sp.LocalAddr}} {
		ip := net.ParseIP(stripZone(h.host))
		switch {
		case ip == nil:
		case ip.To4() != nil && !v4:
			return fmt.Sprintf("%s %s is IPv4 but IPv4 is not selected", h.what, h.host)
		case ip.To4() == nil && !v6:
			return fmt.Sprintf("%s %s is IPv6 but IPv6 is not selected", h.what, h.host)
		}
	}
	return ""
}

// families says which address families the spec allows. As in QEMU:
// neither option or both on → both; ipv4=on alone or ipv6=off → IPv4 only;
// ipv6=on alone or ipv4=off → IPv6 only.
func (sp *Spec) families() (v4, v6 bool) {
	switch {
	case sp.IPv4 == sp.IPv6: // both unset or both on (both off is refused)
		return true, true
	case sp.IPv4 == On && sp.IPv6 == Unset, sp.IPv6 == Off:
		return true, false
	}
	return false, true
}

// strictDual is true when the user demanded both families explicitly: a
// dual-stack listener then never falls back to IPv6 only.
func (sp *Spec) strictDual() bool { return sp.IPv4 == On && sp.IPv6 == On }

// LastPort is the last port a listener may use: To, or Port without a range.
func (sp *Spec) LastPort() int {
	if sp.To == 0 {
		return sp.Port
	}
	return sp.To
}

// String gives the spec back in the syntax Parse reads.
func (sp Spec) String() string {
	switch sp.Kind {
	case KindTCP:
		return "tcp:" + joinHostPort(sp.Host, sp.Port) + sp.tcpOptions()
	case KindUnix:
		s := "unix:" + strings.ReplaceAll(sp.Path, ",", ",,")
		if sp.Abstract {
			s += ",abstract=on"
		}
		return s
	case KindFD:
		if sp.FDName != "" {
			return "fd:" + sp.FDName
		}
		return "fd:" + strconv.Itoa(sp.FD)
	}
	return "invalid"
}

func (sp Spec) tcpOptions() string {
	var b strings.Builder
	if sp.To != 0 {
		fmt.Fprintf(&b, ",to=%d", sp.To)
	}
	for _, t := range []struct {
		name string
		v    Toggle
	}{{"ipv4", sp.IPv4}, {"ipv6", sp.IPv6}, {"keep-alive", sp.KeepAlive}, {"nodelay", sp.NoDelay}} {
		if t.v != Unset {
			fmt.Fprintf(&b, ",%s=%s", t.name, t.v)
		}
	}
	if sp.LocalAddr != "" {
		b.WriteString(",localaddr=" + strings.ReplaceAll(sp.LocalAddr, ",", ",,"))
	}
	if sp.LocalPort != 0 {
		fmt.Fprintf(&b, ",localport=%d", sp.LocalPort)
	}
	return b.String()
}

func joinHostPort(host string, port int) string {
	host = strings.ReplaceAll(host, ",", ",,")
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(port)
	}
	return host + ":" + strconv.Itoa(port)
}
