#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Count the tests of one VM run from its serial log (see harness/init.sh).

usage: parse-results.py LOG GROUP QEMU_RC [RESULTS_FILE]

Counted, each as one test:
  * every leaf test case of every KTAP block (KUnit suite); a case with
    parameters counts each parameter; "# SKIP" is skipped;
  * every "ok"/"not ok" line of every TAP block (kselftest);
  * every HARNESS-CHECK line;
  * one "vm-verdict" test: QEMU exited 0 and printed HARNESS: RESULT PASS;
  * a block that began but never ended, or a TAP block with no result
    line, is one more failure.
Appends "PASS|FAIL|SKIP GROUP NAME DETAIL" lines to RESULTS_FILE, prints a
summary (failed tests first) and exits 1 if anything failed.
"""
import re
import sys

KLOG = re.compile(r'^\[\s*\d+\.\d+\]')
RES = re.compile(r'^(\s*)(ok|not ok)\s+(\d+)\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(.*))?$')
SUBTEST = re.compile(r'^(\s*)#\s*Subtest:\s*(\S+)')
CHECK = re.compile(r'HARNESS-CHECK (ok|not ok|skip) (\S+)(?:\s+#\s*(.*))?')
BEGIN = re.compile(r'HARNESS-(KTAP|TAP|DEMO|DMESG)-BEGIN ?(\S*)')
END = re.compile(r'HARNESS-(KTAP|TAP|DEMO|DMESG)-END')


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


def main():
    logf, group, qrc = sys.argv[1], sys.argv[2], int(sys.argv[3])
    resf = sys.argv[4] if len(sys.argv) > 4 else None
    text = open(logf, 'rb').read().decode('utf-8', 'replace').replace('\r', '')
    results = []
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
                        results.append((status(m.group(2), m.group(5)),
                                        '%s.%s' % (name, (m.group(4) or m.group(3)).replace(' ', '_')),
                                        m.group(5) or ''))
                if n == 0:
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
                f.write('%s %s %s %s\n' % (st, group, name, det))
    fails = [r for r in final if r[0] == 'FAIL']
    npass = sum(1 for r in final if r[0] == 'PASS')
    nskip = sum(1 for r in final if r[0] == 'SKIP')
    print('=== %s: %d passed, %d failed, %d skipped (log: %s)' %
          (group, npass, len(fails), nskip, logf))
    for st, name, det in fails:
        print('  NOT OK  %s/%s%s' % (group, name, ' -- ' + det if det else ''))
    for st, name, det in final:
        if st != 'FAIL':
            print('  %-7s %s/%s%s' % ('ok' if st == 'PASS' else 'skip', group, name,
                                       ' -- ' + det if det else ''))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
