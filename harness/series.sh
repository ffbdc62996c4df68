#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The patch series against the pristine 6.12 tree.
#
#   series.sh gen     write the series ($OUT/series: git format-patch files
#                     and a cover letter) from harness/series/steps
#   series.sh check   gen, then apply the series to the pristine tree patch
#                     by patch, and for each patch (group "series"):
#                       NN-apply       git am applies it
#                       NN-checkpatch  checkpatch.pl --strict: nothing
#                       NN-build       the tree builds (W=1 vmlinux and
#                                      modules, modpost) without a new
#                                      warning in the patch's files; the
#                                      simulator's patch: an M= build of it
#                     then: reproduce (the tree equals the repo's files),
#                     transitional (QCOM_FASTRPC=m alone gives the driver)
#   series.sh pristine
#                     only check out and build the pristine tree (a cold
#                     build dir: the whole kernel; check does it too)
#   series.sh layers [dir]
#                     which of the driver's objects call which (from the
#                     harness's newest base build, or dir), to order the
#                     driver's steps: "a.o -> b.o" means a.o calls b.o
#
# The pristine tree is a git repo of its own, $CACHE/series-src, extracted
# once from $TARBALL (commit "Linux 6.12.N (Debian linux-source-6.12)",
# tag "pristine"), reset at every run. Its build dir,
# $CACHE/build/series-x86_64-<hash> (hash of the config and the kernel
# version), is built incrementally: a file the reset gives back its
# pristine content gets its old mtime back when that is the content the
# build dir last built (.series-built), so only what the series changes
# is rebuilt. Commits are made with a fixed identity and date
# (harness/series/series.conf), so the output is reproducible.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SD=$HARNESS_DIR/series
SREPO=$CACHE/series-src
SOUT=$OUT/series
GRP=series
# shellcheck source=series/series.conf
. "$SD/series.conf"
# shellcheck source=series/edits.sh
. "$SD/edits.sh"
SERIES_NAME=${SERIES_NAME:-$(git -C "$REPO" config user.name || true)}
SERIES_EMAIL=${SERIES_EMAIL:-$(git -C "$REPO" config user.email || true)}
[ -n "$SERIES_NAME" ] && [ -n "$SERIES_EMAIL" ] ||
	die "series: no git user.name/user.email in $REPO: set SERIES_NAME and SERIES_EMAIL"
export SERIES_NAME SERIES_EMAIL
export GIT_AUTHOR_NAME=$SERIES_NAME GIT_AUTHOR_EMAIL=$SERIES_EMAIL
export GIT_COMMITTER_NAME=$SERIES_NAME GIT_COMMITTER_EMAIL=$SERIES_EMAIL
export GIT_AUTHOR_DATE=$SERIES_DATE GIT_COMMITTER_DATE=$SERIES_DATE
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
# Symbols of ours enabled in the per-patch builds once a patch defines them
WANT_SYMS="CONFIG_DRM_ACCEL_FASTRPC=m CONFIG_DRM_ACCEL_FASTRPC_LEGACY=y
CONFIG_DRM_ACCEL_FASTRPC_KUNIT_TEST=m CONFIG_QCOM_FASTRPC=m"
# Paths of ours the series must reproduce exactly (reproduce test). The
# kselftests are not in the series: they build on tools/accel/fastrpc's
# helper library, which is not kernel code.
OUR_PATHS="drivers/accel/fastrpc include/uapi/drm/fastrpc_accel.h
Documentation/accel/fastrpc tools/testing/fastrpc"

# The tree a command works in: $SREPO (check: applied and built) or
# $GREPO (gen: a worktree of the same repo, so that making the series
# never touches the files of the build)
WT=$SREPO
GREPO=$CACHE/series-gen
sgit() { git -C "$WT" "$@"; }

# ---------------------------------------------------------------------------
# The pristine repo

prepare_repo() {
	local stamp ver tmp
	[ -f "$TARBALL" ] || die "$TARBALL missing (apt-get install linux-source-6.12)"
	stamp="$(stat -c '%s %Y' "$TARBALL") $(basename "$TARBALL")"
	if [ -d "$SREPO/.git" ] && [ "$(cat "$SREPO/.git/fastrpc-tarball" 2>/dev/null)" = "$stamp" ] &&
		git -C "$SREPO" rev-parse -q --verify pristine >/dev/null; then
		if [ ! -f "$GREPO/.git" ]; then
			rm -rf "$GREPO"
			git -C "$SREPO" worktree prune
			git -C "$SREPO" worktree add -q --detach "$GREPO" pristine
		fi
		return
	fi
	log "series: extracting $TARBALL into a git repo (about 2 min, once)"
	rm -rf "$SREPO" "$SREPO.new" "$GREPO"
	tmp=$CACHE/.series-extract.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xJf "$TARBALL" -C "$tmp"
	[ -f "$tmp/linux-source-6.12/Makefile" ] || die "unexpected tarball layout"
	mv "$tmp/linux-source-6.12" "$SREPO.new"
	rmdir "$tmp"
	git -C "$SREPO.new" init -q
	git -C "$SREPO.new" config gc.auto 0
	git -C "$SREPO.new" add -A -f .
	ver=$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p; s/^SUBLEVEL = //p' "$SREPO.new/Makefile" | paste -sd.)
	git -C "$SREPO.new" commit -q -m "Linux $ver (Debian linux-source-6.12)"
	git -C "$SREPO.new" tag pristine
	echo "$stamp" >"$SREPO.new/.git/fastrpc-tarball"
	mv "$SREPO.new" "$SREPO"
	git -C "$SREPO" worktree add -q --detach "$GREPO" pristine
}

# Back to the pristine commit. Files the reset rewrites get back the mtime
# they had when the build dir last built them, if that was with their
# pristine content (state file $1, see record_built), so make does not
# rebuild them.
reset_repo() { # reset_repo [statefile]
	local state=${1:-} changed
	rm -rf "$(sgit rev-parse --git-path rebase-apply)"
	changed=$( {
		sgit diff --name-only pristine
		sgit ls-files -o --exclude-standard
	} | sort -u)
	sgit checkout -q -f --detach pristine
	sgit reset -q --hard pristine
	sgit clean -fdxq
	[ -n "$state" ] || return 0
	# shellcheck disable=SC2086
	restore_mtimes "$state" $changed
}

# Files whose content is the one the build dir last built (state file:
# "sha path mtime" lines, record_built) get the mtime they had then: make
# then sees their objects up to date, as they are.
restore_mtimes() { # restore_mtimes statefile files...
	local st=$1 p rec
	shift
	[ -f "$st" ] || return 0
	for p in "$@"; do
		[ -f "$WT/$p" ] || continue
		rec=$(awk -v p="$p" '$2 == p && NF == 3 { print $1, $3 }' "$st")
		[ -n "$rec" ] || continue
		if [ "${rec% *}" = "$(sgit rev-parse "HEAD:$p" 2>/dev/null)" ]; then
			touch -d "@${rec#* }" "$WT/$p"
		fi
	done
}

# ---------------------------------------------------------------------------
# The steps file

# Parse harness/series/steps into arrays indexed by step: S_KIND (patch|
# commit), S_ARG (file|name), S_RUN, S_ADD, S_KCONF, S_OBJ (space lists),
# S_OPT (1 when optional).
parse_steps() {
	local line key rest n=-1
	S_KIND=() S_ARG=() S_RUN=() S_ADD=() S_KCONF=() S_OBJ=() S_OPT=() S_UNL=()
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		read -r key rest <<<"$line" || true
		[ -n "$key" ] || continue
		case $key in
		patch | commit)
			n=$((n + 1))
			S_KIND[n]=$key S_ARG[n]=$rest S_RUN[n]='' S_ADD[n]='' S_KCONF[n]='' S_OBJ[n]=
			S_OPT[n]=0 S_UNL[n]=0
			;;
		run) S_RUN[n]+=" $rest" ;;
		add) S_ADD[n]+=" $rest" ;;
		kconfig) S_KCONF[n]+=" $rest" ;;
		obj) S_OBJ[n]+=" $rest" ;;
		optional) S_OPT[n]=1 ;;
		unlinked) S_UNL[n]=1 ;;
		*) die "series: steps: unknown line '$line'" ;;
		esac
		[ $n -ge 0 ] || die "series: steps: '$key' before the first patch/commit"
	done <"$SD/steps"
}

# Repo files of an "add" pattern (repo-relative; directories expand to
# their files known to git, new ones included, as they are in the tree).
add_files() { # add_files pattern
	local p
	(
		cd "$REPO"
		set +f
		shopt -s nullglob
		# shellcheck disable=SC2206
		local m=($1)
		for p in "${m[@]}"; do
			if [ -d "$p" ]; then
				git ls-files -co --exclude-standard -- "$p" |
					while IFS= read -r f; do [ -f "$f" ] && echo "$f"; done
			elif [ -f "$p" ]; then
				echo "$p"
			fi
		done
	) | sort -u
}

# Files of a step's "add" patterns: the matches of its patterns but those
# of its "!" patterns.
step_files() { # step_files "patterns"
	local f ex
	ex=$(for f in $1; do [ "${f#!}" = "$f" ] || add_files "${f#!}"; done)
	for f in $1; do
		[ "${f#!}" = "$f" ] && add_files "$f"
	done | sort -u | grep -vxF -f <(echo "${ex:-/nonexistent}") || true
}

# Objects of step $1: its "obj" words, "@rest" standing for every object
# of the repo's Makefile that no other step names.
step_objs() { # step_objs index
	local i=$1 j o named=""
	for o in ${S_OBJ[i]}; do
		[ "$o" = @rest ] || { echo "$o"; continue; }
		for j in "${!S_OBJ[@]}"; do
			[ "$j" = "$i" ] || named+=" ${S_OBJ[j]}"
		done
		python3 "$SD/kbuild.py" objects "$REPO/$DRV_REL/Makefile" |
			grep -vxF -f <(echo "$named" | tr ' ' '\n' | grep .) || true
	done | tr '\n' ' '
}

# ---------------------------------------------------------------------------
# gen

gen() {
	local i f n kconf="" objs="" msg tmp notes="" skipped
	set -f # the steps' patterns are globbed in the repo (add_files)
	parse_steps
	prepare_repo
	WT=$GREPO
	reset_repo
	sgit checkout -q -B series pristine
	for i in "${!S_KIND[@]}"; do
		if [ "${S_KIND[i]}" = patch ]; then
			f=$REPO/${S_ARG[i]}
			[ -f "$f" ] || die "series: ${S_ARG[i]} missing"
			sgit am -q --keep-cr "$f" || die "series: ${S_ARG[i]} does not apply"
			continue
		fi
		n=${S_ARG[i]}
		msg=$SD/msg/$n.txt
		[ -f "$msg" ] || die "series: $msg missing"
		skipped=
		for f in ${S_ADD[i]}; do
			[ "${f#!}" = "$f" ] || continue
			if [ -z "$(add_files "$f")" ]; then
				if [ "${S_OPT[i]}" = 1 ]; then
					skipped=$f
					break
				fi
				die "series: step $n: nothing matches $f"
			fi
		done
		if [ -n "$skipped" ]; then
			log "series: step $n skipped: $skipped is not in the repo"
			notes+="step $n skipped: $skipped is not in the repo"$'\n'
			continue
		fi
		step_files "${S_ADD[i]}" | while IFS= read -r f; do
			mkdir -p "$WT/$(dirname "$f")"
			cp "$REPO/$f" "$WT/$f"
		done
		kconf+=${S_KCONF[i]}
		objs+=" $(step_objs "$i")"
		if [ -n "${S_KCONF[i]}${S_OBJ[i]}" ]; then
			mkdir -p "$WT/$DRV_REL"
			# shellcheck disable=SC2086
			python3 "$SD/kbuild.py" kconfig "$REPO/$DRV_REL/Kconfig" $kconf \
				>"$WT/$DRV_REL/Kconfig" || die "series: step $n: Kconfig"
			# shellcheck disable=SC2086
			python3 "$SD/kbuild.py" makefile "$REPO/$DRV_REL/Makefile" $objs \
				$([ "${S_UNL[i]}" = 1 ] && echo @unlinked) \
				>"$WT/$DRV_REL/Makefile" || die "series: step $n: Makefile"
		fi
		for f in ${S_RUN[i]}; do
			(cd "$WT" && "$f") || die "series: step $n: $f failed"
		done
		sgit add -A -f .
		sgit diff --cached --quiet && die "series: step $n changes nothing"
		tmp=$(mktemp)
		cat "$msg" >"$tmp"
		grep -qxF "Signed-off-by: $SERIES_NAME <$SERIES_EMAIL>" "$tmp" ||
			printf '\nSigned-off-by: %s <%s>\n' "$SERIES_NAME" "$SERIES_EMAIL" >>"$tmp"
		sgit commit -q --cleanup=whitespace -F "$tmp"
		rm -f "$tmp"
	done
	# Files of ours that no step carries
	for f in $OUR_PATHS; do
		add_files "$f"
	done | while IFS= read -r f; do
		case $f in "$DRV_REL/Kconfig" | "$DRV_REL/Makefile") continue ;; esac
		[ -f "$WT/$f" ] || log "series: WARNING: $f is in no step"
	done
	tmp=$OUT/.series.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	sgit format-patch -q --cover-letter --subject-prefix="$SERIES_PREFIX" \
		-o "$tmp" pristine..series
	cover "$tmp"/0000-cover-letter.patch "$notes"
	rm -rf "$SOUT"
	mv "$tmp" "$SOUT"
	set +f
	log "series: $(ls "$SOUT" | wc -l) files in $SOUT"
	ls "$SOUT" >&2
}

# Fill in the cover letter: subject and blurb from cover.txt, in which the
# line "@PARENT@" is replaced by parent.txt and "@NOTES@" by the notes of
# this run (skipped steps), and a line naming the base.
cover() { # cover file notes
	local f=$1 notes=$2 subject blurb
	subject=$(head -n1 "$SD/cover.txt")
	blurb=$(tail -n +3 "$SD/cover.txt" | awk -v parent="$SD/parent.txt" -v notes="$notes" '
		$0 == "@PARENT@" { while ((getline l < parent) > 0) print l; next }
		$0 == "@NOTES@" { if (notes != "") printf "%s\n", notes; next }
		{ print }')
	blurb+=$'\n\n'"Based on $(sgit log -1 --format=%s pristine)."
	SUBJ=$subject BLURB=$blurb awk '
		$0 ~ /\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, ENVIRON["SUBJ"]) }
		$0 == "*** BLURB HERE ***" { print ENVIRON["BLURB"]; next }
		{ print }' "$f" >"$f.new"
	mv "$f.new" "$f"
}

# ---------------------------------------------------------------------------
# The per-patch build

# Build dir: keyed by the kernel version, the harness's base config
# without our symbols, and the symbols the series builds add.
base_fragment() {
	grep -v -E '^CONFIG_DRM_ACCEL_FASTRPC' "$HARNESS_DIR/configs/base.config"
}
build_dir_series() {
	local h
	h=$( {
		echo "series x86_64 W=1 $(stat -c '%s %Y' "$TARBALL")"
		base_fragment
		echo "$WANT_SYMS"
	} | sha256sum | cut -c1-10)
	echo "$BUILD_ROOT/series-x86_64-$h"
}

mk() { # mk logfile make-args... (in the series tree and build dir)
	local lg=$1
	shift
	flock "$B.lock" make -C "$WT" O="$B" ARCH=x86_64 "$@" >>"$lg" 2>&1
}

# $B/.config.base: tinyconfig + the base fragment (olddefconfig), checked
# like lib.sh's gen_config (every requested symbol took effect).
series_config() {
	local frag=$B/base.fragment line sym val bad=0 lg=$B/config.log
	[ -f "$B/.config.base" ] && return
	mkdir -p "$B"
	base_fragment >"$frag"
	: >"$lg"
	mk "$lg" tinyconfig || { show_tail "$lg"; return 1; }
	cat "$frag" >>"$B/.config"
	mk "$lg" olddefconfig || { show_tail "$lg"; return 1; }
	while IFS= read -r line; do
		case $line in CONFIG_*=*) ;; *) continue ;; esac
		sym=${line%%=*} val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$sym=" "$B/.config" && { log "series config: $sym=n requested, got it set"; bad=1; }
		elif ! grep -qx "$sym=$val" "$B/.config"; then
			log "series config: $sym=$val requested, got: $(grep -E "^$sym=|^# $sym is not set" "$B/.config" || echo absent)"
			bad=1
		fi
	done <"$frag"
	[ $bad = 0 ] || return 1
	cp "$B/.config" "$B/.config.base"
}

# .config of the current tree: the base config, our symbols, olddefconfig;
# a symbol of ours that the tree defines must take effect.
step_config() { # step_config logfile
	local lg=$1 s sym
	cp "$B/.config.base" "$B/.config"
	echo "$WANT_SYMS" | tr ' ' '\n' | grep . >>"$B/.config"
	mk "$lg" olddefconfig || return 1
	for s in $WANT_SYMS; do
		sym=${s%%=*}
		if grep -rqx "config ${sym#CONFIG_}" --include=Kconfig "$WT/drivers/accel" "$WT/drivers/misc" &&
			! grep -qx "$s" "$B/.config"; then
			echo "config: $s requested, got: $(grep -E "^$sym=|^# $sym is not set" "$B/.config" || echo absent)" >>"$lg"
			return 1
		fi
	done
}

# Warnings of a build log, one per line: "path: message" (the line and
# column dropped, paths relative to the tree).
log_warnings() { # log_warnings logfile
	sed -e "s|$WT/||g" -e "s|$B/series-sim/|tools/testing/fastrpc/|g" -e "s|$B/||g" "$1" |
		grep -iE 'warning|error' | grep -vE '^  [A-Z]|^make(\[[0-9]+\])?:' |
		sed -E 's/^([^: ]+):[0-9]+(:[0-9]+)?:/\1:/' | sort -u || true
}

# Warnings of $1 (log_warnings lines) in the patch's files: the files
# themselves, and objects or modules of their directories.
patch_warnings() { # patch_warnings warnfile touchedfile
	local w=$1 t=$2 path
	while IFS= read -r line; do
		path=$(grep -oE '[A-Za-z0-9_./+-]+/[A-Za-z0-9_.+-]+' <<<"$line" | head -n1 || true)
		path=${path#./}
		[ -n "$path" ] || continue
		if grep -qxF "$path" "$t"; then
			echo "$line"
		elif [[ $path != *.[chS] ]] && grep -q "^$(dirname "$path")/[^/]*$" "$t"; then
			echo "$line"
		fi
	done <"$w"
}

# Every file the series ($SOUT) changes.
series_files() {
	cat "$SOUT"/0*.patch 2>/dev/null | sed -n 's|^diff --git a/\([^ ]*\) b/.*|\1|p' | sort -u
}

# Record the content (and mtime) of files the build dir was just built
# with: "sha path mtime" lines.
record_built() { # record_built statefile files...
	local st=$1 p
	shift
	touch "$st"
	for p in "$@"; do
		# a deleted file keeps its record: its objects stay in the build dir
		[ -f "$WT/$p" ] || continue
		awk -v p="$p" '$2 != p' "$st" >"$st.new"
		echo "$(sgit rev-parse "HEAD:$p") $p $(stat -c %Y "$WT/$p")" >>"$st.new"
		mv "$st.new" "$st"
	done
}

# ---------------------------------------------------------------------------
# check

# checkpatch of one patch: 0 errors, warnings, checks. "does MAINTAINERS
# need updating" (FILE_PATH_CHANGES, raised for every added file) is
# answered when each file the patch adds or deletes is covered by the
# series' MAINTAINERS section in the patched tree.
check_patch() { # check_patch patch logfile -> detail on stdout
	local p=$1 lg=$2 ign=() f uncovered="" key
	if ! grep -q '^ MAINTAINERS *|' "$p"; then
		for f in $(sgit diff --name-only --diff-filter=AD HEAD~1 HEAD); do
			covered "$f" || uncovered+=" $f"
		done
		[ -n "$uncovered" ] || ign=(--ignore FILE_PATH_CHANGES)
	fi
	# UNKNOWN_COMMIT_ID: the pristine repo has no history, so the commits
	# that Fixes: tags name are unknown to it (their form is checked)
	# checkpatch takes minutes on the big patches: its output is kept by
	# the patch's and the options' hash (the tree's checkpatch is fixed)
	key=$( { cat "$p"; echo "${ign[*]} v2"; } | sha256sum | cut -c1-16)
	mkdir -p "$CACHE/series-checkpatch"
	if [ -f "$CACHE/series-checkpatch/$key" ]; then
		cp "$CACHE/series-checkpatch/$key" "$lg"
	else
		# /usr/bin first: the SPDX check runs scripts/spdxcheck.py with the
		# python3 of PATH, which needs Debian's python3-ply and python3-git
		(cd "$WT" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict \
			--show-types --no-color --ignore UNKNOWN_COMMIT_ID "${ign[@]}" "$p") >"$lg" 2>&1 || true
		grep -q '^total: ' "$lg" && cp "$lg" "$CACHE/series-checkpatch/$key"
	fi
	grep -E '^total: ' "$lg" | tail -n1
	[ -z "$uncovered" ] || echo "not in MAINTAINERS:$uncovered"
}

# A file is covered by an F: pattern (directory prefix or file) of the
# series' MAINTAINERS section (maintainers_entry in edits.sh).
covered() { # covered path
	awk -v f="$1" -v want="$SERIES_SECTION" '
		/^[A-Z0-9].*[A-Z]/ && !/^[A-Z]:/ { sect = $0 }
		/^F:\t/ && sect == want {
			pat = $2
			if (pat ~ /\/$/ ? index(f, pat) == 1 : f == pat) { found = 1; exit }
		}
		END { exit !found }' "$WT/MAINTAINERS"
}

# The step kind of a patch from the files it touches: kernel (build it),
# sim (build tools/testing/fastrpc with M=), none.
patch_kind() { # patch_kind touchedfile
	if grep -qvE '^(Documentation/|MAINTAINERS$|tools/)' "$1"; then
		echo kernel
	elif grep -q '^tools/testing/fastrpc/' "$1"; then
		echo sim
	else
		echo none
	fi
}

# The pristine tree, checked out and built (the whole kernel in a cold
# build dir); sets B and st.
pristine_build() {
	local lg t0 d
	B=$(build_dir_series)
	mkdir -p "$B/logs"
	st=$B/.series-built
	reset_repo "$st"
	sgit checkout -q -B check pristine
	if ! series_config; then
		result FAIL "$GRP" config "the base config does not take effect (see above)"
		return 1
	fi
	[ -f "$B/.series-pristine-ok" ] && return 0
	# A new build dir (the config changed): the old ones go
	for d in "$BUILD_ROOT"/series-x86_64-*; do
		[ "$d" = "$B" ] || [ "$d" = "$B.lock" ] || rm -rf "$d"
	done
	lg=$B/logs/pristine.log
	: >"$lg"
	t0=$(date +%s)
	if step_config "$lg" && mk "$lg" W=1 -j"$JOBS" vmlinux modules; then
		# shellcheck disable=SC2046
		record_built "$st" $(series_files)
		touch "$B/.series-pristine-ok"
		result PASS "$GRP" pristine-build "$(($(date +%s) - t0)) s"
	else
		show_tail "$lg"
		rm -f "$st"
		result FAIL "$GRP" pristine-build "the pristine tree does not build, see $lg"
		return 1
	fi
}

check() {
	local p name subj lg wlog t0 rc=0 failed="" kind det st base_w
	local touched nw nn c targets wcache what
	if [ "${SERIES_NO_GEN:-0}" != 1 ] && ! bash "$0" _gen; then
		result FAIL "$GRP" generate "make series failed"
		return 1
	fi
	result PASS "$GRP" generate "$(find "$SOUT" -name '0*.patch' ! -name '0000-*' | wc -l) patches in $SOUT"
	pristine_build || return 1
	for p in "$SOUT"/[0-9]*.patch; do
		name=$(basename "$p" .patch)
		case $name in 0000-cover-letter) continue ;; esac
		nn=${name%%-*}
		subj=$(sed -n 's/^Subject: \[[^]]*\] //p' "$p" | head -n1)
		if [ -n "$failed" ]; then
			for c in apply checkpatch build; do
				result FAIL "$GRP" "$nn-$c" "not tried: $failed does not apply"
			done
			continue
		fi
		lg=$B/logs/$name.log
		: >"$lg"
		# Pre-patch warnings of the C files the patch changes
		base_w=$B/logs/$name.base-warnings
		: >"$base_w"
		touched=$B/logs/$name.files
		grep -E '^diff --git a/' "$p" | sed -E 's|^diff --git a/([^ ]+) b/.*|\1|' | sort -u >"$touched"
		kind=$(patch_kind "$touched")
		if [ "$kind" = kernel ]; then
			baseline_warnings "$touched" "$base_w" "$lg"
		fi
		if ! sgit am -q --keep-cr "$p" >>"$lg" 2>&1; then
			show_tail "$lg"
			result FAIL "$GRP" "$nn-apply" "$subj"
			failed=$name rc=1
			for c in checkpatch build; do
				result FAIL "$GRP" "$nn-$c" "not tried: does not apply"
			done
			continue
		fi
		result PASS "$GRP" "$nn-apply" "$subj"
		# The warnings of this tree are known from an earlier run: files
		# built then with this content keep their objects
		wcache=$B/series-warn/$(sgit rev-parse 'HEAD^{tree}')
		if [ -f "$wcache" ]; then
			# shellcheck disable=SC2046
			restore_mtimes "$st" $(cat "$touched")
		fi
		det=$(check_patch "$p" "$B/logs/$name.checkpatch")
		if grep -q '^total: 0 errors, 0 warnings, 0 checks' <<<"$det" && ! grep -q 'not in MAINTAINERS' <<<"$det"; then
			result PASS "$GRP" "$nn-checkpatch"
		else
			sed 's/^/  | /' "$B/logs/$name.checkpatch" >&2
			result FAIL "$GRP" "$nn-checkpatch" "$(tr '\n' ' ' <<<"$det")"
			rc=1
		fi
		t0=$(date +%s)
		case $kind in
		none)
			result PASS "$GRP" "$nn-build" "nothing to build (documentation, tools)"
			continue
			;;
		sim)
			what="W=1 M= build of tools/testing/fastrpc"
			if ! build_sim "$lg"; then
				show_tail "$lg"
				result FAIL "$GRP" "$nn-build" "tools/testing/fastrpc does not build with M=, see $lg"
				rc=1
				continue
			fi
			;;
		kernel)
			# a UAPI header: also headers_install's checks
			targets=(vmlinux modules)
			grep -q '^include/uapi/' "$touched" && targets+=(headers)
			what="W=1 ${targets[*]}"
			if ! { step_config "$lg" && mk "$lg" W=1 -j"$JOBS" "${targets[@]}"; }; then
				show_tail "$lg"
				rm -f "$st"
				result FAIL "$GRP" "$nn-build" "does not build or link, see $lg"
				rc=1
				continue
			fi
			;;
		esac
		# After a full build, the build dir reflects every file the series
		# changes as it is now (the reset may have rewritten some that this
		# patch does not touch); after the M= build, the simulator's files.
		if [ "$kind" = kernel ]; then
			# shellcheck disable=SC2046
			record_built "$st" $(series_files)
		else
			# shellcheck disable=SC2046
			record_built "$st" $(cat "$touched")
		fi
		wlog=$B/logs/$name.warnings
		log_warnings "$lg" >"$wlog.all"
		{
			patch_warnings "$wlog.all" "$touched"
			[ -f "$wcache" ] && cat "$wcache"
		} | sort -u >"$wlog.patch" || true
		mkdir -p "$B/series-warn"
		cp "$wlog.patch" "$wcache"
		grep -vxF -f "$base_w" "$wlog.patch" >"$wlog" || true
		nw=$(grep -c . "$wlog" || true)
		if [ "$nw" = 0 ]; then
			result PASS "$GRP" "$nn-build" "$what, $(($(date +%s) - t0)) s"
		else
			sed 's/^/  | /' "$wlog" >&2
			result FAIL "$GRP" "$nn-build" "$nw new W=1 warnings in its files, see $wlog"
			rc=1
		fi
	done
	[ -n "$failed" ] && return 1
	reproduce || rc=1
	transitional || rc=1
	return $rc
}

# W=1 warnings of the C files a patch changes, before the patch: each is
# compiled again (touched) on its own, unless the warnings of this tree
# are known ($B/series-warn/base-<tree>).
baseline_warnings() { # baseline_warnings touchedfile outfile logfile
	local t=$1 out=$2 lg=$3 f objs=() srcs=() blg=$3.base cache
	cache=$B/series-warn/base-$(sgit rev-parse 'HEAD^{tree}')
	if [ -f "$cache" ]; then
		cp "$cache" "$out"
		return 0
	fi
	while IFS= read -r f; do
		[[ $f == *.c ]] && [ -f "$WT/$f" ] || continue
		touch "$WT/$f"
		objs+=("${f%.c}.o")
		srcs+=("$f")
	done <"$t"
	[ ${#objs[@]} -gt 0 ] || return 0
	: >"$blg"
	if step_config "$blg" && mk "$blg" W=1 -j"$JOBS" "${objs[@]}"; then
		record_built "$st" "${srcs[@]}"
		log_warnings "$blg" >"$out.all"
		patch_warnings "$out.all" "$t" >"$out" || true
		mkdir -p "$B/series-warn"
		cp "$out" "$cache"
	else
		rm -f "$st"
	fi
	echo "(pre-patch W=1 build of its C files: $blg)" >>"$lg"
}

# The simulator as an external module against the build dir (from a copy:
# M= writes its objects next to the sources; its warnings are reported
# under tools/testing/fastrpc, log_warnings).
build_sim() { # build_sim logfile
	local lg=$1 d=$B/series-sim
	mkdir -p "$d"
	# -p: the sources' mtimes, so that the objects of unchanged ones stay
	cp -rp "$WT/tools/testing/fastrpc/." "$d/"
	mk "$lg" W=1 -j"$JOBS" M="$d" modules
}

# The series reproduces the repo's files: drivers/accel/fastrpc (but the
# dependency on QCOM_FASTRPC, which the last patch removes), the UAPI
# header, the documentation and the simulator.
reproduce() {
	local tmp f d rc=0 hint
	tmp=$(mktemp -d)
	for f in $OUR_PATHS; do
		add_files "$f"
	done | while IFS= read -r f; do
		mkdir -p "$tmp/$(dirname "$f")"
		cp "$REPO/$f" "$tmp/$f"
	done
	if [ -f "$tmp/$DRV_REL/Kconfig" ]; then
		sed -i '/^\tdepends on QCOM_FASTRPC != y || m$/d' "$tmp/$DRV_REL/Kconfig"
	fi
	d=$B/logs/reproduce.diff
	: >"$d"
	for f in $OUR_PATHS; do
		if [ -e "$tmp/$f" ] || [ -e "$WT/$f" ]; then
			diff -ruN "$tmp/$f" "$WT/$f" >>"$d" 2>&1 || rc=1
		fi
	done
	rm -rf "$tmp"
	if [ $rc = 0 ]; then
		result PASS "$GRP" reproduce "the series' tree has the repo's files"
	else
		head -n 40 "$d" | sed 's/^/  | /' >&2
		hint=
		for f in $OUR_PATHS; do
			if [ -e "$GREPO/$f" ] || [ -e "$WT/$f" ]; then
				diff -rq "$GREPO/$f" "$WT/$f" >/dev/null 2>&1 || hint=x
			fi
		done
		[ -n "$hint" ] && hint="see $d" || hint="(it equals the tree make series wrote: the repo changed since), see $d"
		result FAIL "$GRP" reproduce "the series' tree differs from the repo $hint"
	fi
	return $rc
}

# QCOM_FASTRPC as the transitional symbol: a config that asks only for it
# (and what it depends on) gets the accel driver, without Kconfig warnings;
# arm64's defconfig (CONFIG_QCOM_FASTRPC=m) too when the cross compiler is
# there.
transitional() {
	local d=$B/kconfig-x86_64 lg rc=0 s
	mkdir -p "$d"
	lg=$d/log
	make -C "$WT" O="$d" ARCH=x86_64 tinyconfig >"$lg" 2>&1 || true
	printf '%s\n' CONFIG_64BIT=y CONFIG_MODULES=y CONFIG_COMPILE_TEST=y CONFIG_OF=y \
		CONFIG_DRM=m CONFIG_VIRTIO_MENU=y CONFIG_RPMSG_VIRTIO=m CONFIG_QCOM_FASTRPC=m >>"$d/.config"
	: >"$lg"
	# (appending to .config makes kconfig note each symbol it reassigns)
	if make -C "$WT" O="$d" ARCH=x86_64 olddefconfig >"$lg" 2>&1 &&
		! grep -i 'warning' "$lg" | grep -qv 'override: reassigning to symbol'; then
		for s in CONFIG_QCOM_FASTRPC=m CONFIG_DRM_ACCEL=y CONFIG_DRM_ACCEL_FASTRPC=m \
			CONFIG_DRM_ACCEL_FASTRPC_LEGACY=y CONFIG_QCOM_SCM=m; do
			grep -qx "$s" "$d/.config" || { echo "$s missing" >>"$lg"; rc=1; }
		done
	else
		rc=1
	fi
	if [ $rc = 0 ]; then
		result PASS "$GRP" transitional "x86_64: QCOM_FASTRPC=m, DRM=m, OF, RPMSG_VIRTIO=m gives DRM_ACCEL_FASTRPC=m (and QCOM_SCM=m)"
	else
		sed 's/^/  | /' "$lg" | tail -n 20 >&2
		result FAIL "$GRP" transitional "olddefconfig with QCOM_FASTRPC=m, see $lg"
	fi
	if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
		result SKIP "$GRP" transitional-arm64 "no aarch64-linux-gnu-gcc"
		return $rc
	fi
	d=$B/kconfig-arm64 lg=$B/kconfig-arm64/log
	mkdir -p "$d"
	if make -C "$WT" O="$d" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- defconfig >"$lg" 2>&1 &&
		! grep -qi 'warning' "$lg" && grep -qx CONFIG_QCOM_FASTRPC=m "$d/.config" &&
		grep -qx CONFIG_DRM_ACCEL_FASTRPC=m "$d/.config"; then
		result PASS "$GRP" transitional-arm64 "arm64 defconfig: QCOM_FASTRPC=m gives DRM_ACCEL_FASTRPC=m"
	else
		sed 's/^/  | /' "$lg" | tail -n 20 >&2
		result FAIL "$GRP" transitional-arm64 "arm64 defconfig: $(grep -E '^CONFIG_(QCOM_FASTRPC|DRM_ACCEL_FASTRPC)=' "$d/.config" | tr '\n' ' ')"
		rc=1
	fi
	return $rc
}

# ---------------------------------------------------------------------------
# layers: which driver object calls into which (from the harness's base
# build of the work tree), to check that a step order only calls down.

layers() { # layers [dir with the driver's objects]
	local d=${1:-} o u f def edges i obj st_of="" a b sa sb
	if [ -z "$d" ]; then
		d=$(ls -dt "$BUILD_ROOT"/x86_64-base*/"$DRV_REL" 2>/dev/null | head -n1)
	fi
	[ -n "$d" ] && [ -d "$d" ] || die "no objects of the driver: run make modules first"
	log "series: objects of $d"
	edges=$(mktemp)
	for o in "$d"/*.o; do
		case $o in *.mod.o | */fastrpc_accel.o) continue ;; esac
		u=$(nm -u "$o" | awk '{ print $2 }' | sort -u)
		for def in "$d"/*.o; do
			case $def in "$o" | *.mod.o | */fastrpc_accel.o) continue ;; esac
			if nm --defined-only "$def" | awk '$2 ~ /[TDBR]/ { print $3 }' | grep -qxF -f <(echo "$u"); then
				echo "$(basename "$o") $(basename "$def")"
			fi
		done
	done >"$edges"
	echo "calls (caller -> callee):"
	sed 's/ / -> /; s/^/  /' "$edges"
	# Layers: objects in an order where each calls only earlier ones, or the
	# cycles (strongly connected components) that prevent one
	python3 - "$edges" <<'EOF'
import sys
g = {}
for line in open(sys.argv[1]):
    a, b = line.split()
    g.setdefault(a, set()).add(b)
    g.setdefault(b, set())
idx, low, st, on, sccs = {}, {}, [], set(), []
def visit(v):
    idx[v] = low[v] = len(idx)
    st.append(v); on.add(v)
    for w in sorted(g[v]):
        if w not in idx:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        c = []
        while True:
            w = st.pop(); on.discard(w); c.append(w)
            if w == v:
                break
        sccs.append(sorted(c))
for v in sorted(g):
    if v not in idx:
        visit(v)
cyc = [c for c in sccs if len(c) > 1]
if cyc:
    print("cycles (objects that call each other, directly or not):")
    for c in cyc:
        print("  " + " ".join(c))
# sccs come out callees first: an order of layers, a cycle as one layer
print("layers, lowest first (a cycle is one layer):")
for c in sccs:
    print("  " + " ".join(c))
EOF
	# The step of each object in harness/series/steps
	parse_steps
	for i in "${!S_KIND[@]}"; do
		for obj in $(step_objs "$i"); do
			st_of+="$obj $i"$'\n'
		done
	done
	echo "calls up in the steps file (each links only if the callee's header has a stub for that step's config):"
	while read -r a b; do
		sa=$(awk -v o="$a" '$1 == o { print $2 }' <<<"$st_of")
		sb=$(awk -v o="$b" '$1 == o { print $2 }' <<<"$st_of")
		[ -n "$sa" ] && [ -n "$sb" ] || continue
		if [ "$sb" -gt "$sa" ]; then
			echo "  $a (${S_ARG[sa]}) -> $b (${S_ARG[sb]})"
		fi
	done <"$edges"
	rm -f "$edges"
}

# One line that ends the script: bash reads a script as it runs it, so
# edits to this file during a (long) check do not reach the running one.
main() {
	case ${1:-} in
	gen)
		exec 8>>"$CACHE/series-gen.lock"
		flock 8
		gen
		;;
	check)
		exec 8>>"$CACHE/series.lock"
		flock 8
		check
		;;
	_gen)
		exec 8>>"$CACHE/series-gen.lock"
		flock 8
		gen
		;;
	pristine)
		exec 8>>"$CACHE/series.lock"
		flock 8
		prepare_repo
		pristine_build
		;;
	layers) layers "${2:-}" ;;
	*) die "usage: series.sh gen|check|pristine|layers [dir]" ;;
	esac
}
main "$@"; exit
