#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# arm64 cross-build of our modules (build only): tinyconfig + configs/arm64.config,
# then "make modules" alone, which compiles the =m objects without building
# vmlinux (modpost runs in modules-only mode; KBUILD_MODPOST_WARN=1 turns the
# unresolved-symbol errors it cannot check into warnings).
# One test: pass when the build succeeds and made our modules.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GRP=build-arm64
command -v aarch64-linux-gnu-gcc >/dev/null || {
	result FAIL "$GRP" modules "aarch64-linux-gnu-gcc missing"
	exit 1
}

locked() {
	pin_source || return 1
	local b
	b=$(build_dir arm64 base)
	prune_build_dirs arm64 base "$b"
	ln -sfn "$(basename "$b")" "$BUILD_ROOT/arm64-base"
	if [ ! -f "$b/.fastrpc-config-ok" ]; then
		log "arm64: generating config in $b"
		gen_config arm64 "$b" "$HARNESS_DIR/configs/arm64.config" || return 1
	fi
	claim_build_dir "$b"
	local t0 rc=0
	t0=$(date +%s)
	log "arm64: make modules (log: $b/build.log)"
	make -C "$SRC" O="$b" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		KBUILD_MODPOST_WARN=1 -j"$JOBS" modules >"$b/build.log" 2>&1 || rc=$?
	log "arm64: build took $(($(date +%s) - t0)) s"
	if [ $rc != 0 ]; then
		grep -E 'error:|warning:|No rule' "$b/build.log" | head -40 >&2 || true
		show_tail "$b/build.log" 25
		return 1
	fi
	local kos
	kos=$(grep "^$DRV_REL/" "$b/modules.order" | sed 's|.*/||; s|\.o$|.ko|' | paste -sd' ')
	[ -n "$kos" ] || { log "arm64: no module of ours was built"; return 1; }
	log "arm64: built $kos"
	# Warnings from our files fail the build test.
	if grep -E "$DRV_REL/[^ ]*: (warning|error):" "$b/build.log" >&2; then
		log "arm64: compiler warnings in our files"
		return 1
	fi
}

mkdir -p "$CACHE"
rc=0
(
	flock 9
	locked
) 9>>"$LOCK" || rc=$?
if [ $rc = 0 ]; then result PASS "$GRP" modules; else result FAIL "$GRP" modules "arm64 build failed"; fi
exit $rc
