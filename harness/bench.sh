#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: build the base kernel, the modules and the userspace programs,
# boot the VM in bench mode (the init runs /tests/bin/fastrpc_bench after
# creating the simulated DSPs) and show the benchmark's table. Not a test:
# the only verdict is whether the benchmark ran. Times are those of a TCG
# guest (KVM=1 for KVM) and only mean something relative to each other.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$HARNESS_DIR/deps.sh" || exit 1
rc=0
"$HARNESS_DIR/build-kernel.sh" base || rc=$?
[ $rc = 1 ] && exit 1
[ $rc = 2 ] && log "WARNING: the modules did not build; the benchmark will fail"
"$HARNESS_DIR/build-user.sh" base || log "WARNING: some userspace programs did not build"
"$HARNESS_DIR/mkinitramfs.sh" base || exit 1
qrc=0
"$HARNESS_DIR/run-vm.sh" base bench || qrc=$?
logf=$OUT/x86_64-base-bench.log

echo "==== fastrpc_bench on the simulated DSP (full log: $logf)"
tr -d '\r' <"$logf" | awk '
	/HARNESS-BENCH-BEGIN/ { on = 1; next }
	/HARNESS-BENCH-END/ { on = 0; next }
	on && !/^\[ *[0-9]+\.[0-9]+\]/ { print }
	/HARNESS-CHECK not ok/ { sub(/.*HARNESS-CHECK /, ""); bad = bad "  " $0 "\n" }
	END { if (bad != "") printf "==== problems:\n%s", bad }'
if [ $qrc = 0 ] && tr -d '\r' <"$logf" | grep -q '^HARNESS-CHECK ok bench'; then
	echo "==== bench: ran"
	exit 0
fi
echo "==== bench: FAILED to run (qemu rc=$qrc)"
exit 1
