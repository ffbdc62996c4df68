# SPDX-License-Identifier: GPL-2.0-only
# Common settings and helpers of the fastrpc-accel harness. Source it from bash.
#
# Environment:
#   FASTRPC_CACHE  cache root (default ~/.cache/fastrpc-accel): kernel source
#                  tree and build dirs, shared by every checkout on the machine
#   JOBS           make -j (default: nproc)
#   KVM=1          boot the VM with KVM instead of TCG (off by default)
#   OUT            repo-local output dir (default $REPO/out)

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HARNESS_DIR/.." && pwd)
CACHE=${FASTRPC_CACHE:-$HOME/.cache/fastrpc-accel}
TARBALL=${FASTRPC_KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
SRC=$CACHE/linux-source-6.12
BUILD_ROOT=$CACHE/build
LOCK=$CACHE/build.lock
JOBS=${JOBS:-$(nproc)}
OUT=${OUT:-$REPO/out}

# busybox-static of arm64 for the arm64 VM's initramfs, extracted from the
# Debian package by deps.sh (installing it would replace the host's).
ARM64_BUSYBOX=$CACHE/busybox-arm64/bin/busybox

# Files of our series that the kernel tree carries as symlinks.
DRV_REL=drivers/accel/fastrpc
UAPI_REL=include/uapi/drm/fastrpc_accel.h
# The simulated DSP: test modules built against a build dir with M=, as
# upstream's tools/testing/cxl, from a copy in the build dir (SIM_DIR): an
# external module is built in its own directory, and neither the repo nor
# the shared source tree may get objects (base, debug and arm64 build side
# by side).
SIM_REL=tools/testing/fastrpc
SIM_DIR=tools-testing-fastrpc

log() { printf '[harness] %s\n' "$*" >&2; }
die() { printf '[harness] ERROR: %s\n' "$*" >&2; exit 1; }

# Point the cached kernel tree at this checkout (prepare-tree.sh) and keep
# it there until the calling process exits. Call with the global lock held
# (fd 9); the caller may then release it and build. Builds of one checkout
# hold the source lock shared and run side by side; a build of another
# checkout takes it exclusively to re-point the tree, so it waits until they
# are done, and they never compile another checkout's files.
pin_source() {
	exec 7>>"$CACHE/src.lock"
	if [ "$(readlink "$SRC/$DRV_REL" 2>/dev/null)" = "$REPO/$DRV_REL" ]; then
		flock -s 7
	else
		flock 7
	fi
	"$HARNESS_DIR/prepare-tree.sh" || return 1
	flock -s 7
}

# Run a command holding the shared build lock (other engineers and other
# checkouts build in the same cache).
with_lock() {
	mkdir -p "$CACHE"
	flock "$LOCK" "$@"
}

# Result file: one line per test, "PASS|FAIL|SKIP <group> <name> [detail]".
RESULTS=${RESULTS:-/dev/null}
result() { # result PASS|FAIL|SKIP group name [detail...]
	local st=$1 grp=$2 name=$3
	shift 3
	mkdir -p "$(dirname "$RESULTS")"
	printf '%s %s %s %s\n' "$st" "$grp" "$name" "$*" >>"$RESULTS"
	case $st in
	PASS) printf '  ok      %s/%s\n' "$grp" "$name" >&2 ;;
	SKIP) printf '  skip    %s/%s %s\n' "$grp" "$name" "$*" >&2 ;;
	*) printf '  NOT OK  %s/%s %s\n' "$grp" "$name" "$*" >&2 ;;
	esac
}

# Show the end of a log file after a failure.
show_tail() { # show_tail file [lines]
	local n=${2:-40}
	printf -- '----- last %s lines of %s -----\n' "$n" "$1" >&2
	tail -n "$n" "$1" | sed 's/^/  | /' >&2
	printf -- '-----\n' >&2
}

kernel_version() {
	sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p; s/^SUBLEVEL = //p' \
		"$SRC/Makefile" | paste -sd.
}

# Config fragments of a variant, in merge order.
variant_fragments() { # variant_fragments arch variant
	local arch=$1 v=$2
	case $arch-$v in
	x86_64-base) echo "$HARNESS_DIR/configs/base.config" ;;
	x86_64-debug) echo "$HARNESS_DIR/configs/base.config $HARNESS_DIR/configs/debug.config" ;;
	arm64-vm) echo "$HARNESS_DIR/configs/arm64-vm.config" ;;
	i386-base) echo "$HARNESS_DIR/configs/i386.config" ;;
	*) die "unknown variant $arch-$v" ;;
	esac
}

# Build dir of a variant: keyed by a hash of the fragments, our Kconfig
# files and the kernel version, so a Kconfig change gives a new build dir
# while an edit of a driver .c is an incremental rebuild.
build_dir() { # build_dir arch variant
	local arch=$1 v=$2 h
	h=$( {
		echo "$arch $v $(kernel_version)"
		# shellcheck disable=SC2046
		cat $(variant_fragments "$arch" "$v")
		find "$REPO/$DRV_REL" -name 'Kconfig*' -type f | LC_ALL=C sort |
			while read -r f; do echo "== ${f#"$REPO"/}"; cat "$f"; done
	} | sha256sum | cut -c1-10)
	echo "$BUILD_ROOT/$arch-$v-$h"
}

# A variant as the scripts take it: base and debug are x86_64's,
# <arch>-<variant> (arm64-vm) another arch's. Sets ARCH and V.
parse_variant() { # parse_variant base|debug|<arch>-<variant>
	case $1 in
	*-*) ARCH=${1%%-*} V=${1#*-} ;;
	*) ARCH=x86_64 V=$1 ;;
	esac
	variant_fragments "$ARCH" "$V" >/dev/null
}

# The kernel image a VM boots: make target, then its path in a build dir.
kernel_image() { # kernel_image arch
	case $1 in
	x86_64) echo "bzImage arch/x86/boot/bzImage" ;;
	arm64) echo "Image arch/arm64/boot/Image" ;;
	*) die "no VM kernel for $1" ;;
	esac
}

# The compiler of an arch's userspace programs (static binaries)
user_cc() { # user_cc arch
	case $1 in
	x86_64) echo gcc ;;
	arm64) echo aarch64-linux-gnu-gcc ;;
	*) die "no userspace compiler for $1" ;;
	esac
}

make_arch_args() { # make_arch_args arch
	case $1 in
	x86_64) echo "ARCH=x86_64" ;;
	arm64) echo "ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
	i386) echo "ARCH=i386" ;;
	esac
}

# Artifacts of a variant, snapshot into the repo-local output dir after a
# build (so later steps do not race with other builds in the cache).
art_dir() { echo "$OUT/$1-$2"; } # art_dir arch variant

# Generate $B/.config: tinyconfig, then the fragments, then olddefconfig.
# Fails naming every requested symbol that did not take effect.
gen_config() { # gen_config arch builddir fragment...
	local arch=$1 b=$2
	shift 2
	local margs bad=0 line sym val
	margs=$(make_arch_args "$arch")
	mkdir -p "$b"
	# shellcheck disable=SC2086
	make -C "$SRC" O="$b" $margs tinyconfig >"$b/config.log" 2>&1 ||
		{ show_tail "$b/config.log"; return 1; }
	cat "$@" >>"$b/.config"
	# shellcheck disable=SC2086
	make -C "$SRC" O="$b" $margs olddefconfig >>"$b/config.log" 2>&1 ||
		{ show_tail "$b/config.log"; return 1; }
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) ;;
		*) continue ;;
		esac
		line=${line%%#*}
		line=${line%"${line##*[![:space:]]}"}
		sym=${line%%=*}
		val=${line#*=}
		if [ "$val" = n ]; then
			if grep -q "^$sym=" "$b/.config"; then
				log "config: $sym=n requested, got $(grep "^$sym=" "$b/.config")"
				bad=1
			fi
		elif ! grep -qx "$sym=$val" "$b/.config"; then
			log "config: $sym=$val requested, got: $(grep -E "^$sym=|^# $sym is not set" "$b/.config" || echo 'absent')"
			bad=1
		fi
	done < <(cat "$@")
	if [ $bad != 0 ]; then
		log "config: requested symbols did not take effect in $b/.config (see above)"
		return 1
	fi
	touch "$b/.fastrpc-config-ok"
}

# Remove old build dirs of an arch-variant: keep the new one and the newest
# other one (a Kconfig change means a new dir and a full build; copying the
# old dir does not help because objtool is rebuilt in the copy, and every
# object depends on it). Call with the build lock held.
prune_build_dirs() { # prune_build_dirs arch variant builddir
	local arch=$1 v=$2 b=$3 d keep=""
	for d in $(ls -dt "$BUILD_ROOT/$arch-$v-"* 2>/dev/null); do
		[ -L "$d" ] || [ "$d" = "$b" ] && continue
		case $d in *.lock) continue ;; esac
		if [ -z "$keep" ]; then
			keep=$d
			continue
		fi
		log "$arch-$v: removing old build dir $(basename "$d")"
		rm -rf "$d" "$d.lock"
	done
}

# The tree's symlinks point at one checkout at a time. When a build dir was
# last built from another checkout, make's mtime checks could keep objects
# built from the other checkout's sources: drop our objects (and the
# simulator's copy) then.
claim_build_dir() { # claim_build_dir builddir
	local b=$1
	if [ "$(cat "$b/.fastrpc-repo" 2>/dev/null)" != "$REPO" ]; then
		rm -rf "${b:?}/$DRV_REL" "${b:?}/$SIM_DIR" "$b/usr/include/drm/fastrpc_accel.h"
		echo "$REPO" >"$b/.fastrpc-repo"
	fi
}

# Copy the simulator's sources into a build dir (mtimes kept, so that make
# rebuilds only what changed; the build's own files are kept) and print the
# copy's path.
sim_sync() { # sim_sync builddir
	local d=$1/$SIM_DIR
	mkdir -p "$d"
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='.*.d' \
		--exclude='modules.order' --exclude='Module.symvers' \
		"$REPO/$SIM_REL/" "$d/" || return 1
	echo "$d"
}

# make in the simulator's copy in a build dir: sim_make arch builddir args...
sim_make() {
	local arch=$1 b=$2 d margs
	shift 2
	d=$(sim_sync "$b") || return 1
	margs=$(make_arch_args "$arch")
	# shellcheck disable=SC2086
	make -C "$SRC" O="$b" $margs M="$d" "$@"
}

# Run and time one step of a run (check.sh, arm64.sh): a line per step in
# $OUT/timings.txt.
step() { # step name cmd...
	local name=$1 t rc=0
	shift
	t=$(date +%s)
	printf '\n==== %s\n' "$name" >&2
	"$@" || rc=$?
	mkdir -p "$OUT"
	printf '%-28s %4d s  rc=%d\n' "$name" $(($(date +%s) - t)) $rc >>"$OUT/timings.txt"
	return $rc
}

# A variant's VM check: kernel and modules, userspace, initramfs, then one
# VM run per kind of simulated DSP (coherent|noncoherent; none: one run with
# the defaults), each counted by parse-results.py into the results as group
# vm-<arch>-<kind>, or vm-<arch>-<variant> without a kind. Runs of another
# arch than x86_64 also fail on any kernel report on their console
# (--console-clean): nothing is excused there.
vm_check() { # vm_check base|debug|arm64-vm [kind...]
	local v=$1 rc=0 qrc kind grp pargs=()
	shift
	local ARCH V
	parse_variant "$v"
	step "build-kernel-$v" "$HARNESS_DIR/build-kernel.sh" "$v" || rc=$?
	if [ $rc = 1 ]; then
		log "$ARCH-$V: no kernel, VM tests not run"
		return 1
	fi
	step "build-user-$v" "$HARNESS_DIR/build-user.sh" "$v" || rc=1
	if ! step "initramfs-$v" "$HARNESS_DIR/mkinitramfs.sh" "$v"; then
		result FAIL "vm-$ARCH-$V" initramfs "could not build the initramfs"
		return 1
	fi
	[ "$ARCH" = x86_64 ] || pargs=(--console-clean)
	for kind in "${@:-}"; do
		grp=vm-$ARCH-${kind:-$V}
		qrc=0
		step "vm-check-$v${kind:+-$kind}" "$HARNESS_DIR/run-vm.sh" "$v" check ${kind:+"$kind"} || qrc=$?
		python3 "$HARNESS_DIR/parse-results.py" "${pargs[@]}" \
			"$OUT/$ARCH-$V-check${kind:+-$kind}.log" "$grp" "$qrc" "$RESULTS" >&2 || rc=1
	done
	return $rc
}
