#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages the harness needs (as root; skipped when all
# are present). Safe to run with no stdin (CI).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(gcc make libc6-dev flex bison libelf-dev libssl-dev bc cpio kmod
	rsync xz-utils python3 perl sparse qemu-system-x86 busybox-static
	linux-source-6.12 gcc-aarch64-linux-gnu gcc-12-multilib util-linux coreutils
	patch)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

log "installing: ${missing[*]}"
SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
	SUDO="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >"${TMPDIR:-/tmp}/fastrpc-apt-update.log" 2>&1 ||
	{ cat "${TMPDIR:-/tmp}/fastrpc-apt-update.log" >&2; die "apt-get update failed"; }
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null ||
	die "apt-get install failed"
