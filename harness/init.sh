#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the fastrpc-accel test VM (busybox sh, PID 1).
#
# Kernel command line: harness_mode=check|demo|bench|shell (default check),
# and for a check: harness_only=<glob>[,<glob>...],
# harness_set=arm64|arm64-all, harness_coherent=0|1 (see below).
# Output protocol, read by harness/parse-results.py on the host:
#   HARNESS-CHECK ok|not ok|skip <name> [# detail]   one test each
#   HARNESS-KTAP-BEGIN <suite> ... HARNESS-KTAP-END <suite>   KUnit results
#   HARNESS-TAP-BEGIN <prog> ... HARNESS-TAP-END <prog>        kselftest TAP
#   HARNESS-DEMO-BEGIN ... HARNESS-DEMO-END                    demo output
#   HARNESS-BENCH-BEGIN ... HARNESS-BENCH-END                  bench output
#   HARNESS: RESULT PASS|FAIL                                  the verdict
# PASS ends with reboot -f (QEMU -no-reboot exits 0); FAIL writes to
# isa-debug-exit (QEMU exits 3). arm64's virt machine has no isa-debug-exit
# (no /dev/port): there QEMU exits 0 after a FAIL too and run-vm.sh tells
# the two apart by the verdict line.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root TERM=vt100

mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t configfs configfs /sys/kernel/config
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/pts /root
mount -t devpts devpts /dev/pts 2>/dev/null

MODE=check
TEST_TIMEOUT=300
# harness_only=<glob>[,<glob>...]: a development run of only the selftests
# matching one of the globs (no demo or legacy phase; the KUnit suites if a
# glob matches "kunit", the library phase on our driver for
# "libfastrpc-legacy" and "libfastrpc-accel"); never used by make check.
ONLY=
# harness_set=arm64|arm64-all: the arm64 VM's runs (harness/arm64.sh):
# arm64_set below.
SET=
# harness_coherent=0|1: load fastrpc_sim with coherent=0|1, the default of
# its instances' "coherent" (dma-coherent context banks), so that every
# instance, the tests' own included, is of that kind; unset: the module's
# default.
COHERENT=
for a in $(cat /proc/cmdline); do
	case $a in
	harness_mode=*) MODE=${a#harness_mode=} ;;
	harness_timeout=*) TEST_TIMEOUT=${a#harness_timeout=} ;;
	harness_only=*) ONLY=${a#harness_only=} ;;
	harness_set=*) SET=${a#harness_set=} ;;
	harness_coherent=*) COHERENT=${a#harness_coherent=} ;;
	esac
done

MODDIR=/lib/modules
FAIL=0
LOADED=""
SIMS=""
export FASTRPC_MODDIR=$MODDIR

check() { # check ok|fail|skip name [detail]
	st=$1 name=$2
	shift 2
	case $st in
	ok) echo "HARNESS-CHECK ok $name${*:+ # $*}" ;;
	skip) echo "HARNESS-CHECK skip $name${*:+ # $*}" ;;
	*) echo "HARNESS-CHECK not ok $name${*:+ # $*}"; FAIL=1 ;;
	esac
}

finish() {
	sync
	if [ "$FAIL" = 0 ]; then
		echo "HARNESS: RESULT PASS"
		reboot -f
	else
		echo "HARNESS-DMESG-BEGIN"
		dmesg
		echo "HARNESS-DMESG-END"
		echo "HARNESS: RESULT FAIL"
		printf '\001' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
		reboot -f
	fi
	sleep 60
}

load() { # load name.ko [args]: record the module for teardown
	ko=$1
	shift
	m=${ko%.ko}
	if [ ! -f "$MODDIR/$ko" ]; then
		check fail "load-$m" "$ko missing (not built)"
		return 1
	fi
	# Modules ours depend on (listed by build-kernel.sh), in load order.
	if [ -f "$MODDIR/$m.deps" ]; then
		while read -r dn df; do
			grep -q "^$dn " /proc/modules && continue
			dp=$MODDIR/deps/$df
			[ -f "$dp" ] || dp=$MODDIR/$df
			insmod "$dp" || echo "harness: insmod $dp (dependency of $m) failed"
		done <"$MODDIR/$m.deps"
	fi
	if out=$(insmod "$MODDIR/$ko" "$@" 2>&1); then
		LOADED="$m $LOADED"
		check ok "load-$m"
	else
		check fail "load-$m" "insmod: $out"
		return 1
	fi
}

sim_create() { # sim_create name label sessions nsessions secure
	d=/sys/kernel/config/fastrpc-sim/$1
	if mkdir "$d" 2>/dev/null &&
		echo "$2" >"$d/label" && echo "$3" >"$d/sessions" &&
		echo "$4" >"$d/nsessions" && echo "$5" >"$d/secure" &&
		echo 1 >"$d/live"; then
		SIMS="$SIMS $1"
		check ok "sim-create-$1"
	else
		SIMS="$SIMS $1"
		check fail "sim-create-$1" "configfs setup of $d failed"
	fi
}

wait_for() { # wait_for path seconds
	n=0
	while [ ! -e "$1" ] && [ $n -lt $(($2 * 10)) ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -e "$1" ]
}

setup() {
	echo "harness: mode=$MODE kernel=$(uname -r) modules: $(cd $MODDIR 2>/dev/null && echo *.ko)"
	# Keep the console for warnings and errors; dmesg has everything.
	echo 5 >/proc/sys/kernel/printk
	# Every DMA-API error on the console, not only the first (arm64 runs)
	if [ "${SET%-all}" = arm64 ] && [ -d /sys/kernel/debug/dma-api ]; then
		echo 1 >/sys/kernel/debug/dma-api/all_errors
	fi
	load fastrpc_accel.ko
	if load fastrpc_sim.ko ${COHERENT:+coherent=$COHERENT}; then
		sim_create cdsp0 cdsp 3 1 0
		sim_create adsp0 adsp 2 1 0
		if wait_for /dev/accel/accel0 10 && wait_for /dev/accel/accel3 10; then
			check ok accel-devices
		else
			check fail accel-devices "/dev/accel/accel0 to accel3 did not appear: $(ls /dev/accel 2>&1)"
		fi
		[ -n "$COHERENT" ] && sim_coherent
	fi
}

# The instances are of the kind harness_coherent asked for: their
# context-bank nodes, which of_dma_configure() reads, say so.
sim_coherent() {
	cb=/proc/device-tree/fastrpc-sim/fastrpc-sim-cdsp0/compute-cb@1
	attr=$(cat /sys/kernel/config/fastrpc-sim/cdsp0/coherent 2>/dev/null)
	has=0
	[ -e "$cb/dma-coherent" ] && has=1
	if [ ! -d "$cb" ]; then
		check fail sim-coherent "$cb missing"
	elif [ "$attr" = "$COHERENT" ] && [ $has = "$COHERENT" ]; then
		check ok sim-coherent "coherent=$COHERENT"
	else
		check fail sim-coherent "asked $COHERENT, attribute '$attr', dma-coherent in DT: $has"
	fi
}

teardown() {
	bad=""
	for s in $SIMS; do
		d=/sys/kernel/config/fastrpc-sim/$s
		[ -d "$d" ] || continue
		echo 0 >"$d/live" 2>/dev/null
		rmdir "$d" || bad="$bad rmdir:$s"
	done
	for m in $LOADED; do
		grep -q "^$m " /proc/modules || continue
		out=$(rmmod "$m" 2>&1) || bad="$bad rmmod:$m($out)"
	done
	if [ -z "$LOADED" ]; then
		check skip teardown "no module loaded"
	elif [ -z "$bad" ]; then
		check ok teardown
	else
		check fail teardown "$bad"
	fi
}

run_program() { # run_program demo|bench: /tests/bin/fastrpc_<name>, one check
	name=$1 marker=$(echo "$1" | tr a-z A-Z)
	if [ ! -x /tests/bin/fastrpc_$name ]; then
		check fail $name "fastrpc_$name missing (not built)"
		return
	fi
	echo "HARNESS-$marker-BEGIN"
	timeout $TEST_TIMEOUT /tests/bin/fastrpc_$name
	rc=$?
	echo "HARNESS-$marker-END rc=$rc"
	if [ $rc = 0 ]; then check ok $name; else check fail $name "exit status $rc"; fi
}

run_kunit() { # run_kunit name.ko
	ko=$1
	m=${ko%.ko}
	if [ ! -f "$MODDIR/$ko" ]; then
		check fail "kunit-$m" "$ko missing (not built)"
		return
	fi
	before=$(ls /sys/kernel/debug/kunit 2>/dev/null)
	load "$ko" || return
	found=0
	for s in $(ls /sys/kernel/debug/kunit 2>/dev/null); do
		case " $(echo $before) " in *" $s "*) continue ;; esac
		found=1
		echo "HARNESS-KTAP-BEGIN $s"
		cat "/sys/kernel/debug/kunit/$s/results"
		echo "HARNESS-KTAP-END $s"
		grep -q 'not ok' "/sys/kernel/debug/kunit/$s/results" && FAIL=1
	done
	[ $found = 1 ] || check fail "kunit-$m" "no KUnit suite appeared in debugfs"
}

selected() { # selected name: the name matches a glob of $ONLY (comma-separated)
	# split by hand: a word split would expand the globs against /
	rest=$ONLY,
	while [ -n "$rest" ]; do
		g=${rest%%,*}
		rest=${rest#*,}
		# shellcheck disable=SC2254
		case $1 in $g) return 0 ;; esac
	done
	return 1
}

tap_verdict() { # tap_verdict name rc: the check of a TAP program's exit status
	case $2 in
	0) check ok "exit-$1" ;;
	4) check skip "exit-$1" "kselftest skip (rc 4)" ;;
	143) check fail "exit-$1" "killed: timeout after ${TEST_TIMEOUT}s (rc 143)" ;;
	*) check fail "exit-$1" "exit status $2" ;;
	esac
}

run_selftests() {
	if ! ls /tests/selftests/* >/dev/null 2>&1; then
		check fail selftests "no selftest program in the initramfs (none built)"
		return
	fi
	# The fail-nth sweep last: an injected failure may hit DMA-API
	# debugging's own allocations, which then turns itself off.
	for t in $(ls /tests/selftests/* | grep -v failnth) \
		$(ls /tests/selftests/* | grep failnth); do
		[ -f "$t" ] || continue
		n=${t##*/}
		[ -n "$ONLY" ] && ! selected "$n" && continue
		echo "HARNESS-TAP-BEGIN $n"
		case $n in
		*.sh) (cd /tests/selftests && timeout $TEST_TIMEOUT sh "$t") ;;
		*) (cd /tests/selftests && timeout $TEST_TIMEOUT "$t") ;;
		esac
		rc=$?
		echo "HARNESS-TAP-END $n rc=$rc"
		tap_verdict "$n" $rc
	done
}

run_suite() { # the KUnit suites, the selftests (those of $ONLY if set), the demo
	run_kunit fastrpc_kunit.ko
	run_kunit fastrpc_sim_kunit.ko
	run_selftests
	run_program demo
}

kmemleak() {
	f=/sys/kernel/debug/kmemleak
	[ -e $f ] || return 0
	# kmemleak never reports objects younger than 5 s.
	sleep 6
	echo scan >$f
	echo scan >$f
	rep=$(cat $f)
	if echo "$rep" | grep -q 'unreferenced object'; then
		echo "$rep"
		check fail kmemleak "$(echo "$rep" | grep -c 'unreferenced object') unreferenced objects"
	else
		check ok kmemleak
	fi
}

dmesg_clean() {
	pat='BUG:|WARNING:|KASAN:|UBSAN:|Oops|Call Trace:|possible circular locking|inconsistent lock state|unreferenced object'
	# DMA-API debugging's reports (arm64 runs; on x86 only the debug kernel
	# has it, its errors come with a WARNING, and fault injection makes it
	# turn itself off), less its notes at boot
	[ "${SET%-all}" = arm64 ] && pat="$pat|DMA-API: "
	benign='DMA-API: (preallocated [0-9]+ debug entries|debugging enabled by kernel config|dma_debug_entry pool grown to)'
	dmesg >/tmp/dmesg-all
	# The old drivers/misc/fastrpc.c is only a baseline: what lockdep and
	# friends say about it while it runs (our driver is unloaded then; the
	# simulator's IRQ-context replies show its lock order bugs) is
	# reported on its own and not held against us.
	if [ -n "${OLD_DMESG_FROM:-}" ] && [ -n "${OLD_DMESG_TO:-}" ]; then
		sed -n "$((OLD_DMESG_FROM + 1)),${OLD_DMESG_TO}p" /tmp/dmesg-all |
			grep -E "$pat" >/tmp/dmesg-old
		if [ -s /tmp/dmesg-old ]; then
			sed 's/^/dmesg-old-driver: /' /tmp/dmesg-old
			check skip dmesg-old-driver "$(wc -l </tmp/dmesg-old) lines while the old driver ran (not ours)"
		fi
		sed -i "$((OLD_DMESG_FROM + 1)),${OLD_DMESG_TO}d" /tmp/dmesg-all
	fi
	if grep -E "$pat" /tmp/dmesg-all | grep -vE "$benign" >/tmp/dmesg-bad; then
		sed 's/^/dmesg-match: /' /tmp/dmesg-bad
		check fail dmesg-clean "$(wc -l </tmp/dmesg-bad) matching lines"
	else
		check ok dmesg-clean
	fi
}

# DMA-API debugging (CONFIG_DMA_API_DEBUG): every error it counted,
# printed or not (it prints only the first one unless all_errors is set,
# as the arm64 runs do), and whether it still watched at the end (it turns
# itself off when it runs out of entries, and then checks nothing).
dma_api() {
	d=/sys/kernel/debug/dma-api
	if [ ! -d $d ]; then
		check fail dma-api "no $d (CONFIG_DMA_API_DEBUG off?)"
		return
	fi
	n=$(cat $d/error_count)
	if [ "$n" != 0 ]; then
		check fail dma-api "$n errors"
	elif [ "$(cat $d/disabled)" != N ]; then
		check fail dma-api "dma-debug turned itself off: nothing was checked after that"
	else
		check ok dma-api "0 errors; entries: $(cat $d/nr_total_entries), fewest free $(cat $d/min_free_entries)"
	fi
}

# The arm64 VM's runs (harness/arm64.sh), one per kind of context bank
# (harness_coherent): the KUnit suites, the selftests, the demo and the
# legacy UAPI suite on our driver's legacy face, then the teardown and the
# DMA-API and dmesg checks. harness_set=arm64-all runs every selftest (the
# non-coherent run, the one x86 cannot make), harness_set=arm64 only
# ARM64_SELFTESTS (globs; one not built yet is simply absent), to keep the
# time of make check down. Left out on arm64 (README): the -m32 programs
# (the kernel has no COMPAT); the legacy suite against the old
# drivers/misc/fastrpc.c (not ours, and not in arm64-vm.config).
ARM64_SELFTESTS="fastrpc_buffers,fastrpc_lifetime*,fastrpc_sync*"
arm64_set() {
	[ "$SET" = arm64 ] && ONLY=$ARM64_SELFTESTS
	LEGACY_BINS=fastrpc_legacy
	run_suite
	if grep -q "^fastrpc_sim " /proc/modules; then
		run_legacy_accel
	else
		check fail legacy-accel "fastrpc_sim not loaded"
	fi
	teardown
	dma_api
	dmesg_clean
}

# Legacy phase: the legacy UAPI suite (fastrpc_legacy, and fastrpc_legacy32
# built -m32 for the .compat_ioctl path) against both drivers in one boot:
# first fastrpc_accel serving /dev/fastrpc-* (loaded by setup()), then the
# old drivers/misc/fastrpc.c bound to the same simulated DSPs (swaps
# fastrpc_accel for fastrpc.ko + qcom_tzmem + qcom-scm). Each run is its
# own TAP block (fastrpc_legacy-accel, fastrpc_legacy32-accel,
# fastrpc_legacy-old, fastrpc_legacy32-old); parse-results.py prints the
# per-case comparison table. Both runs get one more instance, a secure
# channel (LEGACY_SECURE_SIM, label cdsp1), for the secure-node policy and
# SSR cases. legacy_restore swaps back, leaving fastrpc_accel loaded and
# cdsp0/adsp0 live for teardown.
LEGACY_DIR=$MODDIR/legacy
LEGACY_KOS="qcom_tzmem.ko qcom-scm.ko fastrpc.ko"
LEGACY_BINS="fastrpc_legacy fastrpc_legacy32"
LEGACY_SECURE_SIM=cdsp1s

sims_down() { # sims_down: take down and remove every sim instance
	for s in $SIMS; do
		d=/sys/kernel/config/fastrpc-sim/$s
		[ -d "$d" ] || continue
		echo 0 >"$d/live" 2>/dev/null
		rmdir "$d" || return 1
	done
	return 0
}

sims_up() { # sims_up [secure]: recreate cdsp0 and adsp0 as setup() made them
	SIMS=""
	sim_create cdsp0 cdsp 3 1 0
	sim_create adsp0 adsp 2 1 0
	if [ "${1:-}" = secure ]; then
		sim_create $LEGACY_SECURE_SIM cdsp1 2 1 1
	fi
}

legacy_nodes() { # legacy_nodes <driver>: wait for the legacy nodes, one check
	miss="" t=10
	for nd in fastrpc-cdsp fastrpc-cdsp-secure fastrpc-adsp fastrpc-cdsp1 fastrpc-cdsp1-secure; do
		wait_for /dev/$nd $t || miss="$miss $nd"
		t=3
	done
	if [ -z "$miss" ]; then
		check ok "legacy-devices-$1"
	else
		check fail "legacy-devices-$1" "missing:$miss (have: $(ls /dev | grep fastrpc | tr '\n' ' '))"
	fi
}

legacy_suite() { # legacy_suite <driver>: run every legacy binary against it
	for b in $LEGACY_BINS; do
		n=$b-$1
		if [ ! -x /tests/legacy/$b ]; then
			check fail "exit-$n" "$b missing (not built)"
			continue
		fi
		echo "HARNESS-TAP-BEGIN $n"
		(cd /tests/legacy && FASTRPC_LEGACY_DRIVER=$1 FASTRPC_LEGACY_NODE=/dev/fastrpc-cdsp \
			FASTRPC_LEGACY_SECURE_INST=$LEGACY_SECURE_SIM timeout $TEST_TIMEOUT ./$b)
		rc=$?
		echo "HARNESS-TAP-END $n rc=$rc"
		tap_verdict "$n" $rc
	done
}

run_legacy_accel() { # the suite against fastrpc_accel's legacy face
	if ! grep -q "^fastrpc_accel " /proc/modules; then
		check fail legacy-accel "fastrpc_accel not loaded"
		return
	fi
	sim_create $LEGACY_SECURE_SIM cdsp1 2 1 1
	legacy_nodes accel
	legacy_suite accel
	lib_run libfastrpc-legacy-accel legacy
	# the library with the series keeps its legacy backend unchanged
	lib_run libfastrpc-accel-series-legacy accel FASTRPC_BACKEND=legacy
	lib_same libfastrpc-accel-series-legacy-identical libfastrpc-legacy-accel \
		libfastrpc-accel-series-legacy
}

run_legacy() { # the suite against the old driver
	for k in $LEGACY_KOS; do
		if [ ! -f "$LEGACY_DIR/$k" ]; then
			check fail legacy-modules "$k missing (not built)"
			return
		fi
	done
	check ok legacy-modules
	if sims_down; then
		check ok legacy-sims-down
	else
		check fail legacy-sims-down "rmdir of a sim instance failed"
		return
	fi
	bad=""
	if grep -q "^fastrpc_accel " /proc/modules; then
		for h in $(ls /sys/module/fastrpc_accel/holders 2>/dev/null); do
			out=$(rmmod "$h" 2>&1) || bad="$bad rmmod:$h($out)"
		done
		out=$(rmmod fastrpc_accel 2>&1) || bad="$bad rmmod:fastrpc_accel($out)"
	fi
	if [ -n "$bad" ]; then
		check fail legacy-rmmod-accel "$bad"
		return
	fi
	check ok legacy-rmmod-accel
	for k in $LEGACY_KOS; do
		if grep -q "^$(echo "${k%.ko}" | tr - _) " /proc/modules; then
			check ok "legacy-load-${k%.ko}" "already loaded"
		elif out=$(insmod "$LEGACY_DIR/$k" 2>&1); then
			check ok "legacy-load-${k%.ko}"
		else
			check fail "legacy-load-${k%.ko}" "insmod: $out"
			return
		fi
	done
	sims_up secure
	OLD_DMESG_FROM=$(dmesg | wc -l)
	legacy_nodes old
	# The old driver registers its nodes before its sessions exist
	# (protocol.md §6 #10): let the compute-cb probes finish.
	sleep 1
	legacy_suite old
	lib_run libfastrpc-legacy-old legacy
	lib_same libfastrpc-legacy-identical libfastrpc-legacy-accel libfastrpc-legacy-old
}

legacy_restore() {
	if sims_down; then
		check ok legacy-sims-down-after
	else
		check fail legacy-sims-down-after "rmdir of a sim instance failed"
	fi
	if grep -q "^fastrpc " /proc/modules; then
		if out=$(rmmod fastrpc 2>&1); then
			check ok legacy-rmmod-fastrpc
		else
			check fail legacy-rmmod-fastrpc "$out"
		fi
	fi
	[ -n "${OLD_DMESG_FROM:-}" ] && [ -z "${OLD_DMESG_TO:-}" ] &&
		OLD_DMESG_TO=$(dmesg | wc -l)
	# qcom-scm has no module_exit (subsys_initcall only) and holds
	# qcom_tzmem: neither can be unloaded; they stay, unused.
	for m in qcom_scm qcom_tzmem; do
		grep -q "^$m " /proc/modules || continue
		if rmmod "$m" >/dev/null 2>&1; then
			check ok "legacy-rmmod-$m"
		else
			check skip "legacy-rmmod-$m" "not unloadable (no module_exit); left loaded"
		fi
	done
	if grep -q "^fastrpc_accel " /proc/modules; then
		check ok legacy-reload-fastrpc_accel "still loaded"
	elif out=$(insmod "$MODDIR/fastrpc_accel.ko" 2>&1); then
		check ok legacy-reload-fastrpc_accel
	else
		check fail legacy-reload-fastrpc_accel "insmod: $out"
		return
	fi
	grep -q "^fastrpc_sim " /proc/modules || return
	sims_up
	if wait_for /dev/accel/accel0 10 && wait_for /dev/accel/accel3 10; then
		check ok legacy-accel-devices
	else
		check fail legacy-accel-devices "/dev/accel/accel0 to accel3 did not appear: $(ls /dev/accel 2>&1)"
	fi
}

# Library phase: the calculator client (fastrpc_calculator, written
# against the public remote.h/rpcmem.h API) through the FastRPC library
# applications use (harness/build-libfastrpc.sh): the unmodified library on
# the legacy nodes of fastrpc_accel and of the old driver
# (libfastrpc-legacy-accel, libfastrpc-legacy-old), the library with our
# series on the legacy nodes, its legacy backend asked for
# (libfastrpc-accel-series-legacy), then with its accel backend on
# /dev/accel (libfastrpc-accel, chosen by
# FASTRPC_BACKEND=accel, and libfastrpc-accel-auto, chosen because the
# legacy nodes are gone). The answers of each pair of runs must be the same
# line for line (TAP comments aside: they hold the timings). The DSP
# (cdsp0) loads the calculator from the host, through the library's own
# listener thread and its apps_std. parse-results.py files these checks
# under the groups libfastrpc-legacy and libfastrpc-accel. x86_64 only.
LIB_CLIENT=/tests/bin/fastrpc_calculator
# calls of the client's timed loops (FASTRPC_LIB_ITERS: 100 on the debug
# kernel, from run-vm.sh)
LIB_ITERS=${FASTRPC_LIB_ITERS:-1000}
lib_exec() { # lib_exec <build> [VAR=value...] -- [client args]: run the client
	fl=$1
	shift
	lenv=""
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		lenv="$lenv $1"
		shift
	done
	shift
	cfg=/sys/kernel/config/fastrpc-sim/cdsp0/loader
	loader=$(cat $cfg)
	echo host >$cfg
	# shellcheck disable=SC2086
	env LD_LIBRARY_PATH=/usr/lib/fastrpc/$fl:/lib/x86_64-linux-gnu $lenv \
		timeout $TEST_TIMEOUT $LIB_CLIENT "$@"
	lrc=$?
	echo "$loader" >$cfg
	return $lrc
}

lib_run() { # lib_run <name> <build> [VAR=value...]: one TAP block
	n=$1 fl=$2
	shift 2
	[ "$(uname -m)" = x86_64 ] || return 0
	if [ ! -x $LIB_CLIENT ] || [ ! -d /usr/lib/fastrpc/$fl ]; then
		check fail "exit-$n" "the client or the library's $fl build is missing (not built)"
		return
	fi
	sd=/sys/kernel/debug/fastrpc_sim/cdsp0
	loads=$(cat $sd/host_loads)
	echo "HARNESS-TAP-BEGIN $n"
	lib_exec $fl "$@" -- -i $LIB_ITERS >/tmp/$n.tap 2>/tmp/$n.err
	rc=$?
	cat /tmp/$n.tap
	head -n 40 /tmp/$n.err | sed 's/^/# stderr: /'
	echo "HARNESS-TAP-END $n rc=$rc"
	tap_verdict "$n" $rc
	# the DSP fetched the calculator from the host through the library
	loads2=$(cat $sd/host_loads)
	if [ "$loads2" -gt "$loads" ]; then
		check ok "$n-host-load" "host_loads $loads -> $loads2"
	else
		check fail "$n-host-load" "the DSP loaded nothing through the library (host_loads $loads -> $loads2, load_missing $(cat $sd/load_missing))"
	fi
}

lib_same() { # lib_same <check> <run a> <run b>: the same answers
	[ "$(uname -m)" = x86_64 ] || return 0
	if [ ! -s /tmp/$2.tap ] || [ ! -s /tmp/$3.tap ]; then
		check fail "$1" "a run has no output"
		return
	fi
	grep -v '^#' /tmp/$2.tap >/tmp/$2.ans
	grep -v '^#' /tmp/$3.tap >/tmp/$3.ans
	if cmp -s /tmp/$2.ans /tmp/$3.ans; then
		check ok "$1" "$2 and $3: $(grep -c '^ok' /tmp/$2.ans) identical answers"
	else
		diff /tmp/$2.ans /tmp/$3.ans | sed "s/^/# $1: /"
		check fail "$1" "$2 and $3 answered differently"
	fi
}

lib_accel() { # the accel backend: asked for, then chosen for lack of legacy nodes
	[ "$(uname -m)" = x86_64 ] || return 0
	lib_run libfastrpc-accel accel FASTRPC_BACKEND=accel
	rm -f /dev/fastrpc-*
	lib_run libfastrpc-accel-auto accel
	if [ -f /tmp/libfastrpc-legacy-accel.tap ]; then
		lib_same libfastrpc-accel-identical libfastrpc-legacy-accel libfastrpc-accel
	fi
	lib_same libfastrpc-accel-auto-identical libfastrpc-accel libfastrpc-accel-auto
}

# make demo: the calculator through the FastRPC library on both faces of
# fastrpc_accel (the legacy nodes, then /dev/accel through the library's
# accel backend), then fastrpc_demo on the accel UAPI directly.
demo_run() {
	for fl in legacy accel; do
		echo "HARNESS-DEMO-BEGIN"
		if [ $fl = legacy ]; then
			echo "== the FastRPC library (libcdsprpc) on /dev/fastrpc-cdsp"
			lib_exec legacy -- -d
		else
			echo "== the same program and library API, through the library's accel backend on /dev/accel"
			lib_exec accel FASTRPC_BACKEND=accel -- -d
		fi
		rc=$?
		echo "HARNESS-DEMO-END rc=$rc"
		if [ $rc = 0 ]; then
			check ok demo-library-$fl
		else
			check fail demo-library-$fl "exit status $rc"
		fi
	done
	echo "HARNESS-DEMO-BEGIN"
	echo "== fastrpc_demo: the accel UAPI without the library"
	echo "HARNESS-DEMO-END"
	run_program demo
}

# Benchmark (harness_mode=bench, not a test): fastrpc_bench's inline
# versus zero-copy table, then the driver comparison: the columns "accel"
# and "legacy" on our driver, the column "old-legacy" after swapping it for
# the old driver as run_legacy does (legacy_restore swaps back), then the
# table of the three columns (fastrpc_bench -r) between the BENCH markers,
# and the calculator's per-call times through the FastRPC library on the
# same three (bench_lib).
# The bench's cdsp0 has BENCH_SESSIONS context banks: its rows of 1, 2 and
# 4 processes calling at once need a session each, besides the bench's own.
BENCH_BIN=/tests/bin/fastrpc_bench
BENCH_DIR=/tmp/bench
BENCH_SESSIONS=6

bench_sims_up() { # cdsp0 with BENCH_SESSIONS banks, adsp0 as setup() made it
	SIMS=""
	sim_create cdsp0 cdsp $BENCH_SESSIONS 1 0
	sim_create adsp0 adsp 2 1 0
}

bench_column() { # bench_column mode: one column into $BENCH_DIR/<mode>.txt
	timeout $TEST_TIMEOUT $BENCH_BIN -m "$1" -o "$BENCH_DIR/$1.txt"
	brc=$?
	if [ $brc = 0 ]; then
		check ok "bench-$1"
	else
		check fail "bench-$1" "exit status $brc"
	fi
	return $brc
}

bench_lib() { # bench_lib <column> <build> [VAR=value...]: the library's per-call times
	c=$1
	shift
	[ -x $LIB_CLIENT ] || return 0
	lib_exec "$@" -- -i 5000 2>&1 | grep '^# per-call' |
		sed "s/^# /$c: /" >$BENCH_DIR/lib-$c.txt
}

bench_swap_old() { # fastrpc_accel out, the old driver in, sims back up
	for k in $LEGACY_KOS; do
		if [ ! -f "$LEGACY_DIR/$k" ]; then
			check fail bench-old-driver "$k missing (not built)"
			return 1
		fi
	done
	if ! sims_down; then
		check fail bench-old-driver "rmdir of a sim instance failed"
		return 1
	fi
	if grep -q "^fastrpc_accel " /proc/modules; then
		for h in $(ls /sys/module/fastrpc_accel/holders 2>/dev/null); do
			rmmod "$h"
		done
		if ! out=$(rmmod fastrpc_accel 2>&1); then
			check fail bench-old-driver "rmmod fastrpc_accel: $out"
			return 1
		fi
	fi
	for k in $LEGACY_KOS; do
		grep -q "^$(echo "${k%.ko}" | tr - _) " /proc/modules && continue
		if ! out=$(insmod "$LEGACY_DIR/$k" 2>&1); then
			check fail bench-old-driver "insmod $k: $out"
			return 1
		fi
	done
	bench_sims_up
	if ! wait_for /dev/fastrpc-cdsp 10; then
		check fail bench-old-driver "/dev/fastrpc-cdsp did not appear"
		return 1
	fi
	# Nodes come before the sessions with the old driver (run_legacy)
	sleep 1
	check ok bench-old-driver
}

bench_run() {
	if [ ! -x $BENCH_BIN ]; then
		check fail bench "fastrpc_bench missing (not built)"
		return
	fi
	mkdir -p $BENCH_DIR
	bench_bad=""
	if sims_down && bench_sims_up && wait_for /dev/accel/accel0 10 &&
		wait_for /dev/accel/accel3 10 && wait_for /dev/fastrpc-cdsp 10; then
		check ok bench-sims
	else
		check fail bench-sims "cdsp0 with $BENCH_SESSIONS sessions did not come up"
		bench_bad="$bench_bad sims"
	fi
	timeout $TEST_TIMEOUT $BENCH_BIN >$BENCH_DIR/sizes.out 2>&1 ||
		bench_bad="$bench_bad sizes"
	bench_column accel || bench_bad="$bench_bad accel"
	bench_column legacy || bench_bad="$bench_bad legacy"
	bench_lib legacy legacy
	bench_lib accel accel FASTRPC_BACKEND=accel
	if bench_swap_old; then
		bench_column old-legacy || bench_bad="$bench_bad old-legacy"
		bench_lib old-legacy legacy
	else
		bench_bad="$bench_bad old-driver"
	fi
	legacy_restore
	echo "HARNESS-BENCH-BEGIN"
	cat $BENCH_DIR/sizes.out
	echo
	$BENCH_BIN -r $BENCH_DIR/old-legacy.txt $BENCH_DIR/legacy.txt $BENCH_DIR/accel.txt
	brc=$?
	echo
	echo "The calculator through the FastRPC library (fastrpc_calculator, 5000 calls each):"
	cat $BENCH_DIR/lib-old-legacy.txt $BENCH_DIR/lib-legacy.txt $BENCH_DIR/lib-accel.txt 2>/dev/null
	echo "HARNESS-BENCH-END rc=$brc"
	[ $brc = 0 ] || bench_bad="$bench_bad table"
	if [ -z "$bench_bad" ]; then
		check ok bench
	else
		check fail bench "failed:$bench_bad"
	fi
}

setup
case $MODE in
demo)
	demo_run
	teardown
	;;
bench)
	bench_run
	teardown
	;;
shell)
	echo "harness: interactive shell; modules loaded:"
	cat /proc/modules
	setsid cttyhack sh
	FAIL=0
	;;
*)
	if [ -n "$ONLY" ]; then
		if selected kunit; then
			run_kunit fastrpc_kunit.ko
			run_kunit fastrpc_sim_kunit.ko
		fi
		run_selftests
		# the library phase on our driver alone
		if selected libfastrpc-legacy; then
			lib_run libfastrpc-legacy-accel legacy
		fi
		selected libfastrpc-accel && lib_accel
		teardown
		kmemleak
		dmesg_clean
		finish
	fi
	if [ "${SET%-all}" = arm64 ]; then
		arm64_set
		finish
	fi
	run_suite
	if grep -q "^fastrpc_sim " /proc/modules; then
		run_legacy_accel
		run_legacy
		legacy_restore
		lib_accel
	else
		check fail legacy-phase "fastrpc_sim not loaded"
	fi
	teardown
	kmemleak
	dmesg_clean
	;;
esac
finish
