package gdbstub

import (
	"fmt"
	"strings"
)

// Target descriptions (GDB manual, "Target Descriptions"): GDB reads
// target.xml with qXfer:features:read and learns the architecture, the
// OS ABI and every register: name, size, type and remote number. The
// features and register names are the ones "Standard Target Features"
// requires; the vector and flag types are written with the "Types"
// elements (vector, union, flags) over the predefined scalar types.

// aarch64CoreTypes types cpsr by its NZCV condition flags (ARM ARM C5.2.9).
const aarch64CoreTypes = `    <flags id="cpsr_flags" size="4">
      <field name="V" start="28" end="28"/>
      <field name="C" start="29" end="29"/>
      <field name="Z" start="30" end="30"/>
      <field name="N" start="31" end="31"/>
    </flags>
`

// aarch64FPUTypes views a 128-bit V register as lanes of every width.
const aarch64FPUTypes = `    <vector id="v2d" type="ieee_double" count="2"/>
    <vector id="v2u" type="uint64" count="2"/>
    <vector id="v2i" type="int64" count="2"/>
    <vector id="v4f" type="ieee_single" count="4"/>
    <vector id="v4u" type="uint32" count="4"/>
    <vector id="v4i" type="int32" count="4"/>
    <vector id="v8f" type="ieee_half" count="8"/>
    <vector id="v8u" type="uint16" count="8"/>
    <vector id="v8i" type="int16" count="8"/>
    <vector id="v16u" type="uint8" count="16"/>
    <vector id="v16i" type="int8" count="16"/>
    <vector id="v1u" type="uint128" count="1"/>
    <vector id="v1i" type="int128" count="1"/>
    <union id="vnd"><field name="f" type="v2d"/><field name="u" type="v2u"/><field name="s" type="v2i"/></union>
    <union id="vns"><field name="f" type="v4f"/><field name="u" type="v4u"/><field name="s" type="v4i"/></union>
    <union id="vnh"><field name="f" type="v8f"/><field name="u" type="v8u"/><field name="s" type="v8i"/></union>
    <union id="vnb"><field name="u" type="v16u"/><field name="s" type="v16i"/></union>
    <union id="vnq"><field name="u" type="v1u"/><field name="s" type="v1i"/></union>
    <union id="vreg">
      <field name="d" type="vnd"/>
      <field name="s" type="vns"/>
      <field name="h" type="vnh"/>
      <field name="b" type="vnb"/>
      <field name="q" type="vnq"/>
    </union>
`

// riscvFPUTypes: an F/D register holds a NaN-boxed single or a double.
const riscvFPUTypes = `    <union id="fpreg">
      <field name="float" type="ieee_single"/>
      <field name="double" type="ieee_double"/>
    </union>
`

// targetXML renders the description of d.
func (d *archDesc) targetXML() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n")
	b.WriteString(`<!DOCTYPE target SYSTEM "gdb-target.dtd">` + "\n")
	b.WriteString("<target version=\"1.0\">\n")
	fmt.Fprintf(&b, "  <architecture>%s</architecture>\n", d.arch)
	b.WriteString("  <osabi>GNU/Linux</osabi>\n")
	for fi, f := range d.features {
		fmt.Fprintf(&b, "  <feature name=\"%s\">\n", f.name)
		b.WriteString(f.types)
		for num, r := range d.regs {
			if r.feature != fi {
				continue
			}
			fmt.Fprintf(&b, "    <reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"/>\n",
				r.name, r.bits, r.typ, num)
		}
		b.WriteString("  </feature>\n")
	}
	b.WriteString("</target>\n")
	return b.String()
}
