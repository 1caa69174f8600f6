package fdt

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Helpers shared by the tests: running dtc and reading the source text it
// prints, so that blobs are checked by a decoder other than Parse.

// needTool returns the path of a program the tests cannot do without, and
// fails the test (never skips it) when it is missing.
func needTool(t *testing.T, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: it comes with the Debian package %s (apt-get install -y %s)",
			name, debianPackage, debianPackage)
	}
	return p
}

// decompile runs `dtc -I dtb -O dts` on blob and returns the source text.
// Warnings are allowed (QEMU's own tree draws one about the cpu interrupt
// controllers' missing #address-cells); errors fail the test.
func decompile(t *testing.T, blob []byte) string {
	t.Helper()
	dtc := needTool(t, "dtc", "device-tree-compiler")
	in := filepath.Join(t.TempDir(), "in.dtb")
	if err := os.WriteFile(in, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(dtc, "-I", "dtb", "-O", "dts", "-o", "-", in)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || strings.Contains(stderr.String(), "ERROR") {
		t.Fatalf("dtc -I dtb -O dts: %v\n%s", err, stderr.String())
	}
	return stdout.String()
}

// dtsNode is a node of dtc's source output; a flag property has the value
// "" and any other the text between " = " and ";".
type dtsNode struct {
	name     string
	props    []dtsProp
	children []*dtsNode
}

type dtsProp struct{ name, value string }

// parseDTS reads the source dtc prints: one "name {" line per node, one
// line per property, "};" to close. memreserve lines are returned apart.
func parseDTS(t *testing.T, text string) (root *dtsNode, memreserve []string) {
	t.Helper()
	var stack []*dtsNode
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line == "/dts-v1/;":
		case strings.HasPrefix(line, "/memreserve/"):
			memreserve = append(memreserve, line)
		case strings.HasSuffix(line, " {"):
			n := &dtsNode{name: strings.TrimSuffix(line, " {")}
			if len(stack) == 0 {
				root = n
			} else {
				top := stack[len(stack)-1]
				top.children = append(top.children, n)
			}
			stack = append(stack, n)
		case line == "};" && len(stack) > 0:
			stack = stack[:len(stack)-1]
		case strings.HasSuffix(line, ";") && len(stack) > 0:
			name, value, _ := strings.Cut(strings.TrimSuffix(line, ";"), " = ")
			top := stack[len(stack)-1]
			top.props = append(top.props, dtsProp{name, value})
		default:
			t.Fatalf("dts line %d not understood: %q", i+1, line)
		}
	}
	if root == nil || root.name != "/" || len(stack) != 0 {
		t.Fatalf("dts text has no complete root node:\n%s", text)
	}
	return root, memreserve
}

// child returns n's child called name, or nil.
func (n *dtsNode) child(name string) *dtsNode {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// prop returns the value of property name and whether n has it.
func (n *dtsNode) prop(name string) (string, bool) {
	for _, p := range n.props {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// lookup returns the node at a path such as "/soc/plic@c000000", or nil.
func (n *dtsNode) lookup(path string) *dtsNode {
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if part != "" && n != nil {
			n = n.child(part)
		}
	}
	return n
}

func joinPath(parent, name string) string {
	return strings.TrimSuffix(parent, "/") + "/" + name
}
