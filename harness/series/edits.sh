# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Generators of the series' edits to files of the kernel tree (sourced by
# harness/series.sh; each runs in the kernel tree, on the files as the
# previous steps left them, and fails when the file does not look as
# expected, so that a new kernel tree cannot be patched silently wrong).
# Variables: SERIES_NAME, SERIES_EMAIL (the maintainer of the new entry).

# The new MAINTAINERS section (series.sh checks that the files the series
# adds are in it)
SERIES_SECTION="QUALCOMM FASTRPC ACCEL DRIVER"

# Insert stdin before the line that is exactly $2 in file $1.
insert_before() { # insert_before file line
	local f=$1 at=$2 text
	text=$(cat; echo x)
	text=${text%x}
	grep -qxF -- "$at" "$f" || die "series: '$at' not found in $f"
	AT=$at TEXT=$text awk '$0 == ENVIRON["AT"] && !done { printf "%s", ENVIRON["TEXT"]; done = 1 } { print }' \
		"$f" >"$f.new" && mv "$f.new" "$f"
}

# MAINTAINERS: the new driver's entry, sorted before the old driver's.
maintainers_entry() {
	insert_before MAINTAINERS 'QUALCOMM FASTRPC DRIVER' <<EOF
$SERIES_SECTION
M:	$SERIES_NAME <$SERIES_EMAIL>
L:	dri-devel@lists.freedesktop.org
L:	linux-arm-msm@vger.kernel.org
S:	Supported
T:	git https://gitlab.freedesktop.org/drm/misc/kernel.git
F:	Documentation/accel/fastrpc/
F:	drivers/accel/fastrpc/
F:	include/uapi/drm/fastrpc_accel.h
F:	tools/testing/fastrpc/
F:	tools/testing/selftests/drivers/accel/fastrpc/

EOF
}

# Documentation/accel/index.rst: the driver's book in the toctree, sorted.
docs_index() {
	local f=Documentation/accel/index.rst
	grep -qxF '   qaic/index' "$f" || die "series: no qaic/index in $f"
	insert_before "$f" '   qaic/index' <<<'   fastrpc/index'
}

# drivers/accel/{Kconfig,Makefile}: descend into the driver. The source
# line goes after the last driver's (inside "if DRM_ACCEL"), the obj line
# after the last obj line.
accel_hooks() {
	local k=drivers/accel/Kconfig m=drivers/accel/Makefile last
	last=$(grep '^source "drivers/accel/' "$k" | tail -n1)
	[ -n "$last" ] || die "series: no source line in $k"
	awk -v last="$last" '{ print } $0 == last { print "source \"drivers/accel/fastrpc/Kconfig\"" }' \
		"$k" >"$k.new" && mv "$k.new" "$k"
	last=$(grep '^obj-' "$m" | tail -n1)
	[ -n "$last" ] || die "series: no obj line in $m"
	awk -v last="$last" '{ print } $0 == last { print "obj-$(CONFIG_DRM_ACCEL_FASTRPC)\t\t+= fastrpc/" }' \
		"$m" >"$m.new" && mv "$m.new" "$m"
}

# Retire drivers/misc/fastrpc.c: QCOM_FASTRPC becomes a transitional symbol
# that selects the accel driver (its legacy face serves
# include/uapi/misc/fastrpc.h), and the accel driver no longer needs to
# stay clear of it. It still selects QCOM_SCM as the old driver did: the
# accel driver assigns a static PD's reserved memory to the DSP with it
# when it is reachable, so configurations keep that.
retire_misc() {
	local k=drivers/misc/Kconfig m=drivers/misc/Makefile
	[ -f drivers/misc/fastrpc.c ] || die "series: drivers/misc/fastrpc.c missing"
	git rm -q drivers/misc/fastrpc.c
	grep -q '^obj-$(CONFIG_QCOM_FASTRPC)' "$m" || die "series: no QCOM_FASTRPC line in $m"
	sed -i '/^obj-$(CONFIG_QCOM_FASTRPC)/d' "$m"
	# Replace the config block (up to the next "config" line)
	grep -qx 'config QCOM_FASTRPC' "$k" || die "series: no QCOM_FASTRPC in $k"
	awk '
		/^config QCOM_FASTRPC$/ {
			print
			print "\ttristate \"Qualcomm FastRPC (transitional)\""
			print "\tdepends on ARCH_QCOM || COMPILE_TEST"
			print "\tdepends on DRM && MMU && OF && RPMSG"
			print "\tselect DRM_ACCEL"
			print "\tselect DRM_ACCEL_FASTRPC"
			print "\tselect QCOM_SCM"
			print "\thelp"
			print "\t  Transitional symbol, use DRM_ACCEL_FASTRPC. The FastRPC driver"
			print "\t  is now the DRM accel driver in drivers/accel/fastrpc, whose"
			print "\t  DRM_ACCEL_FASTRPC_LEGACY option serves the /dev/fastrpc-* nodes"
			print "\t  and UAPI of this driver. Selecting this option selects it."
			print ""
			skip = 1
			next
		}
		skip && /^(menu)?config / { skip = 0 }
		!skip { print }' "$k" >"$k.new" && mv "$k.new" "$k"
	k=drivers/accel/fastrpc/Kconfig
	grep -qx '	depends on QCOM_FASTRPC != y || m' "$k" ||
		die "series: no QCOM_FASTRPC dependency in $k"
	sed -i '/^\tdepends on QCOM_FASTRPC != y || m$/d' "$k"
	# The old driver's entry keeps the bindings and the legacy UAPI header
	grep -qx 'F:	drivers/misc/fastrpc.c' MAINTAINERS || die "series: no drivers/misc/fastrpc.c in MAINTAINERS"
	sed -i '\|^F:\tdrivers/misc/fastrpc.c$|d' MAINTAINERS
}
