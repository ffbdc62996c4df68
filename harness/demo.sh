#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make demo: build the base kernel, the modules and the demo, boot the VM in
# demo mode and show the demo's output. Exits non-zero if the demo failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

"$HARNESS_DIR/deps.sh" || exit 1
rc=0
"$HARNESS_DIR/build-kernel.sh" base || rc=$?
[ $rc = 1 ] && exit 1
[ $rc = 2 ] && log "WARNING: the modules did not build; the demo will fail"
"$HARNESS_DIR/build-user.sh" base || log "WARNING: some userspace programs did not build"
"$HARNESS_DIR/mkinitramfs.sh" base || exit 1
qrc=0
"$HARNESS_DIR/run-vm.sh" base demo || qrc=$?
logf=$OUT/x86_64-base-demo.log

echo "==== fastrpc_demo on the simulated DSP (full log: $logf)"
tr -d '\r' <"$logf" | awk '
	/HARNESS-DEMO-BEGIN/ { on = 1; next }
	/HARNESS-DEMO-END/ { on = 0; next }
	on && !/^\[ *[0-9]+\.[0-9]+\]/ { print }
	/HARNESS-CHECK not ok/ { sub(/.*HARNESS-CHECK /, ""); bad = bad "  " $0 "\n" }
	END { if (bad != "") printf "==== problems:\n%s", bad }'
if [ $qrc = 0 ] && tr -d '\r' <"$logf" | grep -q '^HARNESS-CHECK ok demo'; then
	echo "==== demo: PASS"
	exit 0
fi
echo "==== demo: FAIL (qemu rc=$qrc)"
exit 1
