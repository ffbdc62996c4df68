#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot a variant's kernel + initramfs in QEMU (TCG; KVM=1 for KVM).
#   run-vm.sh <base|debug|arm64-vm> <check|demo|bench|shell> [coherent|noncoherent]
# check/demo: serial log to $OUT/<arch>-<variant>-<mode>[-<kind>].log, run
# under timeout (VM_TIMEOUT, default 1200 s base / 2400 s debug / 900 s
# arm64-vm; a hang is a failure); TEST_TIMEOUT (default 300 s) limits each
# test program in the guest (600 s on debug). Prints nothing but progress;
# exits with QEMU's status (0 pass, 3 fail via isa-debug-exit, 124 timeout).
# arm64-vm: qemu-system-aarch64 -M virt (no isa-debug-exit: a guest FAIL
# is told by its verdict line and exits 3 as well); a check runs the arm64
# set (init.sh arm64_set), and the third argument makes the simulated DSPs'
# context banks coherent or not (harness_coherent; the default: not), a
# noncoherent check runs every selftest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

parse_variant "${1:?usage: run-vm.sh base|debug|arm64-vm check|demo|bench|shell [coherent|noncoherent]}"
MODE=${2:-check}
KIND=${3:-}
art=$(art_dir "$ARCH" "$V")
read -r img _ < <(kernel_image "$ARCH")
[ -f "$art/$img" ] || die "$art/$img missing"
[ -f "$art/initramfs.cpio" ] || die "$art/initramfs.cpio missing"
# The debug kernel (KASAN, lockdep, kmemleak) is several times slower under
# TCG: it runs the every-size echo sweep with a stride (the init passes
# unknown name=value words of the command line to the tests as environment
# variables); the base kernel runs it for every size.
# The debug kernel also gets longer per-program and whole-run limits (the
# restart soak and the fuzzer run there under KASAN and lockdep), and, like
# arm64, fastrpc_lifetime's flat-memory loops stop after 2000 rounds or
# 20 s (10000 rounds on the base kernel, where they take about 5 s each);
# the library client times 100 calls, not 1000 (its timings mean nothing
# under KASAN).
# arm64-vm runs with a short fuzzer run: the arm64 set (harness_set=arm64),
# or every selftest for the non-coherent kind (arm64-all, init.sh
# arm64_set), the run only arm64 can make, to keep make check's time down.
case $ARCH-$V in
x86_64-debug)
	def_to=2400 def_test_to=600
	variant_append="FASTRPC_ECHO_STEP=7 FASTRPC_LIFETIME_SECONDS=20 FASTRPC_LIB_ITERS=100"
	;;
arm64-vm)
	def_to=900 def_test_to=300
	variant_append="harness_set=arm64 FASTRPC_FUZZ_SECONDS=${ARM64_FUZZ_SECONDS:-30}"
	variant_append="$variant_append FASTRPC_LIFETIME_SECONDS=20"
	;;
*) def_to=1200 def_test_to=300 variant_append="" ;;
esac
case $KIND in
'') ;;
coherent) variant_append="$variant_append harness_coherent=1" ;;
noncoherent) variant_append="${variant_append/harness_set=arm64/harness_set=arm64-all} harness_coherent=0" ;;
*) die "unknown kind $KIND (coherent|noncoherent)" ;;
esac
TO=${VM_TIMEOUT:-$def_to}
TEST_TO=${TEST_TIMEOUT:-$def_test_to}

APPEND="log_buf_len=16M panic=-1 oops=panic harness_mode=$MODE harness_timeout=$TEST_TO $variant_append ${VM_APPEND:-}"
case $ARCH in
x86_64)
	accel=(-accel tcg)
	# ICOUNT=1: the guest's clock counts its instructions (1 ns each)
	# and skips idle time, so its timings do not depend on the host's
	# load; one thread runs both vCPUs (for make bench's A/B comparisons)
	[ "${ICOUNT:-0}" = 1 ] && accel=(-accel tcg -icount shift=0,sleep=off)
	[ "${KVM:-0}" = 1 ] && accel=(-accel kvm -cpu host)
	QEMU=(qemu-system-x86_64 "${accel[@]}" -m 1G -smp 2
		-kernel "$art/$img" -initrd "$art/initramfs.cpio"
		-append "console=ttyS0 tsc=reliable $APPEND"
		-display none -monitor none -no-reboot
		-device isa-debug-exit,iobase=0xf4,iosize=0x04)
	;;
arm64)
	# -cpu max: every feature TCG has; pauth-impdef: its pointer
	# authentication with QEMU's cheap hash instead of QARMA, which
	# costs TCG dearly (the kernel does not use it; glibc may).
	# 1 GiB of RAM at 1 GiB: the simulator's reserved regions must lie
	# below 4 GiB. The guest gets a PSCI reset from reboot -f, which
	# -no-reboot turns into QEMU's exit.
	QEMU=(qemu-system-aarch64 -M virt -accel tcg -cpu max,pauth-impdef=on
		-m 1G -smp 2
		-kernel "$art/$img" -initrd "$art/initramfs.cpio"
		-append "console=ttyAMA0 $APPEND"
		-display none -monitor none -no-reboot)
	;;
esac

if [ "$MODE" = shell ]; then
	exec "${QEMU[@]}" -serial mon:stdio
fi

mkdir -p "$OUT"
name=$ARCH-$V-$MODE${KIND:+-$KIND}
logf=$OUT/$name.log
log "booting $name (timeout ${TO}s): log $logf"
t0=$(date +%s)
rc=0
timeout --kill-after=10 "$TO" "${QEMU[@]}" -serial stdio </dev/null >"$logf" 2>&1 || rc=$?
# No isa-debug-exit: QEMU exits 0 whatever the verdict
if [ $rc = 0 ] && [ "$ARCH" != x86_64 ] && tr -d '\r' <"$logf" | grep -q '^HARNESS: RESULT FAIL'; then
	rc=3
fi
log "VM $name: qemu rc=$rc after $(($(date +%s) - t0)) s"
exit $rc
