//go:build cgo

package main

// cgoBuild: this gemu was built with cgo, so the net package linked the C
// library dynamically (make build and the README's go install line set
// CGO_ENABLED=0).
const cgoBuild = true
