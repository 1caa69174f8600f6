# gemu: build, guest fixtures, tests, demo and benchmarks.
#
#   make demo       build gemu and run a few bundled riscv64 programs and a FreeBSD one under it
#   make test       what CI runs: deps, tidy-check, build, fixtures, go test ./...
#   make deps       install the Debian packages the tests need (idempotent)
#   make fixtures   build the guest programs in tests/guest for every arch
#                   and the FreeBSD ones in tests/guest-freebsd
#   make bench      benchmark gemu against qemu-user and native
#   make sandbox-test  Debian arm64 and riscv64 chroots bootstrapped, apt and gcc inside (root, network, slow)
#   make difftest   random instruction sequences, gemu vs qemu-user, DIFF_N per arch
#   make conformance  Go's standard-library tests natively and under gemu, as a table
#   make fuzz       run every fuzz target for FUZZTIME each
#   make system-image  the riscv64 -M virt boot-test image (OpenSBI, Debian kernel, initramfs) in tests/build/system
#   make clean

SHELL := /bin/bash
GO ?= go
GEMU ?= bin/gemu

# Architectures the fixtures and benchmarks are built for. x86_64 is the
# native build: its output is the reference the guest runs must reproduce.
GUEST_ARCHES ?= riscv64 aarch64
ARCHES := x86_64 $(GUEST_ARCHES)
CC_x86_64 ?= gcc
CC_riscv64 ?= riscv64-linux-gnu-gcc
CC_aarch64 ?= aarch64-linux-gnu-gcc
GOARCH_x86_64 := amd64
GOARCH_riscv64 := riscv64
GOARCH_aarch64 := arm64

# -ffp-contract=off: riscv64/aarch64 gcc would otherwise fuse a*b+c into
# fma and print other digits than x86_64. -frounding-math: floatops changes
# the rounding mode at run time.
FIXTURE_CFLAGS ?= -O2 -static -Wall -Wextra -ffp-contract=off -frounding-math
FIXTURE_LDLIBS ?= -pthread -lm
BENCH_CFLAGS ?= -O2 -static -Wall -Wextra -ffp-contract=off
BENCH_LDLIBS ?= -pthread -lm

DEBIAN_PACKAGES := gcc libc6-dev gcc-riscv64-linux-gnu libc6-dev-riscv64-cross \
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross linux-libc-dev-arm64-cross linux-libc-dev-riscv64-cross qemu-user gdb-multiarch strace debootstrap \
	qemu-system-misc device-tree-compiler
DEMO_PACKAGES := gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
# tests/system/mkimage.sh (objcopy for vmlinux, xz for the modules, the
# archive keyring for trixie) and qemu-system-riscv64 to boot it.
SYSTEM_PACKAGES := qemu-system-misc binutils-riscv64-linux-gnu xz-utils debian-archive-keyring

TEST_TIMEOUT ?= 15m
FUZZTIME ?= 30s
BENCH_ARCH ?= riscv64
BENCH_REPS ?= 5

C_FIXTURES := $(basename $(notdir $(wildcard tests/guest/*.c)))
GO_FIXTURES := $(patsubst tests/guest/%/main.go,%,$(wildcard tests/guest/*/main.go))
FIXTURES := $(foreach a,$(ARCHES),$(addprefix tests/build/$(a)/,$(C_FIXTURES) $(GO_FIXTURES)))

# FreeBSD guests (tests/guest-freebsd): Go programs for freebsd/arm64 (Go
# has no freebsd/riscv64 port) with a linux/amd64 build of the same source
# as the native reference, and freestanding C programs (raw system calls,
# no libc) for both arches. The Go names share tests/build/x86_64/ with
# tests/guest's, so they must differ from them.
BSD_GO_FIXTURES := $(patsubst tests/guest-freebsd/%/main.go,%,$(wildcard tests/guest-freebsd/*/main.go))
BSD_RAW_FIXTURES := $(basename $(notdir $(wildcard tests/guest-freebsd/raw*.c)))
BSD_FIXTURES := $(addprefix tests/build/freebsd-aarch64/,$(BSD_GO_FIXTURES) $(BSD_RAW_FIXTURES)) \
	$(addprefix tests/build/freebsd-riscv64/,$(BSD_RAW_FIXTURES)) \
	$(addprefix tests/build/x86_64/,$(BSD_GO_FIXTURES))
$(if $(filter $(GO_FIXTURES),$(BSD_GO_FIXTURES)),$(error tests/guest-freebsd: $(filter $(GO_FIXTURES),$(BSD_GO_FIXTURES)) also in tests/guest))
# -fno-pie -no-pie: a static ET_EXEC; no stack protector or libc to call.
BSD_RAW_CFLAGS ?= -O2 -Wall -Wextra -static -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie

C_BENCH := $(basename $(notdir $(wildcard bench/*.c)))
GO_BENCH := $(patsubst bench/%/main.go,%,$(wildcard bench/*/main.go))
bench_bins = $(addprefix bench/build/$(1)/,$(C_BENCH) $(GO_BENCH) gosha-asm)

.PHONY: all build deps tidy-check fixtures test demo sandbox-test bench bench-build difftest conformance fuzz system-image clean
.DELETE_ON_ERROR:

all: build

# urfave_cli_no_docs leaves out cli's man-page generator (md2man,
# blackfriday): 6-7 ms less start-up for every process gemu starts.
# CGO_ENABLED=0: a static gemu (the net package would link libc), which a
# chroot's binfmt_misc entry needs.
build:
	CGO_ENABLED=0 $(GO) build -tags urfave_cli_no_docs -o bin/gemu ./cmd/gemu
	ln -sf gemu bin/gemu-riscv64
	ln -sf gemu bin/gemu-aarch64

# tests/busybox.sh: Debian's busybox-static for arm64 and amd64 (busybox_test.go).
deps:
	@tests/deps.sh $(DEBIAN_PACKAGES)
	@tests/busybox.sh fetch

fixtures: $(FIXTURES) $(BSD_FIXTURES)

# Sub-makes keep the order deps -> build -> fixtures, and build the fixtures
# two at a time. The guest-running packages then run again with tier 2
# forced on for every block and with it off (GEMU_JIT; the default is on
# for hot blocks), and the fixtures and busybox once more in lockstep
# (every compiled block checked against the interpreter).
JIT_SUITE := ./tests/ ./targets/... ./linuxuser/ ./gdbstub/
test: deps tidy-check
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory -j2 fixtures
	@GEMU_SYSTEM_VMLINUX=0 $(MAKE) --no-print-directory system-image
	$(GO) test -timeout $(TEST_TIMEOUT) ./...
	GEMU_JIT=force $(GO) test -timeout $(TEST_TIMEOUT) $(JIT_SUITE)
	GEMU_JIT=off $(GO) test -timeout $(TEST_TIMEOUT) $(JIT_SUITE)
	GEMU_JIT=lockstep $(GO) test -timeout $(TEST_TIMEOUT) ./tests/ ./targets/...

# go.mod and go.sum as `go mod tidy` leaves them (it prints the diff).
tidy-check:
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy" >&2; exit 1; }

# Rules for one architecture: C programs from tests/guest/*.c and bench/*.c,
# Go programs from tests/guest/NAME/ and bench/NAME/ (static, no cgo).
define arch_rules
tests/build/$(1)/%: tests/guest/%.c $(wildcard tests/guest/*.h)
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(FIXTURE_CFLAGS) -o $$@ $$< $$(FIXTURE_LDLIBS)

bench/build/$(1)/%: bench/%.c
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(BENCH_CFLAGS) -o $$@ $$< $$(BENCH_LDLIBS)
endef

define go_rule
$(2)/build/$(1)/$(3): $(wildcard $(2)/$(if $(filter tests,$(2)),guest/)$(3)/*.go) go.mod
	@mkdir -p $$(@D)
	CGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH_$(1)) $$(GO) build -trimpath $(4) -o $$@ ./$(2)/$(if $(filter tests,$(2)),guest/)$(3)
endef

$(foreach a,$(ARCHES),$(eval $(call arch_rules,$(a))))
$(foreach a,$(ARCHES),$(foreach g,$(GO_FIXTURES),$(eval $(call go_rule,$(a),tests,$(g),))))
# purego: the same portable Go code on every arch (no SHA-NI on x86_64)
$(foreach a,$(ARCHES),$(foreach g,$(GO_BENCH),$(eval $(call go_rule,$(a),bench,$(g),-tags purego))))
# gosha-asm: the same program with each arch's SHA instructions (SHA-NI
# natively, the Arm crypto extensions on aarch64; riscv64 has none)
$(foreach a,$(ARCHES),$(eval bench/build/$(a)/gosha-asm: $(wildcard bench/gosha/*.go) go.mod ; @mkdir -p $$(@D) && CGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH_$(a)) $(GO) build -trimpath -o $$@ ./bench/gosha))

# FreeBSD Go fixtures: the freebsd/arm64 guest and the linux/amd64 reference.
define bsd_go_rule
tests/build/freebsd-aarch64/$(1): $(wildcard tests/guest-freebsd/$(1)/*.go) go.mod
	@mkdir -p $$(@D)
	CGO_ENABLED=0 GOOS=freebsd GOARCH=arm64 $$(GO) build -trimpath -o $$@ ./tests/guest-freebsd/$(1)

tests/build/x86_64/$(1): $(wildcard tests/guest-freebsd/$(1)/*.go) go.mod
	@mkdir -p $$(@D)
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $$(GO) build -trimpath -o $$@ ./tests/guest-freebsd/$(1)
endef

# FreeBSD raw C fixtures: linked with the Linux cross compilers, branded by
# their .note.tag (rawsys.h) and by EI_OSABI (byte 7) = ELFOSABI_FREEBSD (9).
define bsd_raw_rule
tests/build/freebsd-$(1)/%: tests/guest-freebsd/%.c tests/guest-freebsd/rawsys.h
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(BSD_RAW_CFLAGS) -o $$@ $$< -lgcc
	printf '\x09' | dd of=$$@ bs=1 seek=7 conv=notrunc status=none
endef

$(foreach g,$(BSD_GO_FIXTURES),$(eval $(call bsd_go_rule,$(g))))
$(foreach a,aarch64 riscv64,$(eval $(call bsd_raw_rule,$(a))))

DEMO_BINS := tests/build/riscv64/hello tests/build/riscv64/args tests/build/riscv64/gofix tests/build/freebsd-aarch64/gohello

# Needs no qemu; installs the riscv64 cross compiler itself if it is missing.
demo: build
	@command -v $(CC_riscv64) >/dev/null || tests/deps.sh $(DEMO_PACKAGES)
	@echo "building the demo programs"
	@$(MAKE) --no-print-directory -s $(DEMO_BINS)
	@echo
	@echo "== $(GEMU) tests/build/riscv64/hello    (C, static glibc, riscv64)"
	@$(GEMU) tests/build/riscv64/hello
	@echo
	@echo "== $(GEMU) tests/build/riscv64/args one 'two words'    (C; exit status = argc)"
	@GEMU_TEST_A=alpha $(GEMU) tests/build/riscv64/args one 'two words'; \
		s=$$?; echo "(exit status $$s)"; test $$s -eq 3
	@echo
	@echo "== $(GEMU) tests/build/riscv64/gofix demo    (Go: goroutines, GC, timers, files; first 16 lines)"
	@out=$$(GEMU_TEST_A=alpha $(GEMU) tests/build/riscv64/gofix demo); s=$$?; \
		head -n 16 <<<"$$out"; echo "... (exit status $$s)"; test $$s -eq 3
	@echo
	@echo "== $(GEMU) tests/build/freebsd-aarch64/gohello a b    (Go built for FreeBSD arm64: a FreeBSD guest on Linux)"
	@$(GEMU) tests/build/freebsd-aarch64/gohello a b; s=$$?; echo "(exit status $$s)"; test $$s -eq 2

bench-build: $(foreach a,$(ARCHES),$(call bench_bins,$(a)))

# tests/sandbox.sh: debootstrap --foreign on the host, the second stage and
# apt-get, gcc, make, python3, su, locale-gen in the chroot through gemu's
# binfmt_misc entries. SANDBOX_ARGS: --small, --emulator qemu, an arch.
sandbox-test: build
	tests/sandbox.sh $(SANDBOX_ARGS)

bench: build
	@tests/deps.sh qemu-user-static debootstrap
	@$(MAKE) --no-print-directory $(call bench_bins,x86_64) $(call bench_bins,$(BENCH_ARCH))
	@GEMU_SYSTEM_VMLINUX=0 $(MAKE) --no-print-directory system-image
	BENCH_ARCH=$(BENCH_ARCH) BENCH_REPS=$(BENCH_REPS) GEMU=$(GEMU) bench/run.sh

# The differential ISA testers at full size (make test runs a small sample):
# DIFF_N aarch64 cases of 1-3 instructions each, DIFF_N riscv64 programs of
# 80 instructions each, from seed DIFF_SEED. A disagreement fails with the
# shortest failing sequence. Each runs twice: with every block compiled by
# tier 2 (GEMU_JIT=force) and in the interpreter alone.
DIFF_N ?= 20000
DIFF_SEED ?= 1
difftest: deps
	for m in force off; do \
	GEMU_JIT=$$m GEMU_DIFF_N=$(DIFF_N) GEMU_DIFF_SEED=$(DIFF_SEED) $(GO) test -count=1 -timeout 90m -run '^TestDiffQEMU$$' -v ./targets/aarch64/ && \
	GEMU_JIT=$$m GEMU_DIFF_N=$(DIFF_N) GEMU_DIFF_SEED=$(DIFF_SEED) $(GO) test -count=1 -timeout 90m -run '^TestDifferentialQEMU$$' -v ./targets/riscv64/ || exit 1; \
	done

# Go's standard-library tests (tests/conformance/run.sh: CONF_ARCHES,
# CONF_PACKAGES, CONF_TIMEOUT), natively and under gemu.
conformance: build
	tests/conformance/run.sh

# Every Fuzz* function of every package, one after the other, FUZZTIME each.
fuzz:
	@set -euo pipefail; list=$$($(GO) test -list '^Fuzz' ./...); \
	awk '/^Fuzz/ { f = f " " $$1 } /^ok / { if (f != "") print $$2 f; f = "" }' <<<"$$list" | \
	while read -r pkg fns; do \
		for f in $$fns; do \
			echo "== $$pkg $$f ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) $$pkg </dev/null; \
		done; \
	done

# Downloads Debian's riscv64 kernel, OpenSBI and busybox (about 1.2 GB the
# first time, GEMU_SYSTEM_VMLINUX=0: 120 MB); quiet when up to date.
system-image:
	@tests/deps.sh $(SYSTEM_PACKAGES)
	@tests/system/mkimage.sh tests/build/system

clean:
	rm -rf bin tests/build bench/build
