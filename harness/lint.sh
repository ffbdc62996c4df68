#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Lint tests, one test each (needs the x86_64 base build):
#   checkpatch  scripts/checkpatch.pl --strict --no-tree -f on our .c/.h
#               (the driver, the UAPI header and the simulator,
#               tools/testing/fastrpc)
#   kernel-doc  scripts/kernel-doc -none -Wall: no output allowed
#   sparse-w1   make W=1 C=2 drivers/accel/fastrpc/, then the same for the
#               simulator's test modules (M=, as build-kernel.sh builds
#               them; our objects rebuilt): no gcc or sparse warning from
#               our files
#   layers      no cycle between the driver's files (harness/layers.py:
#               which object uses which other object's symbols, nm)
#   comments    comment lines of the driver's .c/.h under 15%
#   uapi-abi    include/uapi/drm/fastrpc_accel.h compiles as C90 (the kernel's
#               own UAPI header test flags, no -pedantic) with -m32
#               and -m64, every struct drm_fastrpc_* has the same size in
#               both and a size that is a multiple of 8
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GRP=lint
LOGD=$OUT/lint
rm -rf "$LOGD"
mkdir -p "$LOGD"
rc=0
fail() { result FAIL "$GRP" "$1" "${2:-} (log: $LOGD/$1.log)"; show_tail "$LOGD/$1.log" 30; rc=1; }

mapfile -t FILES < <(cd "$REPO" && { find "$DRV_REL" "$SIM_REL" -name '*.[ch]' -type f; echo "$UAPI_REL"; } | LC_ALL=C sort)
log "lint: ${#FILES[@]} files"

# checkpatch
if (cd "$REPO" && perl "$SRC/scripts/checkpatch.pl" --strict --no-tree --show-types \
	--no-summary -f "${FILES[@]}") >"$LOGD/checkpatch.log" 2>&1 &&
	! grep -qE '^(ERROR|WARNING|CHECK):' "$LOGD/checkpatch.log"; then
	result PASS "$GRP" checkpatch
else
	fail checkpatch "$(grep -cE '^(ERROR|WARNING|CHECK):' "$LOGD/checkpatch.log") findings"
fi

# kernel-doc
(cd "$REPO" && perl "$SRC/scripts/kernel-doc" -none -Wall "${FILES[@]}") >"$LOGD/kernel-doc.log" 2>&1 || true
if [ -s "$LOGD/kernel-doc.log" ]; then
	fail kernel-doc "$(wc -l <"$LOGD/kernel-doc.log") lines of output"
else
	result PASS "$GRP" kernel-doc
fi

# sparse + W=1 on our objects, in the base build dir (C=2 checks every
# source even when its object is up to date; W=1 recompiles ours).
B=$(readlink -f "$BUILD_ROOT/x86_64-base" || echo "$BUILD_ROOT/x86_64-base")
if [ ! -f "$B/.fastrpc-config-ok" ] || [ ! -f "$B/vmlinux" ]; then
	echo "no base kernel build in $B" >"$LOGD/sparse-w1.log"
	fail sparse-w1 "base kernel not built"
else
	src=$rc
	(
		flock 9
		pin_source || exit 1
		# Only the base build dir from here (see build-kernel.sh)
		exec 8>>"$B.lock"
		flock 8
		flock -u 9
		# Drop our objects so that gcc's W=1 warnings are shown every time.
		for d in "$B/$DRV_REL" "$B/$SIM_DIR"; do
			[ ! -d "$d" ] || find "$d" -name '*.o' -delete
		done
		make -C "$SRC" O="$B" ARCH=x86_64 -j"$JOBS" W=1 C=2 "$DRV_REL/" &&
			sim_make x86_64 "$B" -j"$JOBS" W=1 C=2 modules
	) 9>>"$LOCK" >"$LOGD/sparse-w1.log" 2>&1 || rc=1
	if [ $rc != "$src" ]; then
		fail sparse-w1 "make failed"
	elif grep -E "(fastrpc/|fastrpc_accel\.h)[^ ]*:[0-9]+(:[0-9]+)?: (warning|error)" "$LOGD/sparse-w1.log" >&2; then
		fail sparse-w1 "warnings in our files"
	else
		result PASS "$GRP" sparse-w1
	fi
fi

# The driver core's shape (layers.py): every file calls only the files
# below it (from the objects sparse-w1 just built), and comments stay under
# 15% of its lines.
if python3 "$HARNESS_DIR/layers.py" graph "$B/$DRV_REL" >"$LOGD/layers.log" 2>&1; then
	result PASS "$GRP" layers "$(grep -c '^layer' "$LOGD/layers.log") layers"
else
	fail layers "$(grep '^cycle' "$LOGD/layers.log" || echo 'no objects')"
fi
if python3 "$HARNESS_DIR/layers.py" comments "$REPO/$DRV_REL" >"$LOGD/comments.log" 2>&1; then
	result PASS "$GRP" comments "$(tail -1 "$LOGD/comments.log" | sed 's/^total *//')"
else
	fail comments "$(tail -1 "$LOGD/comments.log")"
fi

# UAPI: C90, -m32 vs -m64 struct sizes
inc=$(art_dir x86_64 base)/include
(
	t=$LOGD/uapi
	mkdir -p "$t"
	mapfile -t S < <(grep -oE '^struct drm_fastrpc_[A-Za-z0-9_]+ \{' "$REPO/$UAPI_REL" | awk '{print $2}' | sort -u)
	echo "structs: ${S[*]}"
	[ ${#S[@]} -gt 0 ] || { echo "no struct drm_fastrpc_* in the header"; exit 1; }
	[ -f "$inc/drm/fastrpc_accel.h" ] || { echo "$inc/drm/fastrpc_accel.h missing (headers_install)"; exit 1; }
	# The header as headers_install made it (the build just before lint).
	{
		echo '#include <drm/fastrpc_accel.h>'
		for s in "${S[@]}"; do echo "char size_of_$s[sizeof(struct $s)];"; done
	} >"$t/uapi.c"
	for m in 32 64; do
		gcc -m$m -std=c90 -Wall -Wextra -Werror -I"$inc" \
			-c "$t/uapi.c" -o "$t/uapi$m.o" || exit 1
		nm -S -t d "$t/uapi$m.o" | awk '$4 ~ /^size_of_/ { sub(/^size_of_/, "", $4); printf "%s %d\n", $4, $2 + 0 }' |
			sort >"$t/sizes$m"
	done
	paste "$t/sizes32" "$t/sizes64" | awk '
		{ printf "%-40s m32=%-4d m64=%d\n", $1, $2, $4 }
		$2 != $4 { print "  size differs between -m32 and -m64: " $1; bad = 1 }
		$4 % 8 { print "  size not a multiple of 8: " $1; bad = 1 }
		END { exit bad }' || exit 1
	[ "$(wc -l <"$t/sizes64")" = ${#S[@]} ] || { echo "sizes missing"; exit 1; }
) >"$LOGD/uapi-abi.log" 2>&1 && result PASS "$GRP" uapi-abi || fail uapi-abi "UAPI struct check failed"

exit $rc
