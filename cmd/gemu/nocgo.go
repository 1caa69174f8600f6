//go:build !cgo

package main

// cgoBuild: this gemu is static (cgo.go).
const cgoBuild = false
