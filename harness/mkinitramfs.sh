#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Make $OUT/x86_64-<variant>/initramfs.cpio: busybox-static, harness/init.sh
# as /init, our modules in /lib/modules, the demo in /tests/bin and the
# selftests in /tests/selftests, the simulated DSP's firmware file in
# /lib/firmware; the legacy phase's fastrpc_legacy in
# /tests/legacy and the old driver's modules in /lib/modules/legacy.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

V=${1:?usage: mkinitramfs.sh base|debug}
art=$(art_dir x86_64 "$V")
[ -d "$art" ] || die "$art missing: build the kernel first"
BB=/bin/busybox
[ -x $BB ] || die "$BB missing (apt-get install busybox-static)"
$BB --list >/dev/null || die "$BB does not run"

root=$art/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,root,etc,lib/modules,tests/bin,tests/selftests}
cp $BB "$root/bin/busybox"
for a in $($BB --list); do
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
# The legacy phase: fastrpc_legacy and the old driver's modules from the
# build dir (a missing one is reported by init.sh as a failed check).
mkdir -p "$root/tests/legacy" "$root/lib/modules/legacy"
[ -d "$art/user/legacy" ] && cp -a "$art/user/legacy/." "$root/tests/legacy/"
if [ -f "$art/builddir" ]; then
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
