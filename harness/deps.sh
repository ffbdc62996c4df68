#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages the harness needs (as root; skipped when all
# are present). Safe to run with no stdin (CI).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(gcc make libc6-dev flex bison libelf-dev libssl-dev bc cpio kmod
	rsync xz-utils python3 perl sparse qemu-system-x86 busybox-static
	linux-source-6.12 gcc-aarch64-linux-gnu gcc-12-multilib util-linux coreutils
	patch
	# the FastRPC userspace library (build-libfastrpc.sh)
	autoconf automake libtool pkg-config libyaml-dev libbsd-dev
	# make series: git; checkpatch's SPDX and commit checks
	git python3-ply python3-git
	# the arm64 VM (arm64.sh): qemu-system-aarch64, static arm64 userspace
	qemu-system-arm libc6-dev-arm64-cross)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing+=("$p")
	fi
done
# The arm64 VM's busybox: busybox-static:arm64, downloaded and extracted
# into the cache, not installed (it would replace the host's /bin/busybox);
# apt needs the arm64 architecture for it.
need_bb=0
[ -x "$ARM64_BUSYBOX" ] || need_bb=1
[ ${#missing[@]} -eq 0 ] && [ $need_bb = 0 ] && exit 0

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]} busybox-static:arm64"
	SUDO="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update() {
	[ $updated = 1 ] && return 0
	$SUDO apt-get update -q >"${TMPDIR:-/tmp}/fastrpc-apt-update.log" 2>&1 ||
		{ cat "${TMPDIR:-/tmp}/fastrpc-apt-update.log" >&2; die "apt-get update failed"; }
	updated=1
}
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	apt_update
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null ||
		die "apt-get install failed"
fi
if [ $need_bb = 1 ]; then
	bbdir=$(dirname "$ARM64_BUSYBOX")
	log "fetching busybox-static:arm64 into $bbdir"
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		$SUDO dpkg --add-architecture arm64
		updated=0
	fi
	apt_update
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/fastrpc-bb.XXXXXX")
	(cd "$tmp" && $SUDO apt-get download -q busybox-static:arm64 </dev/null) >"$tmp/log" 2>&1 ||
		{ cat "$tmp/log" >&2; rm -rf "$tmp"; die "apt-get download busybox-static:arm64 failed"; }
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$tmp/x" ||
		{ rm -rf "$tmp"; die "could not extract busybox-static:arm64"; }
	mkdir -p "$bbdir"
	cp "$tmp/x/bin/busybox" "$ARM64_BUSYBOX.tmp.$$"
	mv "$ARM64_BUSYBOX.tmp.$$" "$ARM64_BUSYBOX"
	rm -rf "$tmp"
fi
