#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the kernel of a variant (x86_64 base|debug, or arm64-vm) with our
# modules, install the UAPI headers, and snapshot the artifacts into
# $OUT/<arch>-<variant>/:
#   bzImage (x86_64) or Image (arm64), modules/*.ko (only when the module
#   build succeeded: the driver's, in-tree, and the simulator's, test
#   modules built from tools/testing/fastrpc with M=), usr/include,
#   config, status ("kernel=0|1 modules=0|1").
# Exit: 0 all built, 2 kernel built but modules failed, 1 kernel failed.
# On arm64, gcc warning about one of our files fails the "modules" test (the
# modules are still used: exit 0).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

parse_variant "${1:?usage: build-kernel.sh base|debug|arm64-vm}"
GRP=build-$ARCH-$V
read -r IMG_TARGET IMG_PATH < <(kernel_image "$ARCH")
# shellcheck disable=SC2207
MARGS=($(make_arch_args "$ARCH"))

locked_build() {
	pin_source || return 1
	local b legacy
	b=$(build_dir "$ARCH" "$V")
	legacy=$BUILD_ROOT/$ARCH-$V
	# Adopt a build dir made by hand at the legacy path (keeps its objects).
	if [ ! -d "$b" ] && [ -d "$legacy" ] && [ ! -L "$legacy" ]; then
		log "adopting $legacy as $b"
		mv "$legacy" "$b"
		rm -f "$b/.fastrpc-config-ok"
	fi
	prune_build_dirs "$ARCH" "$V" "$b"
	# From here on only this build dir is ours: hold its own lock and let
	# builds of other variants (and their module rebuilds) go on.
	exec 8>>"$b.lock"
	flock 8
	flock -u 9
	# Others build out-of-tree modules against $BUILD_ROOT/x86_64-base.
	mkdir -p "$BUILD_ROOT"
	ln -sfn "$(basename "$b")" "$legacy.tmp.$$"
	mv -Tf "$legacy.tmp.$$" "$legacy"

	if [ ! -f "$b/.fastrpc-config-ok" ]; then
		log "$ARCH-$V: generating config in $b"
		# shellcheck disable=SC2046
		gen_config "$ARCH" "$b" $(variant_fragments "$ARCH" "$V") || return 1
	fi

	claim_build_dir "$b"
	local t0 rc_k=0 rc_m=0
	t0=$(date +%s)
	log "$ARCH-$V: make $IMG_TARGET (log: $b/build.log; first build takes minutes)"
	make -C "$SRC" O="$b" "${MARGS[@]}" -j"$JOBS" FASTRPC_HARNESS_KERNEL_ONLY=1 "$IMG_TARGET" >"$b/build.log" 2>&1 || rc_k=$?
	if [ $rc_k = 0 ]; then
		log "$ARCH-$V: make modules"
		make -C "$SRC" O="$b" "${MARGS[@]}" -j"$JOBS" modules >"$b/modules.log" 2>&1 || rc_m=$?
		if [ $rc_m = 0 ]; then
			log "$ARCH-$V: make M=$SIM_DIR modules (the simulator, $SIM_REL)"
			sim_make "$ARCH" "$b" -j"$JOBS" modules >>"$b/modules.log" 2>&1 || rc_m=$?
		fi
		make -C "$SRC" O="$b" "${MARGS[@]}" headers_install >"$b/headers.log" 2>&1 ||
			{ show_tail "$b/headers.log"; rc_k=1; }
	fi
	log "$ARCH-$V: build took $(($(date +%s) - t0)) s"

	local art
	art=$(art_dir "$ARCH" "$V")
	rm -rf "$art"
	mkdir -p "$art/modules"
	echo "$b" >"$art/builddir"
	if [ $rc_k != 0 ]; then
		[ -f "$b/build.log" ] && show_tail "$b/build.log"
		echo "kernel=1 modules=1" >"$art/status"
		return 1
	fi
	cp "$b/$IMG_PATH" "$art/$IMG_TARGET" &&
		cp "$b/.config" "$art/config" &&
		cp -a "$b/usr/include" "$art/include" || return 1
	if [ $rc_m != 0 ]; then
		grep -E 'error:|warning:|No rule' "$b/modules.log" | head -40 >&2 || true
		show_tail "$b/modules.log" 25
		echo "kernel=0 modules=1" >"$art/status"
		return 2
	fi
	# Our modules, exactly the ones this build made (the driver's in-tree,
	# the simulator's with M=), plus the modules they depend on (e.g. a DRM
	# helper selected =m) in modules/deps/, with a <module>.deps file
	# listing "name file" in load order.
	local m k n
	local ours=()
	declare -A KO=()
	while read -r m; do
		k=${m%.o}
		k=${k%.ko}.ko
		n=$(basename "$k" .ko)
		KO[${n//-/_}]=$k
		case $m in $DRV_REL/*) ours+=("$k") ;; esac
	done <"$b/modules.order"
	# An external module's modules.order names its objects by absolute path
	while read -r m; do
		k=${m%.o}
		k=${k%.ko}.ko
		case $k in
		/*) k=${k#"$b"/} ;;
		*) k=$SIM_DIR/$k ;;
		esac
		n=$(basename "$k" .ko)
		KO[${n//-/_}]=$k
		ours+=("$k")
	done <"$b/$SIM_DIR/modules.order"
	declare -A DONE=()
	local order=()
	visit() {
		local d
		[ -n "${DONE[$1]:-}" ] && return
		DONE[$1]=1
		for d in $(modinfo -F depends "$b/${KO[$1]}" 2>/dev/null | tr ',' ' '); do
			d=${d//-/_}
			[ -n "${KO[$d]:-}" ] && visit "$d"
		done
		order+=("$1")
	}
	mkdir -p "$art/modules/deps"
	for k in "${ours[@]}"; do
		n=$(basename "$k" .ko)
		cp "$b/$k" "$art/modules/" || return 1
		DONE=()
		order=()
		visit "${n//-/_}"
		: >"$art/modules/$n.deps"
		for d in "${order[@]}"; do
			[ "$d" = "${n//-/_}" ] && continue
			case ${KO[$d]} in
			$DRV_REL/* | $SIM_DIR/*) ;;
			*) cp "$b/${KO[$d]}" "$art/modules/deps/" || return 1 ;;
			esac
			echo "$d $(basename "${KO[$d]}")" >>"$art/modules/$n.deps"
		done
	done
	echo "kernel=0 modules=0" >"$art/status"
	# Our files compile warning-free on another arch too (x86_64's are
	# lint.sh's, with W=1 and sparse). Only what this build compiled is
	# seen: an unchanged file was checked by the build that compiled it.
	if [ "$ARCH" != x86_64 ] && grep -E "($DRV_REL|$SIM_DIR)/[^ ]*: (warning|error):" "$b/modules.log" >&2; then
		log "$ARCH-$V: compiler warnings in our files"
		return 3
	fi
	return 0
}

rc=0
mkdir -p "$CACHE"
(
	flock 9
	locked_build
) 9>>"$LOCK" || rc=$?
case $rc in
0) result PASS "$GRP" kernel; result PASS "$GRP" modules ;;
3)
	result PASS "$GRP" kernel
	result FAIL "$GRP" modules "gcc warned about our files, see $(cat "$(art_dir "$ARCH" "$V")/builddir")/modules.log"
	rc=0
	;;
2) result PASS "$GRP" kernel; result FAIL "$GRP" modules "see $(cat "$(art_dir "$ARCH" "$V")/builddir")/modules.log" ;;
*) result FAIL "$GRP" kernel "kernel build failed"; rc=1 ;;
esac
exit $rc
