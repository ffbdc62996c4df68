#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Unload and reload the FastRPC accel driver and the simulated DSP, and check
# that the devices come back and work (TAP output; POSIX/busybox sh).
#
#   fastrpc_reload.sh [path/to/fastrpc_demo]
#
# The demo defaults to ./fastrpc_demo next to this script, then
# /tests/bin/fastrpc_demo. Module files are looked up in $FASTRPC_MODDIR
# (default /lib/modules, searched recursively). The simulator instances that
# exist at start are recreated with the same attributes; with none, cdsp0
# (cdsp, 3 sessions) and adsp0 (adsp, 2 sessions) are made.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

CYCLES=3
CFG=/sys/kernel/config/fastrpc-sim
MODDIR=${FASTRPC_MODDIR:-/lib/modules}
TMP=${TMPDIR:-/tmp}/fastrpc_reload.$$

NTESTS=$((3 + CYCLES * 5 + 2))
testno=0
failed=0

ok() {
	testno=$((testno + 1))
	echo "ok $testno - $*"
}

not_ok() {
	testno=$((testno + 1))
	failed=$((failed + 1))
	echo "not ok $testno - $*"
}

# check <status> <description>
check() {
	if [ "$1" -eq 0 ]; then
		shift
		ok "$@"
	else
		shift
		not_ok "$@"
	fi
}

diag() {
	echo "# $*"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

cleanup() {
	exec 3>&- 2>/dev/null
	rm -f "$TMP"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------

DEMO=${1:-}
if [ -z "$DEMO" ]; then
	for d in "$(dirname "$0")/fastrpc_demo" /tests/bin/fastrpc_demo; do
		if [ -x "$d" ]; then
			DEMO=$d
			break
		fi
	done
fi

[ "$(id -u)" -eq 0 ] || skip_all "must be root"
[ -n "$DEMO" ] && [ -x "$DEMO" ] || skip_all "no fastrpc_demo binary"

ACCEL_KO=$(find "$MODDIR" -name fastrpc_accel.ko 2>/dev/null | head -n 1)
SIM_KO=$(find "$MODDIR" -name fastrpc_sim.ko 2>/dev/null | head -n 1)
[ -n "$ACCEL_KO" ] && [ -n "$SIM_KO" ] ||
	skip_all "fastrpc_accel.ko or fastrpc_sim.ko not found in $MODDIR"

if [ ! -d /sys/kernel/config ] || ! grep -q ' /sys/kernel/config ' /proc/mounts; then
	mount -t configfs none /sys/kernel/config 2>/dev/null ||
		skip_all "cannot mount configfs"
fi

# Load the modules if they are not (a previous run may have failed midway)
[ -d /sys/module/fastrpc_accel ] || insmod "$ACCEL_KO" ||
	skip_all "cannot load $ACCEL_KO"
[ -d /sys/module/fastrpc_sim ] || insmod "$SIM_KO" ||
	skip_all "cannot load $SIM_KO"
[ -d "$CFG" ] || skip_all "$CFG missing"

[ -d /sys/module/fastrpc ] &&
	diag "note: the legacy fastrpc module is loaded and may bind the simulated DSPs"

# KUnit modules of the driver and the simulator use their symbols and keep
# them loaded; their tests have run at insmod, so unload them first.
for mod in fastrpc_accel fastrpc_sim; do
	for h in /sys/module/$mod/holders/*; do
		[ -e "$h" ] || continue
		h=$(basename "$h")
		case $h in
		*kunit*)
			if rmmod "$h"; then
				diag "unloaded $h (holds $mod)"
			else
				diag "cannot unload $h (holds $mod)"
			fi
			;;
		*)
			diag "$h holds $mod"
			;;
		esac
	done
done

# Saved instances: "name label sessions nsessions secure live" per line
INSTANCES=""
for dir in "$CFG"/*; do
	[ -d "$dir" ] || continue
	line="$(basename "$dir") $(cat "$dir/label") $(cat "$dir/sessions")"
	line="$line $(cat "$dir/nsessions") $(cat "$dir/secure") $(cat "$dir/live")"
	INSTANCES="$INSTANCES$line
"
done
CREATE_FIRST=0
if [ -z "$INSTANCES" ]; then
	INSTANCES="cdsp0 cdsp 3 1 0 1
adsp0 adsp 2 1 0 1
"
	CREATE_FIRST=1
fi
diag "instances (name label sessions nsessions secure live):"
while read -r n l s ns sec live; do
	[ -n "$n" ] && diag "  $n $l $s $ns $sec $live"
done <<EOF
$INSTANCES
EOF

# Labels of the live instances: the domains the demo must find
live_labels() {
	while read -r n l s ns sec live; do
		[ -n "$n" ] && [ "$live" = 1 ] && echo "$l"
	done <<EOF | sort -u
$INSTANCES
EOF
}

accel_nodes() {
	for node in /dev/accel/accel*; do
		[ -e "$node" ] && echo "$node"
	done
}

# Number of accel nodes: wait (up to 5 s) until it is at least $1
wait_nodes() {
	tries=0
	while [ "$(accel_nodes | wc -l)" -lt "$1" ] && [ $tries -lt 50 ]; do
		sleep 0.1 2>/dev/null || sleep 1
		tries=$((tries + 1))
	done
	[ "$(accel_nodes | wc -l)" -ge "$1" ]
}

# Run the demo on every live domain
run_demo() {
	rc=0
	for label in $(live_labels); do
		"$DEMO" -d "$label" -i 50 >"$TMP" 2>&1
		r=$?
		sed 's/^/# /' "$TMP"
		if [ $r -ne 0 ]; then
			diag "fastrpc_demo -d $label exited with $r"
			rc=1
		fi
	done
	return $rc
}

teardown_instances() {
	rc=0
	for dir in "$CFG"/*; do
		[ -d "$dir" ] || continue
		if [ "$(cat "$dir/live")" = 1 ]; then
			echo 0 >"$dir/live" || rc=1
		fi
		rmdir "$dir" || rc=1
	done
	return $rc
}

create_instances() {
	rc=0
	while read -r n l s ns sec live; do
		[ -n "$n" ] || continue
		d="$CFG/$n"
		mkdir "$d" &&
		echo "$l" >"$d/label" &&
		echo "$s" >"$d/sessions" &&
		echo "$ns" >"$d/nsessions" &&
		echo "$sec" >"$d/secure" &&
		echo "$live" >"$d/live" || {
			diag "creating instance $n failed"
			rc=1
		}
	done <<EOF
$INSTANCES
EOF
	return $rc
}

rmmod_checked() {
	if ! rmmod "$1"; then
		holders=$(ls /sys/module/"$1"/holders 2>/dev/null)
		diag "rmmod $1 failed (refcnt $(cat /sys/module/"$1"/refcnt 2>/dev/null), holders: ${holders:-none})"
		return 1
	fi
	return 0
}

NLABELS=$(live_labels | wc -l)

# ---------------------------------------------------------------------------

echo "TAP version 13"
echo "1..$NTESTS"

if [ $CREATE_FIRST -eq 1 ]; then
	diag "no simulator instances at start; creating cdsp0 and adsp0"
	create_instances
fi

wait_nodes $((2 * NLABELS))
run_demo
check $? "demo works before reloading"

# A file open on the device holds the module
node=$(accel_nodes | head -n 1)
# (a failing redirection on exec would end the shell: try it in a subshell)
if [ -n "$node" ] && (exec 3<>"$node") 2>/dev/null && exec 3<>"$node"; then
	if rmmod fastrpc_accel 2>/dev/null; then
		not_ok "rmmod fastrpc_accel refused while $node is open"
		insmod "$ACCEL_KO"
	else
		ok "rmmod fastrpc_accel refused while $node is open"
	fi
	exec 3>&-
else
	not_ok "rmmod fastrpc_accel refused while a file is open (cannot open ${node:-an accel node})"
fi
wait_nodes $((2 * NLABELS))
run_demo
check $? "demo works after the refused rmmod"

cycle=1
while [ $cycle -le $CYCLES ]; do
	before=$(accel_nodes)

	teardown_instances
	check $? "cycle $cycle: simulator instances torn down"

	rc=0
	rmmod_checked fastrpc_sim || rc=1
	rmmod_checked fastrpc_accel || rc=1
	check $rc "cycle $cycle: fastrpc_sim and fastrpc_accel unloaded"

	left=""
	for node in $before; do
		[ -e "$node" ] && left="$left $node"
	done
	if [ -z "$left" ] && [ ! -d /sys/module/fastrpc_accel ]; then
		ok "cycle $cycle: no accel device left"
	else
		not_ok "cycle $cycle: no accel device left (still:${left:- module loaded})"
	fi

	rc=0
	[ -d /sys/module/fastrpc_accel ] || insmod "$ACCEL_KO" || rc=1
	[ -d /sys/module/fastrpc_sim ] || insmod "$SIM_KO" || rc=1
	[ $rc -eq 0 ] && { create_instances || rc=1; }
	[ $rc -eq 0 ] && { wait_nodes $((2 * NLABELS)) || rc=1; }
	check $rc "cycle $cycle: modules loaded and instances recreated"

	run_demo
	check $? "cycle $cycle: demo works after reload"

	cycle=$((cycle + 1))
done

# The driver alone, with the simulated DSPs left live
rc=0
rmmod_checked fastrpc_accel || rc=1
[ $rc -eq 0 ] && [ -n "$(accel_nodes)" ] && {
	diag "accel nodes left after rmmod fastrpc_accel: $(accel_nodes)"
	rc=1
}
check $rc "fastrpc_accel unloaded with live simulated DSPs"

rc=0
[ -d /sys/module/fastrpc_accel ] || insmod "$ACCEL_KO" || rc=1
[ $rc -eq 0 ] && { wait_nodes $((2 * NLABELS)) || rc=1; }
[ $rc -eq 0 ] && { run_demo || rc=1; }
check $rc "fastrpc_accel reloaded binds the live DSPs and the demo works"

if [ $failed -ne 0 ]; then
	echo "# FAILED: $failed of $NTESTS"
	exit $KSFT_FAIL
fi
echo "# PASSED: $NTESTS"
exit $KSFT_PASS
