#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot a variant's kernel + initramfs in QEMU (TCG; KVM=1 for KVM).
#   run-vm.sh <base|debug> <check|demo|bench|shell>
# check/demo: serial log to $OUT/x86_64-<variant>-<mode>.log, run under
# timeout (VM_TIMEOUT, default 1200 s base / 2400 s debug; a hang is a
# failure); TEST_TIMEOUT (default 300 s) limits each test program in the
# guest (600 s on debug). Prints nothing but progress; exits with QEMU's status
# (0 pass, 3 fail via isa-debug-exit, 124 timeout).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

V=${1:?usage: run-vm.sh base|debug check|demo|bench|shell}
MODE=${2:-check}
art=$(art_dir x86_64 "$V")
[ -f "$art/bzImage" ] || die "$art/bzImage missing"
[ -f "$art/initramfs.cpio" ] || die "$art/initramfs.cpio missing"
# The debug kernel (KASAN, lockdep, kmemleak) is several times slower under
# TCG: it runs the every-size echo sweep with a stride (the init passes
# unknown name=value words of the command line to the tests as environment
# variables); the base kernel runs it for every size.
# The debug kernel also gets longer per-program and whole-run limits (the
# restart soak and the fuzzer run there under KASAN and lockdep).
case $V in
debug) def_to=2400 def_test_to=600 variant_append="FASTRPC_ECHO_STEP=7" ;;
*) def_to=1200 def_test_to=300 variant_append="" ;;
esac
TO=${VM_TIMEOUT:-$def_to}
TEST_TO=${TEST_TIMEOUT:-$def_test_to}

accel=(-accel tcg)
[ "${KVM:-0}" = 1 ] && accel=(-accel kvm -cpu host)
QEMU=(qemu-system-x86_64 "${accel[@]}" -m 1G -smp 2
	-kernel "$art/bzImage" -initrd "$art/initramfs.cpio"
	-append "console=ttyS0 log_buf_len=16M panic=-1 oops=panic harness_mode=$MODE harness_timeout=$TEST_TO tsc=reliable $variant_append ${VM_APPEND:-}"
	-display none -monitor none -no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)

if [ "$MODE" = shell ]; then
	exec "${QEMU[@]}" -serial mon:stdio
fi

mkdir -p "$OUT"
logf=$OUT/x86_64-$V-$MODE.log
log "booting x86_64-$V ($MODE, timeout ${TO}s): log $logf"
t0=$(date +%s)
rc=0
timeout --kill-after=10 "$TO" "${QEMU[@]}" -serial stdio </dev/null >"$logf" 2>&1 || rc=$?
log "VM x86_64-$V $MODE: qemu rc=$rc after $(($(date +%s) - t0)) s"
exit $rc
