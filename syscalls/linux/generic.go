package linux

// GenericName returns the asm-generic name of a number ("" when unknown).
func GenericName(num uint64) string {
	for _, n := range LinuxGeneric {
		if uint64(n.Num) == num {
			return n.Name
		}
	}
	return ""
}
