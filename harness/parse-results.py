#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Count the tests of one VM run from its serial log (see harness/init.sh).

usage: parse-results.py [--console-clean] LOG GROUP QEMU_RC [RESULTS_FILE]

Counted, each as one test:
  * every leaf test case of every KTAP block (KUnit suite); a case with
    parameters counts each parameter; "# SKIP" is skipped;
  * every "ok"/"not ok" line of every TAP block (kselftest);
  * every HARNESS-CHECK line;
  * one "vm-verdict" test: QEMU exited 0 and printed HARNESS: RESULT PASS;
  * a block that began but never ended, or a TAP block with no result
    line, is one more failure;
  * with --console-clean, one "console-clean" test: no kernel message on
    the serial console reports a DMA-API error, a WARNING, a BUG or an
    Oops (the arm64 runs, where nothing is excused; on x86 the guest's own
    dmesg check excuses the old driver's window, so there it is not used).
    It catches what the guest's dmesg check cannot: a report after it ran,
    or from a guest that died first.
Appends "PASS|FAIL|SKIP GROUP NAME DETAIL" lines to RESULTS_FILE, prints a
summary (failed tests first) and exits 1 if anything failed.

When the log has the legacy phase's TAP blocks (fastrpc_legacy-old,
fastrpc_legacy-accel and their fastrpc_legacy32-* twins), it also prints a
per-case table "case | old | accel | old32 | accel32 | verdict": agree or
differs, with the skip reason or the failing side (not counted as tests).
"""
import re
import sys

KLOG = re.compile(r'^\[\s*\d+\.\d+\]')
RES = re.compile(r'^(\s*)(ok|not ok)\s+(\d+)\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(.*))?$')
SUBTEST = re.compile(r'^(\s*)#\s*Subtest:\s*(\S+)')
CHECK = re.compile(r'HARNESS-CHECK (ok|not ok|skip) (\S+)(?:\s+#\s*(.*))?')
BEGIN = re.compile(r'HARNESS-(KTAP|TAP|DEMO|DMESG)-BEGIN ?(\S*)')
END = re.compile(r'HARNESS-(KTAP|TAP|DEMO|DMESG)-END')
LEGACY = re.compile(r'^(fastrpc_legacy(?:32)?)-(old|accel)$')
# Kernel reports --console-clean fails on; DMA-API debugging's notes at
# boot are none (kernel/dma/debug.c, pr_info)
CONSOLE_BAD = re.compile(r'DMA-API: |WARNING:|BUG:|Oops|Kernel panic|'
                         r'KASAN:|UBSAN:|Call trace:|Call Trace:')
CONSOLE_BENIGN = re.compile(r'DMA-API: (preallocated \d+ debug entries|'
                            r'debugging enabled by kernel config|'
                            r'dma_debug_entry pool grown to)')


def status(okword, directive):
    d = (directive or '').strip().upper()
    if d.startswith('SKIP'):
        return 'SKIP'
    if okword == 'ok' or d.startswith('XFAIL'):
        return 'PASS'
    return 'FAIL'


def ktap_leaves(name, lines):
    """Leaf test cases of one KTAP document: a result line with no result
    line at a deeper indentation since the previous result at its level."""
    out = []
    has_child = {}
    subtest = {}
    for ln in lines:
        ms = SUBTEST.match(ln)
        if ms:
            i = len(ms.group(1).expandtabs(8))
            subtest = {k: v for k, v in subtest.items() if k < i}
            subtest[i] = ms.group(2)
            continue
        m = RES.match(ln)
        if not m:
            continue
        depth = len(m.group(1).expandtabs(8))
        leaf = not has_child.get(depth, False)
        has_child = {k: v for k, v in has_child.items() if k < depth}
        has_child[depth] = False
        for k in range(depth):
            has_child[k] = True
        if not leaf:
            continue
        # depth 0 leaf: a suite with no case lines at all (e.g. init failed)
        path = [name] + [v for k, v in sorted(subtest.items())
                         if 0 < k <= depth and v != name]
        tname = '.'.join(path + [m.group(4) or m.group(3)]) if depth else name
        out.append((status(m.group(2), m.group(5)), tname, m.group(5) or ''))
    return out


def legacy_table(taps):
    """Lines of the old-vs-accel table of the legacy UAPI suite, from the TAP
    results of the blocks fastrpc_legacy{,32}-{old,accel}: {block: [(status,
    case, directive)]}. Empty when there is no such block."""
    cols = [('old', 'fastrpc_legacy-old'), ('accel', 'fastrpc_legacy-accel'),
            ('old32', 'fastrpc_legacy32-old'), ('accel32', 'fastrpc_legacy32-accel')]
    # Only with the old driver's run (the arm64 runs have none)
    if not any(b in taps for _, b in cols if b.endswith('-old')):
        return []
    res = {}
    cases = []
    for _, b in cols:
        for st, case, det in taps.get(b, []):
            if case not in res:
                res[case] = {}
                cases.append(case)
            res[case][b] = (st, det)
    word = {'PASS': 'ok', 'SKIP': 'skip', 'FAIL': 'FAIL'}

    def cell(case, b):
        if b not in taps:
            return 'n/a'
        return word[res[case][b][0]] if b in res[case] else '-'

    def why(case, b, side):
        st, det = res[case][b]
        if st == 'SKIP':
            return '%s skips: %s' % (side, re.sub(r'^SKIP\s*', '', det, flags=re.I))
        if st == 'FAIL':
            return '%s FAILS' % side
        return '%s passes' % side

    rows = []
    for case in cases:
        r = res[case]
        o, a = cols[0][1], cols[1][1]
        if o not in r or a not in r:
            missing = [n for n, b in cols[:2] if b not in r]
            verdict = 'incomplete (no %s result)' % ' or '.join(missing)
        elif r[o][0] == r[a][0]:
            verdict = 'agree'
            if r[o][0] == 'SKIP':
                ro, ra = (re.sub(r'^SKIP\s*', '', r[b][1], flags=re.I) for b in (o, a))
                verdict += (' (both skip: %s)' % ra if ro == ra else
                            ' (both skip: old: %s; accel: %s)' % (ro, ra))
            elif r[o][0] == 'FAIL':
                verdict += ' (both FAIL)'
        else:
            reasons = [why(case, b, n) for n, b in cols[:2] if r[b][0] != 'PASS']
            verdict = 'differs (%s)' % '; '.join(reasons)
        odd = ['%s %s' % (n32, cell(case, b32))
               for (n64, b64), (n32, b32) in zip(cols[:2], cols[2:])
               if b32 in taps and b64 in r and
               (b32 not in r or r[b32][0] != r[b64][0])]
        if odd:
            verdict += '; 32-bit differs: %s' % ', '.join(odd)
        rows.append([case] + [cell(case, b) for _, b in cols] + [verdict])
    hdr = ['case'] + [n for n, _ in cols] + ['verdict']
    w = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(cols) + 1)]
    fmt = lambda x: ' | '.join(v.ljust(w[i]) for i, v in enumerate(x[:-1])) + ' | ' + x[-1]
    n = {k: sum(1 for x in rows if x[-1].startswith(k)) for k in ('agree', 'differs', 'incomplete')}
    out = ['=== legacy UAPI per case: old driver vs fastrpc_accel (%d agree, %d differ, %d incomplete)'
           % (n['agree'], n['differs'], n['incomplete']), '  ' + fmt(hdr),
           '  ' + '-+-'.join('-' * x for x in w) + '-+--------']
    out += ['  ' + fmt(x) for x in rows]
    return out


def console_clean(text):
    """The console-clean test: kernel lines (with a printk timestamp) that
    report an error, outside the guest's own dumps of dmesg."""
    bad = []
    dump = False
    for raw in text.split('\n'):
        if 'HARNESS-DMESG-BEGIN' in raw:
            dump = True
        elif 'HARNESS-DMESG-END' in raw:
            dump = False
        elif (not dump and KLOG.match(raw) and CONSOLE_BAD.search(raw) and
              not CONSOLE_BENIGN.search(raw)):
            bad.append(raw.strip())
    if not bad:
        return ('PASS', 'console-clean', '')
    return ('FAIL', 'console-clean', '%d kernel report lines, first: %s' %
            (len(bad), bad[0][:200]))


LIBRARY = re.compile(r'^(?:exit-)?libfastrpc-(legacy|accel)\b')


def result_group(group, name):
    """The group of a result: the FastRPC library's checks (init.sh's
    library phase) have theirs, libfastrpc-legacy and libfastrpc-accel, with
    the run's name appended for runs other than x86_64 base."""
    m = LIBRARY.match(name)
    if not m:
        return group
    g = 'libfastrpc-' + m.group(1)
    return g if group == 'vm-x86_64-base' else '%s-%s' % (g, group[3:])


def main():
    args = sys.argv[1:]
    check_console = '--console-clean' in args
    args = [a for a in args if a != '--console-clean']
    logf, group, qrc = args[0], args[1], int(args[2])
    resf = args[3] if len(args) > 3 else None
    text = open(logf, 'rb').read().decode('utf-8', 'replace').replace('\r', '')
    results = []
    taps = {}  # legacy suite's TAP results per block, for legacy_table()
    block = None  # (kind, name, lines)
    passed_marker = False
    failed_marker = False
    for raw in text.split('\n'):
        if 'HARNESS: RESULT PASS' in raw:
            passed_marker = True
        if 'HARNESS: RESULT FAIL' in raw:
            failed_marker = True
        mb = BEGIN.search(raw)
        if mb:
            if block:
                results.append(('FAIL', '%s-%s.incomplete' % (block[0].lower(), block[1]),
                                'block never ended'))
            block = (mb.group(1), mb.group(2) or mb.group(1).lower(), [])
            continue
        if END.search(raw) and block:
            kind, name, lines = block
            if kind == 'KTAP':
                leaves = ktap_leaves(name, lines)
                if not leaves:
                    leaves = [('FAIL', 'kunit-%s' % name, 'no test result in KTAP')]
                results.extend(leaves)
            elif kind == 'TAP':
                n = 0
                for ln in lines:
                    m = RES.match(ln)
                    if m and not m.group(1):
                        n += 1
                        case = (m.group(4) or m.group(3)).replace(' ', '_')
                        results.append((status(m.group(2), m.group(5)),
                                        '%s.%s' % (name, case), m.group(5) or ''))
                        if LEGACY.match(name):
                            taps.setdefault(name, []).append(
                                (status(m.group(2), m.group(5)), case, m.group(5) or ''))
                skip_all = [ln for ln in lines
                            if re.match(r'^1\.\.0\s*#\s*SKIP', ln, re.I)]
                if n == 0 and skip_all:
                    # a program that skips as a whole (kselftest "1..0 # SKIP")
                    results.append(('SKIP', '%s.tap' % name,
                                    re.sub(r'^1\.\.0\s*#\s*', '', skip_all[0])))
                elif n == 0:
                    results.append(('FAIL', '%s.tap' % name, 'no TAP result line'))
            block = None
            continue
        mc = CHECK.search(raw)
        if mc:
            st = {'ok': 'PASS', 'not ok': 'FAIL', 'skip': 'SKIP'}[mc.group(1)]
            results.append((st, mc.group(2), mc.group(3) or ''))
            continue
        if block and not KLOG.match(raw):
            block[2].append(raw)
    if block:
        results.append(('FAIL', '%s-%s.incomplete' % (block[0].lower(), block[1]),
                        'block never ended (VM died or hung?)'))
    if check_console:
        results.append(console_clean(text))
    if qrc == 0 and passed_marker:
        results.append(('PASS', 'vm-verdict', ''))
    else:
        why = {124: 'timeout (VM hung)', 137: 'timeout (VM killed)',
               3: 'guest reported HARNESS: RESULT FAIL'}.get(qrc, 'qemu rc=%d' % qrc)
        if qrc == 0:
            why = ('HARNESS: RESULT FAIL' if failed_marker else
                   'no HARNESS: RESULT PASS marker (kernel panic or init died?)')
        results.append(('FAIL', 'vm-verdict', why))

    # Disambiguate duplicate names.
    seen = {}
    final = []
    for st, name, det in results:
        name = re.sub(r'\s+', '_', name)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = '%s#%d' % (name, seen[name])
        final.append((st, name, det))

    if resf:
        with open(resf, 'a') as f:
            for st, name, det in final:
                f.write('%s %s %s %s\n' % (st, result_group(group, name), name, det))
    fails = [r for r in final if r[0] == 'FAIL']
    npass = sum(1 for r in final if r[0] == 'PASS')
    nskip = sum(1 for r in final if r[0] == 'SKIP')
    print('=== %s: %d passed, %d failed, %d skipped (log: %s)' %
          (group, npass, len(fails), nskip, logf))
    for st, name, det in fails:
        print('  NOT OK  %s/%s%s' % (result_group(group, name), name,
                                     ' -- ' + det if det else ''))
    for st, name, det in final:
        if st != 'FAIL':
            print('  %-7s %s/%s%s' % ('ok' if st == 'PASS' else 'skip',
                                       result_group(group, name), name,
                                       ' -- ' + det if det else ''))
    for ln in legacy_table(taps):
        print(ln)
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
