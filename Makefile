# SPDX-License-Identifier: GPL-2.0-only
# fastrpc-accel: build and test harness (see README.md and harness/).
#
#   make demo       run the demo on the simulated DSP in a QEMU VM
#   make check      run the whole test suite; last line "N passed, N failed"
#   make bench      inline vs zero-copy call times on the simulated DSP (VM)
#   make fuzz       a long run of the fuzzer (FUZZ_SECONDS, FUZZ_SEED)
#   make series     the patch series against 6.12 with a cover letter, in
#                   out/series (harness/series.sh; make check applies it)
#   make vm-check-arm64  the tests on arm64 with DMA-API debugging, with
#                   non-coherent and coherent context banks (ARM64_KINDS)
#
# Variables: FASTRPC_CACHE (cache root, default ~/.cache/fastrpc-accel),
# JOBS (make -j), KVM=1 (boot with KVM instead of TCG), ICOUNT=1 (TCG with
# a clock that counts guest instructions: make bench's figures do not
# depend on the host's load), VARIANT=base|debug|
# arm64-vm (for kernel, modules, userspace, vm-check, vm-shell; arm64-vm's
# vm-check runs the arm64 set with the simulator's default kind,
# non-coherent).

VARIANT ?= base
H := harness
export FASTRPC_CACHE JOBS KVM ICOUNT

.PHONY: all demo bench check deps kernel modules userspace initramfs vm-check \
	vm-shell lint arm64 vm-check-arm64 clean help fuzz

all: help

help:
	@sed -n 's/^#   //p' Makefile
	@echo "other targets: deps kernel modules userspace vm-check vm-shell lint arm64 clean"

demo:
	@bash $(H)/run-program.sh demo

bench:
	@bash $(H)/run-program.sh bench

check:
	@bash $(H)/check.sh

# The fuzzer selftests alone (fastrpc_fuzz and its 32-bit twin), each for
# FUZZ_SECONDS (default 600), on the debug kernel when it is built, else
# on base. FUZZ_SEED=<seed printed by a run> replays that run.
FUZZ_SECONDS ?= 600
FUZZ_SEED ?=
fuzz:
	@v=$(if $(wildcard $(or $(OUT),out)/x86_64-debug/bzImage),debug,base); \
	echo "fuzz: $$v kernel, $(FUZZ_SECONDS) s per program"; \
	TEST_TIMEOUT=$$(($(FUZZ_SECONDS) + 300)) \
	VM_TIMEOUT=$$((2 * $(FUZZ_SECONDS) + 900)) \
	$(MAKE) --no-print-directory vm-check VARIANT=$$v \
		VM_APPEND="harness_only=fastrpc_fuzz* FASTRPC_FUZZ_SECONDS=$(FUZZ_SECONDS)$(if $(FUZZ_SEED), FASTRPC_FUZZ_SEED=$(FUZZ_SEED)) $(VM_APPEND)"

deps:
	@bash $(H)/deps.sh

# The patch series against the pristine 6.12 tree (harness/series/steps)
.PHONY: series
series: deps
	@bash $(H)/series.sh gen

# Kernel and modules are one build (build-kernel.sh); "kernel" only fails
# when the kernel itself did not build, "modules" also when our modules did not.
kernel: deps
	@bash $(H)/build-kernel.sh $(VARIANT); rc=$$?; [ $$rc = 0 ] || [ $$rc = 2 ]

modules: deps
	@bash $(H)/build-kernel.sh $(VARIANT)

userspace: kernel
	@bash $(H)/build-user.sh $(VARIANT)

initramfs: kernel
	@bash $(H)/build-user.sh $(VARIANT); bash $(H)/mkinitramfs.sh $(VARIANT)

# One VM run of the test suite (no lint, no arm64).
VM_NAME = $(if $(findstring -,$(VARIANT)),$(VARIANT),x86_64-$(VARIANT))
vm-check: initramfs
	@rc=0; bash $(H)/run-vm.sh $(VARIANT) check || rc=$$?; \
	python3 $(H)/parse-results.py $${OUT:-out}/$(VM_NAME)-check.log vm-$(VM_NAME) $$rc

# Interactive busybox shell in the VM, modules loaded and DSPs created
# (leave with "reboot -f", or Ctrl-A X).
vm-shell: initramfs
	@bash $(H)/run-vm.sh $(VARIANT) shell

lint: deps
	@bash $(H)/build-kernel.sh base; [ $$? != 1 ] && bash $(H)/lint.sh

# The arm64 kernel with our modules and DMA-API debugging, then one VM run
# per kind of context bank in ARM64_KINDS: noncoherent runs every selftest,
# coherent the arm64 set (harness/arm64.sh; VM_APPEND as for vm-check).
# "arm64" is the same.
ARM64_KINDS ?= noncoherent coherent
vm-check-arm64 arm64: deps
	@bash $(H)/arm64.sh $(ARM64_KINDS)

# Repo-local outputs only; the kernel tree and builds in the cache stay.
clean:
	rm -rf out
