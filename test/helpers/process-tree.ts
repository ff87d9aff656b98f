/**
 * The memory of a server and every process it started (a cluster's workers, nginx's workers), read from /proc:
 * a benchmark that read the first process alone would miss most of it.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** `pid` and its descendants. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // the command name may hold spaces and parentheses: the fields after the last ")" are fixed
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while the list was read
    }
  }
  const out: number[] = [];
  const visit = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return out;
}

/** Resident memory of `pid` and its descendants, in MB, and how many processes that is. */
export function treeRssMb(pid: number): { mb: number; processes: number } {
  let kb = 0;
  const pids = processTree(pid);
  for (const p of pids) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      kb += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return { mb: kb / 1024, processes: pids.length };
}
