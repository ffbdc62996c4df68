#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: every test of the project. Steps, in order:
#   deps; x86_64 base kernel + modules + userspace + VM check; lint;
#   the DRM core patches still apply (patches.sh); arm64 cross-build and
#   i386 build of our modules; x86_64 debug kernel (KASAN, lockdep,
#   kmemleak, UBSAN, DMA-API debug, fault injection) + VM check.
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

step() { # step name cmd...: run and time one step
	local name=$1 t rc=0
	shift
	t=$(date +%s)
	printf '\n==== %s\n' "$name" >&2
	"$@" || rc=$?
	printf '%-28s %4d s  rc=%d\n' "$name" $(($(date +%s) - t)) $rc >>"$OUT/timings.txt"
	return $rc
}

vm_variant() { # vm_variant base|debug
	local v=$1 rc=0 qrc=0
	step "build-kernel-$v" "$HARNESS_DIR/build-kernel.sh" "$v" || rc=$?
	if [ $rc = 1 ]; then
		log "x86_64-$v: no kernel, VM tests not run"
		return 1
	fi
	step "build-user-$v" "$HARNESS_DIR/build-user.sh" "$v"
	if ! step "initramfs-$v" "$HARNESS_DIR/mkinitramfs.sh" "$v"; then
		result FAIL "vm-x86_64-$v" initramfs "could not build the initramfs"
		return 1
	fi
	step "vm-check-$v" "$HARNESS_DIR/run-vm.sh" "$v" check || qrc=$?
	python3 "$HARNESS_DIR/parse-results.py" "$OUT/x86_64-$v-check.log" \
		"vm-x86_64-$v" "$qrc" "$RESULTS" >&2
}

if ! step deps "$HARNESS_DIR/deps.sh"; then
	result FAIL setup deps "could not install the packages"
else
	vm_variant base
	step lint "$HARNESS_DIR/lint.sh"
	step patches "$HARNESS_DIR/patches.sh"
	step arm64 "$HARNESS_DIR/arm64.sh"
	step i386 "$HARNESS_DIR/i386.sh"
	vm_variant debug
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
