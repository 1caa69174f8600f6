package chardev

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gemu-project/gemu/hostsock"
	"github.com/gemu-project/gemu/system/qemuopts"
)

// Backend names (qemu-options.hx, -chardev).
const (
	Socket = "socket"
	Stdio  = "stdio"
	Null   = "null"
	File   = "file"
	Pipe   = "pipe"
)

// Spec is a parsed -chardev, or a -serial/-monitor/-qmp device string.
type Spec struct {
	Text    string // what was parsed, for messages
	Option  string // "-chardev", "-serial", ... for messages
	Backend string // Socket, Stdio, Null, File or Pipe; "" for None or Ref
	ID      string // -chardev id=; a shorthand's device gets one from Devices
	Mux     bool   // mux=on, or the mon: prefix: several frontends share it
	Mon     bool   // mon: prefix: the monitor is multiplexed onto this device
	Ref     string // chardev:ID names a -chardev
	None    bool   // "none": no device at all

	// Socket. Addr is a TCP, Unix or fd address for hostsock.
	Addr      hostsock.Spec
	FDSet     int // fd=/dev/fdset/N: the socket comes from fd set N; -1 otherwise
	Server    bool
	Wait      bool          // server: block Open until the first client (QEMU's default)
	Reconnect time.Duration // client: redial this long after a disconnect; 0: never

	Signal bool   // stdio: Ctrl-C reaches gemu (signal=on, the default)
	Path   string // file and pipe
	Append bool   // file: append=on
}

// Error is a bad device string or a device that cannot be opened; its text
// names the option and the argument as QEMU's messages do
// ("-chardev socket,id=x,port=abc: invalid port \"abc\"").
type Error struct {
	Option string
	Arg    string
	Err    error
}

func (e *Error) Error() string {
	if e.Option == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("%s %s: %v", e.Option, e.Arg, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

func specError(sp *Spec, format string, args ...any) error {
	return &Error{Option: sp.Option, Arg: sp.Text, Err: fmt.Errorf(format, args...)}
}

// opts are the key=value fields after the backend, in order.
type opts struct {
	sp   *Spec
	keys []string
	vals map[string]string
	bare map[string]bool // given without "=": means on (QemuOpts boolean shorthand)
}

func (o *opts) read(sp *Spec, fields []string) error {
	o.sp, o.vals, o.bare = sp, map[string]string{}, map[string]bool{}
	for _, f := range fields {
		k, v, has := strings.Cut(f, "=")
		if k == "nowait" && !has { // the pre-6.0 spelling of wait=off
			k, v, has = "wait", "off", true
		}
		if k == "" {
			return specError(sp, "empty option in %q", f)
		}
		if _, dup := o.vals[k]; dup {
			return specError(sp, "option '%s' given twice", k)
		}
		o.keys = append(o.keys, k)
		o.vals[k], o.bare[k] = v, !has
	}
	return nil
}

func (o *opts) has(k string) bool { _, ok := o.vals[k]; return ok }

// toggle reads an on|off option; def when it is absent.
func (o *opts) toggle(k string, def bool) (bool, error) {
	v, ok := o.vals[k]
	switch {
	case !ok:
		return def, nil
	case o.bare[k] || v == "on" || v == "yes" || v == "true":
		return true, nil
	case v == "off" || v == "no" || v == "false":
		return false, nil
	}
	return false, specError(o.sp, "parameter '%s' expects 'on' or 'off'", k)
}

// only refuses options the backend does not take.
func (o *opts) only(known ...string) error {
	for _, k := range o.keys {
		found := false
		for _, n := range known {
			found = found || k == n
		}
		if !found {
			sort.Strings(known)
			return specError(o.sp, "invalid parameter '%s' for a %s chardev (known: %s)",
				k, o.sp.Backend, strings.Join(known, ", "))
		}
	}
	return nil
}

// validID: letters, digits, '-', '.', '_', starting with a letter (QEMU's
// rule for ids); qemu-options.hx allows up to 127 characters.
func validID(id string) bool {
	if id == "" || len(id) > 127 || !isLetter(id[0]) {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !isLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.' && c != '_' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// ParseChardev reads a -chardev argument: BACKEND,id=ID[,mux=on|off][,...]
// with the backends socket, stdio, null, file and pipe and their options
// as qemu-options.hx documents them.
func ParseChardev(text string) (*Spec, error) {
	sp := &Spec{Text: text, Option: "-chardev", FDSet: -1}
	fields := qemuopts.Split(text)
	sp.Backend = fields[0]
	var o opts
	if err := o.read(sp, fields[1:]); err != nil {
		return nil, err
	}
	if sp.Backend == "" {
		return nil, specError(sp, "no backend given (socket, stdio, null, file, pipe)")
	}
	sp.ID = o.vals["id"]
	switch {
	case !o.has("id"):
		return nil, specError(sp, "chardev: no id specified")
	case !validID(sp.ID):
		return nil, specError(sp, "parameter 'id' expects an identifier: letters, digits, '-', '.', '_', starting with a letter")
	}
	var err error
	if sp.Mux, err = o.toggle("mux", false); err != nil {
		return nil, err
	}
	if err := sp.parseBackend(&o, "id", "mux"); err != nil {
		return nil, err
	}
	return sp, nil
}

// parseBackend reads the backend's own options; common are the ones the
// caller handled already.
func (sp *Spec) parseBackend(o *opts, common ...string) error {
	var err error
	switch sp.Backend {
	case Socket:
		return sp.parseSocket(o, common)
	case Stdio:
		if err = o.only(append(common, "signal")...); err == nil {
			sp.Signal, err = o.toggle("signal", true)
		}
		return err
	case Null:
		return o.only(common...)
	case File:
		if err = o.only(append(common, "path", "append")...); err != nil {
			return err
		}
		if sp.Append, err = o.toggle("append", false); err != nil {
			return err
		}
		return sp.needPath(o, "chardev: file: no filename given")
	case Pipe:
		if err = o.only(append(common, "path")...); err != nil {
			return err
		}
		return sp.needPath(o, "chardev: pipe: no device path given")
	}
	return specError(sp, "'%s' is not a supported chardev backend (socket, stdio, null, file, pipe)", sp.Backend)
}

func (sp *Spec) needPath(o *opts, msg string) error {
	sp.Path = o.vals["path"]
	if sp.Path == "" {
		return specError(sp, "%s", msg)
	}
	return nil
}

var socketOptions = []string{"host", "port", "to", "ipv4", "ipv6", "nodelay", "keep-alive",
	"path", "abstract", "fd", "server", "wait", "reconnect"}

// parseSocket reads -chardev socket: exactly one of host/port, path and
// fd, then server=, wait= and reconnect=.
func (sp *Spec) parseSocket(o *opts, common []string) error {
	if err := o.only(append(common, socketOptions...)...); err != nil {
		return err
	}
	kinds := 0
	for _, k := range []string{"path", "fd"} {
		if o.has(k) {
			kinds++
		}
	}
	if o.has("host") || o.has("port") {
		kinds++
	}
	switch {
	case kinds > 1:
		return specError(sp, "only one of 'path', 'fd' and 'host'/'port' may be given")
	case kinds == 0:
		return specError(sp, "a socket chardev needs port=, path= or fd=")
	}
	var err error
	switch {
	case o.has("path"):
		err = sp.unixAddr(o)
	case o.has("fd"):
		err = sp.fdAddr(o.vals["fd"])
	default:
		err = sp.tcpAddr(o)
	}
	if err != nil {
		return err
	}
	return sp.socketMode(o)
}

// socketMode reads server=, wait= and reconnect=, which the socket
// shorthands (tcp:, unix:) take as well.
func (sp *Spec) socketMode(o *opts) error {
	var err error
	if sp.Server, err = o.toggle("server", false); err != nil {
		return err
	}
	if o.has("wait") && !sp.Server {
		return specError(sp, "'wait' option is incompatible with socket in client connect mode")
	}
	if sp.Wait, err = o.toggle("wait", true); err != nil {
		return err
	}
	sp.Wait = sp.Wait && sp.Server
	if o.has("reconnect") {
		if sp.Server {
			return specError(sp, "'reconnect' option is incompatible with socket in server listen mode")
		}
		n, err := strconv.ParseUint(o.vals["reconnect"], 10, 31)
		if err != nil {
			return specError(sp, "parameter 'reconnect' expects a number of seconds")
		}
		sp.Reconnect = time.Duration(n) * time.Second
	}
	if !sp.Server && sp.Addr.Kind == hostsock.KindTCP && sp.Addr.Port == 0 {
		return specError(sp, "a client socket cannot connect to port 0")
	}
	return nil
}

func (sp *Spec) unixAddr(o *opts) error {
	for _, k := range []string{"to", "ipv4", "ipv6", "nodelay", "keep-alive"} {
		if o.has(k) {
			return specError(sp, "'%s' is a TCP option; path= makes a unix socket", k)
		}
	}
	abstract, err := o.toggle("abstract", false)
	if err != nil {
		return err
	}
	addr := hostsock.Spec{Kind: hostsock.KindUnix, Path: o.vals["path"], Abstract: abstract, FD: -1}
	return sp.setAddr(addr)
}

// fdAddr: a descriptor number, a name from the hostsock Registry, or
// /dev/fdset/N.
func (sp *Spec) fdAddr(v string) error {
	if set, ok := FDSetPath(v); ok {
		sp.FDSet = set
		sp.Addr = hostsock.Spec{Kind: hostsock.KindFD, FD: -1}
		return nil
	}
	if v == "" {
		return specError(sp, "fd= needs a descriptor number or name")
	}
	return sp.parseAddr("fd:" + v)
}

func (sp *Spec) tcpAddr(o *opts) error {
	if o.has("abstract") {
		return specError(sp, "'abstract' is a unix socket option")
	}
	if !o.has("port") {
		return specError(sp, "chardev: socket: no port given")
	}
	port, err := parsePort(o.vals["port"])
	if err != nil {
		return specError(sp, "%v", err)
	}
	addr := hostsock.Spec{Kind: hostsock.KindTCP, Host: o.vals["host"], Port: port, FD: -1}
	if o.has("to") {
		if addr.To, err = parsePort(o.vals["to"]); err != nil {
			return specError(sp, "invalid 'to' port %q", o.vals["to"])
		}
	}
	for _, t := range []struct {
		k string
		p *hostsock.Toggle
	}{{"ipv4", &addr.IPv4}, {"ipv6", &addr.IPv6}, {"nodelay", &addr.NoDelay}, {"keep-alive", &addr.KeepAlive}} {
		if !o.has(t.k) {
			continue
		}
		on, err := o.toggle(t.k, false)
		if err != nil {
			return err
		}
		*t.p = hostsock.Off
		if on {
			*t.p = hostsock.On
		}
	}
	return sp.setAddr(addr)
}

// parsePort takes a number or, as qemu-options.hx allows, a service name.
func parsePort(v string) (int, error) {
	if n, err := strconv.ParseUint(v, 10, 16); err == nil {
		return int(n), nil
	}
	if v != "" && strings.Trim(v, "0123456789") != "" {
		if n, err := net.LookupPort("tcp", v); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("invalid port %q", v)
}

// setAddr checks an address built from options the way hostsock checks
// its own syntax (families against literal hosts, path lengths, ranges).
func (sp *Spec) setAddr(addr hostsock.Spec) error { return sp.parseAddr(addr.String()) }

func (sp *Spec) parseAddr(text string) error {
	addr, err := hostsock.Parse(text)
	if err != nil {
		var pe *hostsock.ParseError
		if errors.As(err, &pe) {
			return specError(sp, "%s", pe.Msg)
		}
		return specError(sp, "%v", err)
	}
	sp.Addr = addr
	return nil
}

// ParseShorthand reads the device string of -serial, -monitor or -qmp
// (qemu-options.hx, -serial): none, null, stdio, file:PATH, pipe:PATH,
// chardev:ID, tcp:[HOST]:PORT[,server=on|off][,wait=on|off][,nodelay=on]
// [,reconnect=N], unix:PATH[,server=on|off][,wait=on|off][,reconnect=N],
// and mon:DEV, which multiplexes the monitor onto DEV. option names the
// command-line option for messages ("-serial").
func ParseShorthand(option, text string) (*Spec, error) {
	sp := &Spec{Text: text, Option: option, FDSet: -1}
	dev := text
	if rest, ok := strings.CutPrefix(dev, "mon:"); ok {
		sp.Mon, sp.Mux, dev = true, true, rest
	}
	head, _, _ := strings.Cut(dev, ",")
	kind, arg, hasArg := strings.Cut(head, ":")
	switch {
	case dev == "none" && !sp.Mon:
		sp.None = true
	case dev == Null || dev == Stdio:
		sp.Backend = dev
		sp.Signal = true
	case kind == "chardev" && hasArg && !sp.Mon:
		if !validID(arg) || arg != dev[len("chardev:"):] {
			return nil, specError(sp, "%q is not a chardev id", dev[len("chardev:"):])
		}
		sp.Ref = arg
	case (kind == "file" || kind == "pipe") && hasArg:
		sp.Backend, sp.Path = kind, dev[len(kind)+1:]
		if sp.Path == "" {
			return nil, specError(sp, "%s: needs a path", kind)
		}
	case kind == "tcp" || kind == "unix":
		sp.Backend = Socket
		return sp, sp.parseSocketShorthand(dev)
	default:
		return nil, specError(sp, "'%s' is not a supported character device "+
			"(none, null, stdio, file:, pipe:, tcp:, unix:, chardev:, mon:)", dev)
	}
	return sp, nil
}

// parseSocketShorthand splits tcp:/unix: into hostsock's address syntax
// and the chardev's own server=, wait= and reconnect= options.
func (sp *Spec) parseSocketShorthand(dev string) error {
	fields := qemuopts.Split(dev)
	addr := []string{strings.ReplaceAll(fields[0], ",", ",,")}
	var mode []string
	for _, f := range fields[1:] {
		k, _, _ := strings.Cut(f, "=")
		switch k {
		case "server", "wait", "nowait", "reconnect":
			mode = append(mode, f)
		case "mux":
			return specError(sp, "mux= is a -chardev option; use mon:%s for the monitor", dev)
		default:
			addr = append(addr, strings.ReplaceAll(f, ",", ",,"))
		}
	}
	if err := sp.parseAddr(strings.Join(addr, ",")); err != nil {
		return err
	}
	var o opts
	if err := o.read(sp, mode); err != nil {
		return err
	}
	return sp.socketMode(&o)
}

// NographicDefaults gives the devices -nographic (qemu-options.hx: the
// serial port goes to the console, muxed with the monitor unless either is
// redirected) picks for what the command line left out: serialGiven is
// true with a -serial, monitorGiven with any -monitor, -qmp or -mon. ""
// means "nothing to add".
func NographicDefaults(serialGiven, monitorGiven bool) (serial, monitor string) {
	switch {
	case !serialGiven && !monitorGiven:
		return "mon:stdio", ""
	case !serialGiven:
		return "stdio", ""
	case !monitorGiven:
		return "", "stdio"
	}
	return "", ""
}
