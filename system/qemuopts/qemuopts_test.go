package qemuopts

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	got, err := Parse("virtio-net-device,netdev=n0,mac=52:54:00:12:34:56", "driver")
	want := map[string]string{"driver": "virtio-net-device", "netdev": "n0", "mac": "52:54:00:12:34:56"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Parse = %v, %v; want %v", got, err, want)
	}
	if got, _ := Parse("file=a,,b.img,if=virtio", ""); got["file"] != "a,b.img" || got["if"] != "virtio" {
		t.Errorf("escaped comma: %v", got)
	}
	for _, bad := range []string{"x", "a=1,b", "a=1,a=2"} {
		if _, err := Parse(bad, ""); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if _, err := Parse("a=1,b", "driver"); err == nil {
		t.Errorf("an implied key after the first item was accepted")
	}
}

func TestOnOff(t *testing.T) {
	for v, want := range map[string]bool{"on": true, "yes": true, "true": true, "": false, "off": false, "no": false} {
		if got, err := OnOff(v); err != nil || got != want {
			t.Errorf("OnOff(%q) = %v, %v", v, got, err)
		}
	}
	if _, err := OnOff("maybe"); err == nil {
		t.Errorf("OnOff(maybe) accepted")
	}
}
