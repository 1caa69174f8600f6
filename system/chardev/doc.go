// Package chardev is full-system mode's character devices: the host ends
// of serial consoles and monitors, as QEMU's -chardev, -serial, -monitor,
// -qmp and -add-fd describe them (qemu-options.hx).
//
// Backends: socket (TCP, Unix, or a descriptor handed in with fd=N, all
// through package hostsock: listeners with SO_REUSEADDR, clients never),
// stdio, null, file and pipe. A server socket serves one client at a
// time and accepts the next once it leaves; with wait=on (the default for
// server=on) Open returns only when the first client has connected. Output
// written with no client connected is dropped rather than blocking the
// device that writes it. A client socket with reconnect=N dials again N
// seconds after losing its server.
//
// A Chardev takes one frontend through Attach: input arrives on a
// callback from the device's reader goroutine, events (a client came or
// went) on another. mux=on or the mon: prefix puts a Mux in between, which
// shares the device between the serial console and the monitor with the
// Ctrl-A escape keys. Stream adapts a Port to the io.Writer/io.Reader pair
// a serial device model takes.
//
// Devices keeps the open chardevs by id and holds the fd sets of -add-fd
// (/dev/fdset/N paths).
package chardev
