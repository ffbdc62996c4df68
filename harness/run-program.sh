#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make demo / make bench: build the base kernel, the modules and the
# userspace programs, boot the VM in the given mode (the init creates the
# simulated DSPs and runs the calculator through the FastRPC library on
# both faces then /tests/bin/fastrpc_demo (demo_run in init.sh), or for the bench
# fastrpc_bench's inline/zero-copy table and its old driver / legacy face /
# accel comparison, swapping drivers in between: see bench_run in init.sh)
# and show the output between the HARNESS-<MODE>-BEGIN/END markers. Exits
# non-zero if the program failed or did not run.
# The benchmark is not a test: its only verdict is whether it ran; its times
# are those of a TCG guest (KVM=1 for KVM) and only mean something relative
# to each other.
#   run-program.sh demo|bench
set -uo pipefail
. "$(dirname "$0")/lib.sh"

MODE=${1:?usage: run-program.sh demo|bench}
case $MODE in
demo) marker=DEMO ok_word=PASS bad_word=FAIL ;;
bench) marker=BENCH ok_word=ran bad_word="FAILED to run" ;;
*) die "unknown mode $MODE" ;;
esac

"$HARNESS_DIR/deps.sh" || exit 1
rc=0
"$HARNESS_DIR/build-kernel.sh" base || rc=$?
[ $rc = 1 ] && exit 1
[ $rc = 2 ] && log "WARNING: the modules did not build; the $MODE will fail"
"$HARNESS_DIR/build-user.sh" base || log "WARNING: some userspace programs did not build"
"$HARNESS_DIR/mkinitramfs.sh" base || exit 1
qrc=0
"$HARNESS_DIR/run-vm.sh" base "$MODE" || qrc=$?
logf=$OUT/x86_64-base-$MODE.log

echo "==== fastrpc_$MODE on the simulated DSP (full log: $logf)"
tr -d '\r' <"$logf" | awk -v begin="HARNESS-$marker-BEGIN" -v end="HARNESS-$marker-END" '
	$0 ~ begin { on = 1; next }
	$0 ~ end { on = 0; next }
	on && !/^\[ *[0-9]+\.[0-9]+\]/ { print }
	/HARNESS-CHECK not ok/ { sub(/.*HARNESS-CHECK /, ""); bad = bad "  " $0 "\n" }
	END { if (bad != "") printf "==== problems:\n%s", bad }'
if [ $qrc = 0 ] && tr -d '\r' <"$logf" | grep -q "^HARNESS-CHECK ok $MODE" &&
	! tr -d '\r' <"$logf" | grep -q "^HARNESS-CHECK not ok"; then
	echo "==== $MODE: $ok_word"
	exit 0
fi
echo "==== $MODE: $bad_word (qemu rc=$qrc)"
exit 1
