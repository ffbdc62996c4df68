#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Per-step drivers/accel/fastrpc/{Kconfig,Makefile} for the patch series.

The repo's files are the final versions. A step of the series carries only
part of the driver, so series.sh writes these two files at each step from
the final ones, keeping what the step's cumulative sets name:

  kbuild.py kconfig FINAL_KCONFIG SYM...   config blocks of those symbols
  kbuild.py makefile FINAL_MAKEFILE OBJ... lines and list entries of those
                                           objects (foo.o) and dirs (foo/)
  kbuild.py objects FINAL_MAKEFILE         every object and dir it builds

Makefile rules: a member list ("x-y := a.o b.o", "x-$(C) += a.o") keeps the
listed objects; "obj-... += x.o" of a composite object stays when any member
of x stays; "obj-... += dir/" stays when dir/ is named; "CFLAGS_a.o" lines
follow a.o; a comment block goes with the line it precedes. Output keeps
the final file's layout (one object per line in backslash lists).
"""
import re
import sys


def kconfig(path, syms):
    want = set(syms)
    head, blocks, cur = [], [], None
    for line in open(path).read().splitlines():
        m = re.match(r'^(?:menu)?config\s+(\w+)', line)
        if m:
            cur = [m.group(1), [line]]
            blocks.append(cur)
        elif cur is None:
            head.append(line)
        else:
            cur[1].append(line)
    missing = want - {b[0] for b in blocks}
    if missing:
        sys.exit('kbuild.py: no config block for ' + ' '.join(sorted(missing)))
    out = list(head)
    for name, lines in blocks:
        if name in want:
            while lines and lines[-1].strip() == '':
                lines = lines[:-1]
            out += lines + ['']
    while out and out[-1].strip() == '':
        out.pop()
    return '\n'.join(out) + '\n'


def logical_lines(text):
    """Group physical lines into (kind, [lines]) with continuations joined."""
    res, buf = [], []
    for line in text.splitlines():
        buf.append(line)
        if line.endswith('\\'):
            continue
        res.append(buf)
        buf = []
    if buf:
        res.append(buf)
    return res


ASSIGN = re.compile(r'^([\w.$()\-/]+)\s*(:=|\+=|=)\s*(.*)$')


def composites(groups):
    """Composite objects of a Makefile and their members."""
    members = {}
    for g in groups:
        m = ASSIGN.match(' '.join(x.rstrip('\\').strip() for x in g))
        if m and not m.group(1).startswith(('obj-', 'ccflags', 'CFLAGS_',
                                              'subdir')):
            comp = re.sub(r'-(y|objs|\$\(.*\))$', '', m.group(1))
            members.setdefault(comp + '.o', set()).update(m.group(3).split())
    return members


def objects(path):
    groups = logical_lines(open(path).read())
    members = composites(groups)
    res = []
    for g in groups:
        m = ASSIGN.match(' '.join(x.rstrip('\\').strip() for x in g))
        if not m or m.group(1).startswith(('CFLAGS_', 'ccflags')):
            continue
        for t in m.group(3).split():
            if t.endswith(('.o', '/')) and t not in members and t not in res:
                res.append(t)
    return '\n'.join(res) + '\n'


def makefile(path, objs):
    unlinked = '@unlinked' in objs
    want = set(objs) - {'@unlinked'}
    groups = logical_lines(open(path).read())
    members = composites(groups)
    out, pending = [], []

    def emit(lines):
        out.extend(pending)
        pending.clear()
        out.extend(lines)

    for g in groups:
        first = g[0]
        if first.startswith('#') and not first.startswith('# SPDX'):
            pending.append(first)
            continue
        if first.strip() == '':
            if pending:
                pending.append(first)
            else:
                out.append(first)
            continue
        m = ASSIGN.match(' '.join(x.rstrip('\\').strip() for x in g))
        if not m:
            emit(g)
            continue
        lhs, op, rhs = m.groups()
        if lhs.startswith('CFLAGS_') or lhs.startswith('CFLAGS_REMOVE_'):
            obj = lhs.split('_', 1)[1]
            if obj.startswith('REMOVE_'):
                obj = obj[len('REMOVE_'):]
            if obj in want:
                emit(g)
            else:
                pending.clear()
            continue
        toks = rhs.split()
        if not toks or not all(t.endswith(('.o', '/')) for t in toks):
            emit(g)
            continue
        keep = [t for t in toks
                if t in want or (t in members and members[t] & want)]
        if not keep:
            pending.clear()
            continue
        if len(g) == 1:
            emit([f'{lhs}{first[len(lhs):first.index(op)]}{op}'
                  f'{first[first.index(op) + len(op):].split(toks[0])[0]}'
                  + ' '.join(keep)])
        else:
            # "x-y := \" then one "\tobj \" line per object
            indent = re.match(r'^(\s*)', g[1]).group(1)
            lines = [g[0]]
            for i, t in enumerate(keep):
                lines.append(indent + t + (' \\' if i < len(keep) - 1 else ''))
            emit(lines)
    # drop blank-line runs and trailing blanks left by removed lines
    res = []
    for line in out:
        if line.strip() == '' and (not res or res[-1].strip() == ''):
            continue
        res.append(line)
    while res and res[-1].strip() == '':
        res.pop()
    if unlinked:
        res = unlink(res, members)
    return '\n'.join(res) + '\n'


def unlink(lines, members):
    """Compile a composite module's objects without linking it.

    Before the step that adds the module's entry point (module_init,
    MODULE_LICENSE), "obj-$(C) += x.o" with "x-y := a.o ..." cannot link:
    modpost rejects a module without a licence. Such a step builds its
    objects as always-$(C) targets instead: compiled with the same flags
    (W=1 included), not linked.
    """
    conds = {}
    for line in lines:
        m = ASSIGN.match(line)
        if m and m.group(1).startswith('obj-') and m.group(3).strip() in members:
            conds[m.group(3).strip()[:-2]] = m.group(1)[len('obj-'):]
    res = []
    for line in lines:
        m = ASSIGN.match(line.rstrip('\\').strip())
        if m and m.group(1).startswith('obj-') and m.group(3).strip()[:-2] in conds:
            continue
        if m:
            comp = re.sub(r'-(y|objs|\$\(.*\))$', '', m.group(1))
            if comp in conds:
                cond = m.group(1)[len(comp) + 1:]
                if cond == 'y' or cond == 'objs':
                    cond = conds[comp]
                line = line.replace(m.group(1), 'always-' + cond, 1)
                line = line.replace(':=', '+=', 1)
                res.append('# Compiled, not linked yet: the module gets its '
                           'entry point later')
        if not (line.strip() == '' and res and res[-1].strip() == ''):
            res.append(line)
    return res


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ('kconfig', 'makefile',
                                                 'objects'):
        sys.exit(__doc__)
    if sys.argv[1] == 'objects':
        sys.stdout.write(objects(sys.argv[2]))
        return
    fn = kconfig if sys.argv[1] == 'kconfig' else makefile
    sys.stdout.write(fn(sys.argv[2], sys.argv[3:]))


if __name__ == '__main__':
    main()
