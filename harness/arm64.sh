#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# arm64: our modules built and tested on an arm64 kernel (make arm64,
# make vm-check-arm64; make check runs the same steps).
#
# The kernel is tinyconfig + configs/arm64-vm.config, cross-built with
# aarch64-linux-gnu- (group build-arm64-vm: kernel, and modules, which also
# fails when gcc warns about one of our files, the driver's or the
# simulator's in tools/testing/fastrpc). Userspace is cross-built as
# for x86_64 (build-user.sh arm64-vm, static, no -m32 programs), the
# initramfs holds Debian's arm64 busybox-static (deps.sh). The VM is
# qemu-system-aarch64 -M virt under TCG.
#
# Why arm64: there, DMA coherency is a property of each device, taken from
# its DT node, so the simulated DSP's context banks are made non-coherent
# and coherent in turn (fastrpc_sim coherent=0|1) and the driver's cache
# maintenance really runs, under CONFIG_DMA_API_DEBUG. Two VM runs (init.sh
# arm64_set), groups vm-arm64-noncoherent and vm-arm64-coherent: the KUnit
# suites, the selftests, the demo and the legacy UAPI suite on our driver's
# legacy face; fastrpc_fuzz for 30 s (ARM64_FUZZ_SECONDS). The non-coherent
# run, the one x86 cannot make, runs every selftest; the coherent one, to
# keep make check short, the arm64 set: the buffer tests fastrpc_buffers,
# fastrpc_lifetime* and fastrpc_sync*. A run fails on a
# DMA-API error (counted by dma-debug, or on the console), a WARNING, BUG
# or Oops.
#
# Left out on arm64: the -m32 programs (no COMPAT), the legacy suite
# against the old drivers/misc/fastrpc.c (not ours; not in arm64-vm.config), the
# benchmark (x86 only), and in the coherent run the selftests outside the
# arm64 set.
#   arm64.sh [noncoherent|coherent ...]   (default: both)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

command -v aarch64-linux-gnu-gcc >/dev/null || die "aarch64-linux-gnu-gcc missing (harness/deps.sh)"
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 missing (harness/deps.sh)"
[ $# -gt 0 ] || set -- noncoherent coherent
vm_check arm64-vm "$@"
