// Command gocrypto is a guest fixture: Go's crypto packages over a
// deterministic megabyte, output identical natively and under gemu. On
// arm64 Go takes the AES, PMULL (GCM), SHA1, SHA2 and SHA512 instruction
// paths when HWCAP advertises them, as gemu's max CPU does (qemu's too);
// the program fails if HWCAP lacks them there.
package main

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha3"
	"crypto/sha512"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/cpu"
)

func main() {
	if runtime.GOARCH == "arm64" {
		a := cpu.ARM64
		if !(a.HasAES && a.HasPMULL && a.HasSHA1 && a.HasSHA2 && a.HasSHA512 && a.HasSHA3) {
			fmt.Printf("HWCAP lacks crypto extensions: aes %v pmull %v sha1 %v sha2 %v sha512 %v sha3 %v\n",
				a.HasAES, a.HasPMULL, a.HasSHA1, a.HasSHA2, a.HasSHA512, a.HasSHA3)
			os.Exit(1)
		}
	}
	buf := make([]byte, 1<<20+13)
	x := uint32(1)
	for i := range buf {
		x = x*1664525 + 1013904223
		buf[i] = byte(x >> 24)
	}
	fmt.Printf("sha1   %x\n", sha1.Sum(buf))
	fmt.Printf("sha256 %x\n", sha256.Sum256(buf))
	fmt.Printf("sha512 %x\n", sha512.Sum512(buf))
	fmt.Printf("sha3   %x\n", sha3.Sum256(buf))
	for _, keyLen := range []int{16, 24, 32} {
		block, err := aes.NewCipher(buf[100 : 100+keyLen])
		if err != nil {
			panic(err)
		}
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			panic(err)
		}
		plain := buf[1000 : 1000+65536+7]
		sealed := gcm.Seal(nil, buf[:12], plain, buf[50:80])
		opened, err := gcm.Open(nil, buf[:12], sealed, buf[50:80])
		if err != nil || string(opened) != string(plain) {
			fmt.Println("AES-GCM: open failed:", err)
			os.Exit(1)
		}
		sealed[len(sealed)/2] ^= 1
		if _, err := gcm.Open(nil, buf[:12], sealed, buf[50:80]); err == nil {
			fmt.Println("AES-GCM: a corrupted message opened")
			os.Exit(1)
		}
		ctr := make([]byte, 4096)
		cipher.NewCTR(block, buf[:16]).XORKeyStream(ctr, buf[:4096])
		dec := make([]byte, 16)
		block.Decrypt(dec, ctr[:16])
		fmt.Printf("aes%d gcm %x ctr %x dec %x\n", 8*keyLen, sha256.Sum256(sealed), sha256.Sum256(ctr), dec)
	}
}
