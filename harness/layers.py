#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The driver core's shape, for lint.sh (issue 12's targets).

  layers.py graph OBJDIR     which object of the driver uses which other
                             object's symbols (functions, data, tracepoints),
                             from nm; exit 1 if the files form a cycle
  layers.py comments SRCDIR  lines and own-line comment lines of every
                             *.c/*.h; exit 1 if comments are 15% or more
"""
import collections
import glob
import os
import re
import subprocess
import sys


def graph(objdir):
    objs = [o for o in sorted(glob.glob(os.path.join(objdir, 'fastrpc_*.o')))
            if not o.endswith(('.mod.o', 'fastrpc_accel.o'))]
    if not objs:
        sys.exit(f'layers.py: no objects in {objdir}')
    defs, uses = {}, {}
    for o in objs:
        name = os.path.basename(o)[len('fastrpc_'):-2]
        out = subprocess.run(['nm', o], capture_output=True, text=True,
                             check=True).stdout
        uses[name] = set()
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in 'TDBRV':
                defs[f[2]] = name
            elif len(f) == 2 and f[0] == 'U':
                uses[name].add(f[1])
    edges = collections.defaultdict(set)
    for name, syms in uses.items():
        for s in syms:
            if defs.get(s, name) != name:
                edges[name].add(defs[s])
    # Layers: a file's depth is one more than the deepest file it uses
    depth, cycle = {}, []

    def visit(n, path):
        if n in path:
            cycle.append(path[path.index(n):] + [n])
            return 0
        if n not in depth:
            depth[n] = 1 + max([visit(m, path + [n]) for m in edges[n]],
                               default=-1)
        return depth[n]
    for n in uses:
        visit(n, [])
    for d in range(max(depth.values()) + 1):
        row = sorted(n for n in depth if depth[n] == d)
        print(f'layer {d}: ' + ' '.join(row))
    for n in sorted(n for n in edges if edges[n]):
        print(f'  {n} -> ' + ' '.join(sorted(edges[n])))
    if cycle:
        print('cycle: ' + ' -> '.join(cycle[0]))
        return 1
    print('no cycle between files')
    return 0


def comments(srcdir):
    total = ncom = 0
    for f in sorted(glob.glob(os.path.join(srcdir, '*.[ch]'))):
        n = c = 0
        inside = False
        for line in open(f):
            n += 1
            s = line.strip()
            if inside:
                c += 1
                inside = '*/' not in s
            elif s.startswith('/*'):
                c += 1
                inside = '*/' not in s
            elif s.startswith('//'):
                c += 1
        print(f'{os.path.basename(f):24} {n:5} lines {c:4} comments')
        total += n
        ncom += c
    share = 100.0 * ncom / total
    print(f'{"total":24} {total:5} lines {ncom:4} comments ({share:.1f}%)')
    return 0 if share < 15 else 1


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('graph', 'comments'):
        sys.exit(__doc__)
    sys.exit(graph(sys.argv[2]) if sys.argv[1] == 'graph'
             else comments(sys.argv[2]))


if __name__ == '__main__':
    main()
