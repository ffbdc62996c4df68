#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: every test of the project. Steps, in order:
#   deps; x86_64 base kernel + modules + userspace + VM check; lint;
#   the DRM core patches still apply (patches.sh); the upstream series
#   applies to pristine 6.12, passes checkpatch and builds with W=1 after
#   every patch (series.sh check); the arm64 VM kernel
#   (with our modules and DMA-API debugging) + the tests, run with
#   non-coherent and with coherent context banks (arm64.sh); i386 build
#   of our modules; x86_64 debug kernel (KASAN, lockdep, kmemleak, UBSAN,
#   DMA-API debug, fault injection) + VM check.
# Each test adds a line to $OUT/results.txt; the last line printed is
# "N passed, N failed". Exits 1 if anything failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

export RESULTS=$OUT/results.txt
mkdir -p "$OUT"
: >"$RESULTS"
: >"$OUT/timings.txt"
rm -f "$OUT/summary.txt"
T0=$(date +%s)

if ! step deps "$HARNESS_DIR/deps.sh"; then
	result FAIL setup deps "could not install the packages"
else
	vm_check base
	step lint "$HARNESS_DIR/lint.sh"
	step patches "$HARNESS_DIR/patches.sh"
	step series "$HARNESS_DIR/series.sh" check
	# arm64 (arm64.sh): the build of our modules, and the tests with
	# DMA-API debugging, once per kind of context bank
	vm_check arm64-vm noncoherent coherent
	step i386 "$HARNESS_DIR/i386.sh"
	vm_check debug
fi

npass=$(grep -c '^PASS ' "$RESULTS")
nfail=$(grep -c '^FAIL ' "$RESULTS")
nskip=$(grep -c '^SKIP ' "$RESULTS")
{
	printf '\n==== summary (%d s; step timings in %s)\n' $(($(date +%s) - T0)) "$OUT/timings.txt"
	cat "$OUT/timings.txt"
	awk '{ g[$2] = 1; c[$2 " " $1]++ } END { for (k in g) printf "  %-22s %3d passed %3d failed %3d skipped\n", k, c[k " PASS"], c[k " FAIL"], c[k " SKIP"] }' "$RESULTS" | sort
	if [ "$nfail" != 0 ]; then
		echo "failed tests:"
		grep '^FAIL ' "$RESULTS" | awk '{ d = ""; for (i = 4; i <= NF; i++) d = d " " $i; printf "  NOT OK %s/%s%s\n", $2, $3, (d == "" ? "" : " --" d) }'
	fi
	[ "$nskip" != 0 ] && echo "$nskip skipped"
} >&2
echo "$npass passed, $nfail failed" | tee "$OUT/summary.txt"
[ "$nfail" = 0 ]
