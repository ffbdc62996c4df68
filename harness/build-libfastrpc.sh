#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The FastRPC userspace library that applications use (qualcomm/fastrpc,
# the `development` snapshot in ../shared/vendor/qualcomm-fastrpc, or its
# copy in $CACHE/vendor; a
# dependency built from source, never copied into the project), in two
# builds:
#   legacy  the snapshot unmodified: it speaks /dev/fastrpc-*
#   accel   the snapshot with our accel backend series applied
#           (tools/accel/fastrpc/libfastrpc/00NN-*.patch, cover letter
#           aside, in order, patch -p1)
# Each is built once per snapshot and series in $CACHE/libfastrpc/. Then,
# into $OUT/x86_64-<variant>/user/libfastrpc/ (mkinitramfs.sh packs it):
#   legacy/, accel/       each build's shared libraries (libcdsprpc.so.1, ...)
#   bin/fastrpc_calculator  tools/accel/fastrpc/fastrpc_calculator.c, linked
#                         against the library's public headers and libcdsprpc;
#                         the same binary runs on both builds (LD_LIBRARY_PATH)
#   dsp/lib{calculator,simtest}_skel.so  what the DSP's loader fetches from
#                         the host: ELF stand-ins, the simulated DSP runs its
#                         built-in module once the file loads
#   sysroot/              the C library and the other shared libraries these
#                         need, at their paths on this host
# x86_64 only (the arm64 VM's userspace is static busybox). Each build is a
# test of group build-libfastrpc. Exit 1 if any failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

parse_variant "${1:?usage: build-libfastrpc.sh base|debug}"
[ "$ARCH" = x86_64 ] || { log "libfastrpc: x86_64 only, skipped for $ARCH"; exit 0; }
GRP=build-libfastrpc
[ "$V" = base ] || GRP=build-libfastrpc-$V
SERIES=$REPO/tools/accel/fastrpc/libfastrpc
art=$(art_dir "$ARCH" "$V")
dst=$art/user/libfastrpc
rm -rf "$dst"
mkdir -p "$dst/bin" "$dst/dsp" "$dst/sysroot" "$art/user/logs"

# The snapshot: FASTRPC_LIB_VENDOR, else ../shared/vendor/qualcomm-fastrpc
# beside the checkout; a copy is kept in the cache for checkouts elsewhere
# (there is no network access to GitHub to fetch it from).
tarball=
for dir in ${FASTRPC_LIB_VENDOR:+"$FASTRPC_LIB_VENDOR"} \
	"$REPO/../shared/vendor/qualcomm-fastrpc" "$CACHE/vendor"; do
	for f in "$dir"/fastrpc-development-*.tar.gz; do
		[ -f "$f" ] && tarball=$f && break 2
	done
done
if [ -z "$tarball" ]; then
	result FAIL "$GRP" snapshot "no fastrpc-development-*.tar.gz in FASTRPC_LIB_VENDOR, ../shared/vendor/qualcomm-fastrpc or $CACHE/vendor"
	exit 1
fi
if [ "$(dirname "$tarball")" != "$CACHE/vendor" ]; then
	mkdir -p "$CACHE/vendor"
	cmp -s "$tarball" "$CACHE/vendor/$(basename "$tarball")" ||
		cp "$tarball" "$CACHE/vendor/"
fi
shopt -s nullglob
patches=()
for p in "$SERIES"/[0-9][0-9][0-9][0-9]-*.patch; do
	case $(basename "$p") in 0000-*) continue ;; esac
	patches+=("$p")
done
shopt -u nullglob

# build_lib flavour patch...: build the snapshot (with the patches) into
# $CACHE/libfastrpc/<flavour>-<key>/inst unless it is there; print the dir.
build_lib() {
	local fl=$1 key d rc=0
	shift
	key=$( (sha256sum "$tarball" "$@" | cut -d' ' -f1
		echo "$fl autogen configure --prefix=/usr") | sha256sum | cut -c1-12)
	d=$CACHE/libfastrpc/$fl-$key
	mkdir -p "$CACHE/libfastrpc"
	exec 6>>"$d.lock"
	flock 6
	if [ ! -f "$d/.done" ]; then
		rm -rf "$d"
		mkdir -p "$d/src"
		log "libfastrpc-$fl: building $(basename "$tarball") ${*:+with $# patches }in $d"
		(
			set -e
			tar -xzf "$tarball" -C "$d/src" --strip-components=1
			cd "$d/src"
			for p in "$@"; do
				echo "== $(basename "$p")"
				patch -p1 --no-backup-if-mismatch <"$p"
			done
			sh ./autogen.sh
			./configure --prefix=/usr
			make -j"$JOBS"
			make install DESTDIR="$d/inst"
		) >"$d.log" 2>&1 || rc=$?
		[ $rc = 0 ] && touch "$d/.done"
	fi
	flock -u 6
	exec 6>&-
	cp "$d.log" "$art/user/logs/libfastrpc-$fl.log" 2>/dev/null || true
	[ $rc = 0 ] || return 1
	echo "$d"
}

rc=0
declare -A LIBDIR
for fl in legacy accel; do
	if [ $fl = accel ] && [ ${#patches[@]} = 0 ]; then
		result FAIL "$GRP" accel "no patch series in $SERIES"
		rc=1
		continue
	fi
	pl=()
	[ $fl = accel ] && pl=("${patches[@]}")
	if d=$(build_lib $fl "${pl[@]}"); then
		LIBDIR[$fl]=$d/inst/usr/lib
		mkdir -p "$dst/$fl"
		cp -a "$d"/inst/usr/lib/lib*.so* "$dst/$fl/"
		result PASS "$GRP" $fl
	else
		show_tail "$art/user/logs/libfastrpc-$fl.log"
		result FAIL "$GRP" $fl "build failed, see $art/user/logs/libfastrpc-$fl.log"
		rc=1
	fi
done
[ -n "${LIBDIR[legacy]:-}" ] || exit 1

# The client, against the unmodified library's installed headers
inc=$(dirname "${LIBDIR[legacy]}")/include/fastrpc
lg=$art/user/logs/fastrpc_calculator.log
if gcc -O2 -Wall -Wextra -Werror -I"$inc" -o "$dst/bin/fastrpc_calculator" \
	"$REPO/tools/accel/fastrpc/fastrpc_calculator.c" \
	-L"${LIBDIR[legacy]}" -lcdsprpc -lpthread >"$lg" 2>&1; then
	result PASS "$GRP" fastrpc_calculator
else
	sed 's/^/  | /' "$lg" | head -40 >&2
	result FAIL "$GRP" fastrpc_calculator "gcc failed, see $lg"
	exit 1
fi
for m in calculator simtest; do
	echo "int ${m}_skel_stand_in;" >"$dst/dsp/skel.c"
	gcc -shared -fPIC -o "$dst/dsp/lib${m}_skel.so" "$dst/dsp/skel.c"
done
rm "$dst/dsp/skel.c"

# The shared libraries all of it needs, from this host (the VM has no
# other C library than busybox's static one). glibc loads libgcc_s at
# run time for thread cancellation and unwinding: take it too.
libs=$(for f in "$dst/bin/fastrpc_calculator" "$dst"/legacy/*.so* "$dst"/accel/*.so*; do
	if [ -f "$f" ]; then
		LD_LIBRARY_PATH=${LIBDIR[legacy]} ldd "$f" 2>/dev/null || true
	fi
done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	{ grep -v "^$CACHE" || true; } | sort -u)
gcc_s=$(gcc -print-file-name=libgcc_s.so.1)
for l in $libs /lib/x86_64-linux-gnu/libgcc_s.so.1; do
	[ -e "$l" ] || continue
	mkdir -p "$dst/sysroot$(dirname "$l")"
	cp -L "$l" "$dst/sysroot$l"
done
[ -e "$dst/sysroot/lib/x86_64-linux-gnu/libgcc_s.so.1" ] || [ ! -e "$gcc_s" ] ||
	cp -L "$gcc_s" "$dst/sysroot/lib/x86_64-linux-gnu/"
exit $rc
