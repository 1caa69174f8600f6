package tests

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
)

// TestSystemNet: virtio-net on a -netdev socket that connects to this
// test, which answers ARP and ICMP echo for 10.0.2.2 in QEMU's socket
// wire format (each Ethernet frame after its 4-byte big-endian length):
// the guest's ping gets its three replies.
func TestSystemNet(t *testing.T) {
	dir := systemImage(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		answerPings(c)
	}()
	res := runSystem(t, systemArgs(dir, "net", "-netdev", "socket,id=n0,connect="+ln.Addr().String(),
		"-device", "virtio-net-device,netdev=n0,mac=52:54:00:12:34:56"))
	wantBoot(t, res, "NET: 3 packets received")
}

// The peer's addresses (QEMU's user networking uses the same).
var (
	peerIP  = [4]byte{10, 0, 2, 2}
	peerMAC = [6]byte{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}
)

// answerPings serves frames until the connection ends.
func answerPings(c net.Conn) {
	var hdr [4]byte
	for {
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		f := make([]byte, binary.BigEndian.Uint32(hdr[:]))
		if _, err := io.ReadFull(c, f); err != nil {
			return
		}
		if r := reply(f); r != nil {
			binary.BigEndian.PutUint32(hdr[:], uint32(len(r)))
			c.Write(append(hdr[:], r...))
		}
	}
}

// reply answers an ARP request for peerIP (RFC 826) or an ICMP echo
// request to it (RFC 792), or returns nil.
func reply(f []byte) []byte {
	if len(f) < 42 {
		return nil
	}
	r := append([]byte(nil), f...)
	copy(r[0:6], f[6:12])
	copy(r[6:12], peerMAC[:])
	switch binary.BigEndian.Uint16(f[12:14]) {
	case 0x0806: // ARP
		if binary.BigEndian.Uint16(f[20:22]) != 1 || string(f[38:42]) != string(peerIP[:]) {
			return nil
		}
		binary.BigEndian.PutUint16(r[20:22], 2)
		copy(r[22:28], peerMAC[:])
		copy(r[28:32], peerIP[:])
		copy(r[32:42], f[22:32])
		return r
	case 0x0800: // IPv4
		ihl := int(f[14]&15) * 4
		if f[23] != 1 || string(f[30:34]) != string(peerIP[:]) || len(f) < 14+ihl+8 || f[14+ihl] != 8 {
			return nil
		}
		copy(r[26:30], f[30:34])
		copy(r[30:34], f[26:30])
		icmp := r[14+ihl:]
		icmp[0] = 0 // echo reply
		icmp[2], icmp[3] = 0, 0
		binary.BigEndian.PutUint16(icmp[2:], checksum(icmp[:binary.BigEndian.Uint16(f[16:18])-uint16(ihl)]))
		r[24], r[25] = 0, 0
		binary.BigEndian.PutUint16(r[24:], checksum(r[14:14+ihl]))
		return r
	}
	return nil
}

// checksum is the Internet checksum (RFC 1071).
func checksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}
