#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Check that the patches we carry for the kernel outside our driver
# (patches/<series>/NNNN-*.patch, git format-patch files against the
# kernel tree, e.g. patches/drm/ for drivers/gpu/drm) still apply to the
# cached 6.12 source: each series in order, with patch -p1 --dry-run and
# then for real, in a scratch copy of the files it touches (the cached
# tree is never written).
# One test per patch: "patches <series>/<file>".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GRP=patches
command -v patch >/dev/null || die "patch(1) missing"
if [ ! -f "$SRC/Makefile" ]; then
	with_lock "$HARNESS_DIR/prepare-tree.sh" || die "no kernel source"
fi

rc=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shopt -s nullglob
for dir in "$REPO"/patches/*/; do
	series=$(basename "$dir")
	files=("$dir"*.patch)
	[ ${#files[@]} -gt 0 ] || continue
	scratch=$tmp/$series
	mkdir -p "$scratch"
	# The files the series touches, as in the kernel tree
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "${files[@]}" | sort -u |
		while read -r f; do
			[ -f "$SRC/$f" ] || continue
			mkdir -p "$scratch/$(dirname "$f")"
			cp "$SRC/$f" "$scratch/$f"
		done
	failed=
	for p in "${files[@]}"; do
		name=$series/$(basename "$p")
		lg=$tmp/$(basename "$p").log
		if [ -n "$failed" ]; then
			result FAIL "$GRP" "$name" "not tried: $failed does not apply"
			rc=1
		elif (cd "$scratch" && patch -p1 --dry-run -N <"$p" >"$lg" 2>&1 &&
			patch -p1 -s -N <"$p" >>"$lg" 2>&1); then
			result PASS "$GRP" "$name"
		else
			sed 's/^/  | /' "$lg" >&2
			result FAIL "$GRP" "$name" "does not apply to $(kernel_version)"
			failed=$(basename "$p")
			rc=1
		fi
	done
done
exit $rc
