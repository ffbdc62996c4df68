#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# i386 build of our modules (build only): tinyconfig + configs/i386.config
# with ARCH=i386 and COMPILE_TEST, then "make modules" alone, as arm64.sh
# does, then the simulator's test modules (tools/testing/fastrpc, M=).
# On i386 a 64-bit integer is 4-byte aligned and there is no CONFIG_COMPAT:
# structure sizes and ioctl numbers differ from x86_64 (e.g. the legacy
# MEM_MAP is its own "32-bit" form), which only a 32-bit build of the
# driver shows.
# One test: pass when the build succeeds, made our modules and gcc warned
# about none of our files.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

GRP=build-i386

locked() {
	pin_source || return 1
	local b
	b=$(build_dir i386 base)
	prune_build_dirs i386 base "$b"
	mkdir -p "$b"
	ln -sfn "$(basename "$b")" "$BUILD_ROOT/i386-base"
	# From here on only this build dir is ours (as build-kernel.sh does):
	# hold its own lock and let the builds of other variants go on.
	exec 8>>"$b.lock"
	flock 8
	flock -u 9
	if [ ! -f "$b/.fastrpc-config-ok" ]; then
		log "i386: generating config in $b"
		gen_config i386 "$b" "$HARNESS_DIR/configs/i386.config" || return 1
	fi
	claim_build_dir "$b"
	local t0 rc=0
	t0=$(date +%s)
	log "i386: make modules (log: $b/build.log)"
	make -C "$SRC" O="$b" ARCH=i386 KBUILD_MODPOST_WARN=1 -j"$JOBS" \
		modules >"$b/build.log" 2>&1 || rc=$?
	if [ $rc = 0 ]; then
		log "i386: make M=$SIM_DIR modules (the simulator, $SIM_REL)"
		sim_make i386 "$b" KBUILD_MODPOST_WARN=1 -j"$JOBS" modules \
			>>"$b/build.log" 2>&1 || rc=$?
	fi
	log "i386: build took $(($(date +%s) - t0)) s"
	if [ $rc != 0 ]; then
		grep -E 'error:|warning:|No rule' "$b/build.log" | head -40 >&2 || true
		show_tail "$b/build.log" 25
		return 1
	fi
	local kos
	kos=$({ grep "^$DRV_REL/" "$b/modules.order"; cat "$b/$SIM_DIR/modules.order"; } |
		sed 's|.*/||; s|\.o$|.ko|' | paste -sd' ')
	[ -n "$kos" ] || { log "i386: no module of ours was built"; return 1; }
	log "i386: built $kos"
	# Warnings from our files fail the build test.
	if grep -E "($DRV_REL|$SIM_DIR)/[^ ]*: (warning|error):" "$b/build.log" >&2; then
		log "i386: compiler warnings in our files"
		return 1
	fi
}

mkdir -p "$CACHE"
rc=0
(
	flock 9
	locked
) 9>>"$LOCK" || rc=$?
if [ $rc = 0 ]; then result PASS "$GRP" modules; else result FAIL "$GRP" modules "i386 build failed"; fi
exit $rc
