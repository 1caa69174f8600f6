//go:build !(linux && amd64)

package nofile

// prlimitNofile leaves out zero where there is no assembly for it.
func prlimitNofile(out *[2]uint64) {}
