#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the fastrpc-accel test VM (busybox sh, PID 1).
#
# Kernel command line: harness_mode=check|demo|bench|shell (default check).
# Output protocol, read by harness/parse-results.py on the host:
#   HARNESS-CHECK ok|not ok|skip <name> [# detail]   one test each
#   HARNESS-KTAP-BEGIN <suite> ... HARNESS-KTAP-END <suite>   KUnit results
#   HARNESS-TAP-BEGIN <prog> ... HARNESS-TAP-END <prog>        kselftest TAP
#   HARNESS-DEMO-BEGIN ... HARNESS-DEMO-END                    demo output
#   HARNESS-BENCH-BEGIN ... HARNESS-BENCH-END                  bench output
#   HARNESS: RESULT PASS|FAIL                                  the verdict
# PASS ends with reboot -f (QEMU -no-reboot exits 0); FAIL writes to
# isa-debug-exit (QEMU exits 3).

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
for a in $(cat /proc/cmdline); do
	case $a in
	harness_mode=*) MODE=${a#harness_mode=} ;;
	harness_timeout=*) TEST_TIMEOUT=${a#harness_timeout=} ;;
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
	load fastrpc_accel.ko
	if load fastrpc_sim.ko; then
		sim_create cdsp0 cdsp 3 1 0
		sim_create adsp0 adsp 2 1 0
		if wait_for /dev/accel/accel0 10 && wait_for /dev/accel/accel1 10; then
			check ok accel-devices
		else
			check fail accel-devices "/dev/accel/accel0 and accel1 did not appear: $(ls /dev/accel 2>&1)"
		fi
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

run_selftests() {
	if ! ls /tests/selftests/* >/dev/null 2>&1; then
		check fail selftests "no selftest program in the initramfs (none built)"
		return
	fi
	for t in /tests/selftests/*; do
		[ -f "$t" ] || continue
		n=${t##*/}
		echo "HARNESS-TAP-BEGIN $n"
		case $n in
		*.sh) (cd /tests/selftests && timeout $TEST_TIMEOUT sh "$t") ;;
		*) (cd /tests/selftests && timeout $TEST_TIMEOUT "$t") ;;
		esac
		rc=$?
		echo "HARNESS-TAP-END $n rc=$rc"
		case $rc in
		0) check ok "exit-$n" ;;
		4) check skip "exit-$n" "kselftest skip (rc 4)" ;;
		143) check fail "exit-$n" "killed: timeout after ${TEST_TIMEOUT}s (rc 143)" ;;
		*) check fail "exit-$n" "exit status $rc" ;;
		esac
	done
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
	if dmesg | grep -E "$pat" >/tmp/dmesg-bad; then
		sed 's/^/dmesg-match: /' /tmp/dmesg-bad
		check fail dmesg-clean "$(wc -l </tmp/dmesg-bad) matching lines"
	else
		check ok dmesg-clean
	fi
}

# Legacy phase: the legacy UAPI suite (fastrpc_legacy) against the old
# drivers/misc/fastrpc.c bound to the same simulated DSPs. Swaps
# fastrpc_accel for fastrpc.ko (+ qcom_tzmem, qcom-scm) and back, leaving
# fastrpc_accel loaded and cdsp0/adsp0 live for teardown.
LEGACY_DIR=$MODDIR/legacy
LEGACY_KOS="qcom_tzmem.ko qcom-scm.ko fastrpc.ko"

sims_down() { # sims_down: take down and remove every sim instance
	for s in $SIMS; do
		d=/sys/kernel/config/fastrpc-sim/$s
		[ -d "$d" ] || continue
		echo 0 >"$d/live" 2>/dev/null
		rmdir "$d" || return 1
	done
	return 0
}

sims_up() { # sims_up: recreate cdsp0 and adsp0 as setup() made them
	SIMS=""
	sim_create cdsp0 cdsp 3 1 0
	sim_create adsp0 adsp 2 1 0
}

run_legacy() {
	for k in $LEGACY_KOS; do
		if [ ! -f "$LEGACY_DIR/$k" ]; then
			check fail legacy-modules "$k missing (not built)"
			return
		fi
	done
	if [ ! -x /tests/legacy/fastrpc_legacy ]; then
		check fail legacy-modules "fastrpc_legacy missing (not built)"
		return
	fi
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
		if out=$(insmod "$LEGACY_DIR/$k" 2>&1); then
			check ok "legacy-load-${k%.ko}"
		else
			check fail "legacy-load-${k%.ko}" "insmod: $out"
			return
		fi
	done
	sims_up
	if wait_for /dev/fastrpc-cdsp 10 && wait_for /dev/fastrpc-cdsp-secure 10 &&
		wait_for /dev/fastrpc-adsp 10; then
		check ok legacy-devices
	else
		check fail legacy-devices "/dev/fastrpc-cdsp did not appear: $(ls /dev | grep fastrpc)"
		return
	fi
	# The old driver registers its nodes before its sessions exist
	# (protocol.md §6 #10): let the compute-cb probes finish.
	sleep 1
	n=fastrpc_legacy
	echo "HARNESS-TAP-BEGIN $n"
	(cd /tests/legacy && FASTRPC_LEGACY_DRIVER=old FASTRPC_LEGACY_NODE=/dev/fastrpc-cdsp \
		timeout $TEST_TIMEOUT ./$n)
	rc=$?
	echo "HARNESS-TAP-END $n rc=$rc"
	case $rc in
	0) check ok "exit-$n" ;;
	4) check skip "exit-$n" "kselftest skip (rc 4)" ;;
	143) check fail "exit-$n" "killed: timeout after ${TEST_TIMEOUT}s (rc 143)" ;;
	*) check fail "exit-$n" "exit status $rc" ;;
	esac
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
	if wait_for /dev/accel/accel0 10 && wait_for /dev/accel/accel1 10; then
		check ok legacy-accel-devices
	else
		check fail legacy-accel-devices "/dev/accel/accel0 and accel1 did not appear: $(ls /dev/accel 2>&1)"
	fi
}

setup
case $MODE in
demo)
	run_program demo
	teardown
	;;
bench)
	run_program bench
	teardown
	;;
shell)
	echo "harness: interactive shell; modules loaded:"
	cat /proc/modules
	setsid cttyhack sh
	FAIL=0
	;;
*)
	run_kunit fastrpc_kunit.ko
	run_kunit fastrpc_sim_kunit.ko
	run_selftests
	run_program demo
	if grep -q "^fastrpc_sim " /proc/modules; then
		run_legacy
		legacy_restore
	else
		check fail legacy-phase "fastrpc_sim not loaded"
	fi
	teardown
	kmemleak
	dmesg_clean
	;;
esac
finish
