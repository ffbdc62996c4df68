#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Make the cached kernel source tree carry our series in-tree (idempotent,
# cheap). Call with the build lock held (build-kernel.sh does).
#   - extract $TARBALL once into $CACHE/linux-source-6.12
#   - drivers/accel/fastrpc          -> symlink to $REPO/drivers/accel/fastrpc
#   - include/uapi/drm/fastrpc_accel.h -> symlink to the repo header
#   - drivers/accel/Kconfig, Makefile: regenerated from saved originals plus
#     our "source" / "obj-y += fastrpc/" lines.
# The symlinks are re-pointed at every run (CI clones to a new path).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$CACHE"
[ -f "$TARBALL" ] || die "$TARBALL missing (apt-get install linux-source-6.12)"
stamp="$(stat -c '%s %Y' "$TARBALL") $(basename "$TARBALL")"

if [ -d "$SRC" ] && [ ! -f "$SRC/.fastrpc-tarball" ]; then
	# A tree extracted by hand from the same tarball: adopt it.
	echo "$stamp" >"$SRC/.fastrpc-tarball"
fi
if [ ! -d "$SRC" ] || [ "$(cat "$SRC/.fastrpc-tarball")" != "$stamp" ]; then
	log "extracting $TARBALL (about 30 s)"
	tmp=$CACHE/.extract.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xJf "$TARBALL" -C "$tmp"
	[ -f "$tmp/linux-source-6.12/Makefile" ] || die "unexpected tarball layout"
	echo "$stamp" >"$tmp/linux-source-6.12/.fastrpc-tarball"
	if [ -d "$SRC" ]; then
		mv "$SRC" "$CACHE/.old-src.$$"
		rm -rf "$CACHE/.old-src.$$"
	fi
	mv "$tmp/linux-source-6.12" "$SRC"
	rmdir "$tmp"
fi

# Re-point a symlink (replacing a file or a hand-copied directory).
relink() { # relink target linkpath
	local t=$1 l=$2
	if [ -L "$l" ] && [ "$(readlink "$l")" = "$t" ]; then
		return
	fi
	if [ -d "$l" ] && [ ! -L "$l" ]; then
		rm -rf "$l"
	fi
	ln -sfn "$t" "$l.tmp.$$"
	mv -Tf "$l.tmp.$$" "$l"
}
[ -d "$REPO/$DRV_REL" ] || die "$REPO/$DRV_REL missing"
relink "$REPO/$DRV_REL" "$SRC/$DRV_REL"
relink "$REPO/$UAPI_REL" "$SRC/$UAPI_REL"

# Save the pristine drivers/accel/{Kconfig,Makefile} once (stripping any
# line of ours added by hand), then write the files from them.
orig=$SRC/.fastrpc-orig/drivers/accel
mkdir -p "$orig"
for f in Kconfig Makefile; do
	if [ ! -f "$orig/$f" ]; then
		grep -v 'fastrpc' "$SRC/drivers/accel/$f" >"$orig/$f.tmp"
		mv "$orig/$f.tmp" "$orig/$f"
	fi
done

put() { # put file < content: replace only when it differs (keeps mtimes)
	local f=$1
	cat >"$f.tmp.$$"
	if cmp -s "$f.tmp.$$" "$f"; then
		rm -f "$f.tmp.$$"
	else
		rm -f "$f" # break any hard link before replacing
		mv "$f.tmp.$$" "$f"
	fi
}
# Kconfig: inside the final "endif" (of "if DRM"), after the other drivers.
awk -v n="$(grep -c '^endif' "$orig/Kconfig")" '
	/^endif/ { seen++; if (seen == n) print "source \"drivers/accel/fastrpc/Kconfig\"\n" }
	{ print }' "$orig/Kconfig" | put "$SRC/drivers/accel/Kconfig"
grep -q 'drivers/accel/fastrpc/Kconfig' "$SRC/drivers/accel/Kconfig" ||
	die "could not add our source line to drivers/accel/Kconfig"
# Makefile: obj-y, not obj-$(CONFIG_DRM_ACCEL_FASTRPC): the KUnit module is
# reached through our Makefile too, with its own symbol (the simulator is not
# in the tree: build-kernel.sh builds tools/testing/fastrpc with M=).
# drivers/Makefile only descends here with CONFIG_DRM_ACCEL.
# The harness builds bzImage with FASTRPC_HARNESS_KERNEL_ONLY=1 so that a
# half-written Makefile of ours cannot break the kernel build (all of our
# symbols are =m in the harness configs, so vmlinux never contains them).
{
	cat "$orig/Makefile"
	printf 'obj-$(if $(FASTRPC_HARNESS_KERNEL_ONLY),,y)\t+= fastrpc/\n'
} | put "$SRC/drivers/accel/Makefile"
