#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Make $OUT/<arch>-<variant>/initramfs.cpio: busybox-static, harness/init.sh
# as /init, our modules in /lib/modules, the demo in /tests/bin and the
# selftests in /tests/selftests, the simulated DSP's firmware file in
# /lib/firmware; the legacy phase's fastrpc_legacy in
# /tests/legacy and the old driver's modules in /lib/modules/legacy (when
# the kernel has it: not arm64-vm's); the FastRPC library, its C library
# and its calculator client (x86_64).
# arm64: the arm64 busybox-static that deps.sh extracts ($ARM64_BUSYBOX); it
# does not run here, so the applet list is the host's busybox's, the same
# Debian package for amd64.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

parse_variant "${1:?usage: mkinitramfs.sh base|debug|arm64-vm}"
art=$(art_dir "$ARCH" "$V")
[ -d "$art" ] || die "$art missing: build the kernel first"
HOST_BB=/bin/busybox
[ -x $HOST_BB ] || die "$HOST_BB missing (apt-get install busybox-static)"
$HOST_BB --list >/dev/null || die "$HOST_BB does not run"
case $ARCH in
x86_64) BB=$HOST_BB ;;
arm64) BB=$ARM64_BUSYBOX ;;
*) die "no busybox for $ARCH" ;;
esac
[ -f "$BB" ] || die "$BB missing (harness/deps.sh extracts it)"

root=$art/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,root,etc,lib/modules,tests/bin,tests/selftests}
cp "$BB" "$root/bin/busybox"
for a in $($HOST_BB --list); do
	# Never link "busybox" itself: that would replace the binary.
	[ "$a" = busybox ] && continue
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
cp "$HARNESS_DIR/init.sh" "$root/init"
chmod 755 "$root/init"
# The udev rules the project ships, and their group, for fastrpc_privilege
# (no udev in the VM: the test applies the rules itself)
mkdir -p "$root/etc/udev/rules.d"
cp "$REPO/tools/accel/fastrpc/70-fastrpc.rules" "$root/etc/udev/rules.d/"
printf 'root:x:0:\nfastrpc:x:4242:\n' >"$root/etc/group"
cp -a "$art/modules/." "$root/lib/modules/"
[ -d "$art/user/bin" ] && cp -a "$art/user/bin/." "$root/tests/bin/"
[ -d "$art/user/selftests" ] && cp -a "$art/user/selftests/." "$root/tests/selftests/"
# The FastRPC library (build-libfastrpc.sh): its two builds in
# /usr/lib/fastrpc/{legacy,accel}, the C library it needs at its usual
# paths, the calculator client in /tests/bin and the file the DSP's loader
# fetches in /usr/lib/dsp, where the library looks by default.
lf=$art/user/libfastrpc
if [ -d "$lf" ]; then
	mkdir -p "$root/usr/lib/fastrpc" "$root/usr/lib/dsp"
	cp -a "$lf/sysroot/." "$root/"
	for fl in legacy accel; do
		[ -d "$lf/$fl" ] && cp -a "$lf/$fl" "$root/usr/lib/fastrpc/"
	done
	cp -a "$lf/bin/." "$root/tests/bin/"
	cp -a "$lf/dsp/." "$root/usr/lib/dsp/"
fi
# The legacy phase: fastrpc_legacy and the old driver's modules from the
# build dir (a missing one is reported by init.sh as a failed check).
mkdir -p "$root/tests/legacy" "$root/lib/modules/legacy"
[ -d "$art/user/legacy" ] && cp -a "$art/user/legacy/." "$root/tests/legacy/"
if [ -f "$art/builddir" ] && grep -q '^CONFIG_QCOM_FASTRPC=m' "$art/config"; then
	b=$(cat "$art/builddir")
	for k in drivers/firmware/qcom/qcom_tzmem.ko drivers/firmware/qcom/qcom-scm.ko drivers/misc/fastrpc.ko; do
		if [ -f "$b/$k" ]; then
			cp "$b/$k" "$root/lib/modules/legacy/"
		else
			log "legacy module $k missing in $b"
		fi
	done
fi
# The simulated DSPs are remote processors: the remoteproc core reads this
# file at every boot and recovery; nothing of it is loaded (sim.rst).
mkdir -p "$root/lib/firmware"
echo "fastrpc_sim: simulated Hexagon DSP, nothing to load" >"$root/lib/firmware/fastrpc-sim.mbn"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$art/initramfs.cpio"
log "initramfs: $(du -h "$art/initramfs.cpio" | cut -f1), modules: $(cd "$root/lib/modules" && echo *.ko)"
