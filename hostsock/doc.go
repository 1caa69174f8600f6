// Package hostsock opens gemu's own host sockets (gdbstub, monitor, serial
// chardevs) from QEMU-style address specs, with the semantics QEMU took
// years to get right (docs/design.md, "Host sockets"):
//
//   - Listeners always set SO_REUSEADDR, so gemu restarts on a port whose
//     old connections sit in TIME_WAIT (socket(7)).
//   - Clients never set SO_REUSEADDR and bind only when localaddr= or
//     localport= is given; connect() picks the port (QEMU
//     util/qemu-sockets.c behaviour, 2024 change: no SO_REUSEADDR on
//     clients; with it, BSD kernels hand out TIME_WAIT ports and fail with
//     EADDRINUSE after ~2000 connections).
//   - Port ranges (to=) are tried in order; EADDRINUSE from bind() or from
//     listen() moves on to the next port. Port 0 asks the kernel; a
//     listen() EADDRINUSE after bind(0) (SO_REUSEADDR together with
//     net.ipv4.ip_autobind_reuse=1, Linux net/ipv4/inet_connection_sock.c)
//     is retried with a fresh socket a few times, then reported as
//     ErrNoFreePort. A socket that is not listening is never returned and
//     no descriptor leaks on an error path.
//   - Dual stack: a listener on the IPv6 wildcard ("::", or no host) that
//     may take IPv4 too clears IPV6_V6ONLY. If the IPv4 side of a port is
//     taken, the same port is bound IPv6-only, as QEMU's try_bind does; the
//     next port is tried only when the IPv6 side is taken as well. With an
//     explicit ipv4=on,ipv6=on there is no such fallback: a port either
//     serves both families or the next one is tried. Listener.DualStack
//     says which happened.
//   - fd:N and fd:NAME adopt a pre-opened socket without binding it again,
//     after checking that it is a stream socket that is listening (for
//     Listen) or connected (for Dial). Names come from a Registry, filled
//     with descriptors received over SCM_RIGHTS (QEMU's getfd). A client
//     given by fd cannot use TLS: there is no host name to verify.
//
// Descriptor ownership: on success the returned Listener or net.Conn owns
// the socket (an fd: descriptor is closed once wrapped). On error an fd:N
// descriptor stays open for the caller and an fd:NAME one goes back into
// its Registry.
//
// Unix listeners replace a stale socket file (connect() refused) but never
// another file or a live listener, and remove their file on Close.
package hostsock
