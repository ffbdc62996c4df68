#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the userspace programs as static binaries against the UAPI headers
# of a variant's build ($OUT/<arch>-<variant>/include), with the arch's
# compiler (gcc, or aarch64-linux-gnu-gcc for arm64-vm):
#   user/bin/fastrpc_demo           tools/accel/fastrpc/fastrpc_demo.c + the helper library
#   user/bin/fastrpc_info           tools/accel/fastrpc/fastrpc_info.c + the helper library
#   user/bin/fastrpc_bench          tools/accel/fastrpc/fastrpc_bench.c + fastrpc_bench_*.c
#                                   + the helper library
#   user/selftests/<name>           each tools/testing/selftests/drivers/accel/fastrpc/*.c
#                                   (+ the helper library), and each *.sh copied as-is
#   user/selftests/<name>32         the same built -m32, for each <name> in
#                                   M32_SELFTESTS (self-contained: no helper library)
#   user/legacy/fastrpc_legacy      the legacy UAPI suite (misc/fastrpc.h), self-contained
#   user/legacy/fastrpc_legacy32    the same built -m32 (the drivers' .compat_ioctl);
#                                   needs the i386 libc (gcc-12-multilib)
#   user/libfastrpc/                the qualcomm/fastrpc library and its calculator
#                                   client (build-libfastrpc.sh; x86_64 only)
# The -m32 programs are x86_64's only: the arm64 VM kernel has no COMPAT.
# The helper library: tools/accel/fastrpc/fastrpc_util.c and fastrpc_listener.c.
# Whatever source exists is built; each build is one test in the results.
# Exit 1 if any build failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

parse_variant "${1:?usage: build-user.sh base|debug|arm64-vm}"
art=$(art_dir "$ARCH" "$V")
[ -d "$art/include" ] || die "$art/include missing: build the kernel first"
# x86_64's groups keep their names from before there was another arch
GRP=build-userspace-$V
[ "$ARCH" = x86_64 ] || GRP=build-userspace-$ARCH-$V
CC=$(user_cc "$ARCH")
UT=$REPO/tools/accel/fastrpc
ST=$REPO/tools/testing/selftests/drivers/accel/fastrpc
rm -rf "$art/user"
mkdir -p "$art/user/bin" "$art/user/selftests" "$art/user/legacy" "$art/user/logs"
CFLAGS=(-static -O2 -Wall -Wextra -Werror -I"$art/include" -I"$UT"
	-I"$REPO/tools/testing/selftests" -I"$SRC/tools/testing/selftests")
UTIL=()
[ -f "$UT/fastrpc_util.c" ] && UTIL=("$UT/fastrpc_util.c")
# The listener (the DSP calling back) is part of the helper library
[ -f "$UT/fastrpc_listener.c" ] && UTIL+=("$UT/fastrpc_listener.c")

# Selftests also built 32-bit (the drivers' .compat_ioctl); their sources
# may include fastrpc_util.h for its constants but call none of its functions.
M32_SELFTESTS="fastrpc_ioctl_filter fastrpc_fuzz"

# The word size of the self-contained programs that also have a -m32 twin
# (an explicit -m64 on x86_64; aarch64-linux-gnu-gcc knows no -m64)
M64=()
if [ "$ARCH" = x86_64 ]; then
	M64=(-m64)
else
	M32_SELFTESTS=""
fi
# aarch64 gcc 12 warns -Wclobbered (-Wextra) about the "child" variable of
# kselftest_harness.h's TEST_F wrapper (the kernel's header, not ours) in
# some of our programs; x86_64's gcc does not.
[ "$ARCH" = arm64 ] && CFLAGS+=(-Wno-clobbered)

rc=0
cc_prog() { # cc_prog [-s] outfile main.c [extra gcc args, e.g. -m32]
	# -s: self-contained, no helper library
	local solo=0
	[ "$1" = -s ] && { solo=1; shift; }
	local out=$1 main=$2 name lg
	local extra=("${@:3}") util=("${UTIL[@]}")
	[ $solo = 1 ] && util=()
	name=$(basename "$out")
	lg=$art/user/logs/$name.log
	if $CC "${CFLAGS[@]}" "${extra[@]}" -o "$out" "$main" "${util[@]}" >"$lg" 2>&1; then
		result PASS "$GRP" "$name"
	else
		sed 's/^/  | /' "$lg" | head -40 >&2
		result FAIL "$GRP" "$name" "gcc failed, see $lg"
		rm -f "$out"
		rc=1
	fi
}

if [ -f "$UT/fastrpc_demo.c" ]; then
	cc_prog "$art/user/bin/fastrpc_demo" "$UT/fastrpc_demo.c"
else
	log "tools/accel/fastrpc/fastrpc_demo.c missing: no demo"
fi
# fastrpc-info: what each DSP domain has and who uses it
if [ -f "$UT/fastrpc_info.c" ]; then
	cc_prog "$art/user/bin/fastrpc_info" "$UT/fastrpc_info.c"
fi
# The benchmark times with the TSC and runs on x86_64 only (make bench)
if [ -f "$UT/fastrpc_bench.c" ] && [ "$ARCH" = x86_64 ]; then
	# and the other parts of the bench, fastrpc_bench_*.c
	shopt -s nullglob
	bench_util=("${UTIL[@]}")
	UTIL+=("$UT"/fastrpc_bench_*.c)
	cc_prog "$art/user/bin/fastrpc_bench" "$UT/fastrpc_bench.c"
	UTIL=("${bench_util[@]}")
fi
shopt -s nullglob
for c in "$ST"/*.c; do
	case $(basename "$c") in
	# The legacy UAPI suite runs in its own phase (init.sh), not with the rest.
	# It includes no helper library: the same source builds 64- and 32-bit.
	fastrpc_legacy.c)
		cc_prog -s "$art/user/legacy/fastrpc_legacy" "$c" "${M64[@]}"
		if [ "$ARCH" = x86_64 ]; then
			cc_prog -s "$art/user/legacy/fastrpc_legacy32" "$c" -m32
		fi
		;;
	*)
		n=$(basename "$c" .c)
		cc_prog "$art/user/selftests/$n" "$c"
		case " $M32_SELFTESTS " in
		*" $n "*) cc_prog -s "$art/user/selftests/${n}32" "$c" -m32 ;;
		esac
		;;
	esac
done
for s in "$ST"/*.sh; do
	cp "$s" "$art/user/selftests/"
	chmod +x "$art/user/selftests/$(basename "$s")"
done
# The FastRPC library applications use, and its calculator client (x86_64)
if [ "$ARCH" = x86_64 ]; then
	"$HARNESS_DIR/build-libfastrpc.sh" "$1" || rc=1
fi
exit $rc
