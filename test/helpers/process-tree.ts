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

export interface TreeMemory {
  /** Resident memory summed over the processes: pages they share (the node binary's) count once per process. */
  rssMb: number;
  /**
   * The anonymous part of it (heaps, stacks, buffers): each process's own, never shared between processes that
   * were spawned rather than forked; the rest of RSS is mapped files, of which the copies of one binary share pages.
   */
  anonMb: number;
  processes: number;
}

/** RSS and its anonymous part of `pid` and its descendants, in MB (VmRSS and RssAnon of /proc/<pid>/status). */
export function treeMemory(pid: number): TreeMemory {
  const pids = processTree(pid);
  let rss = 0;
  let anon = 0;
  for (const p of pids) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      rss += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      anon += Number(/^RssAnon:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return { rssMb: rss / 1024, anonMb: anon / 1024, processes: pids.length };
}

/** CPU time `pid` and its descendants have used so far, user and system, in ms (from /proc/<pid>/stat). */
export function treeCpuMs(pid: number): { userMs: number; systemMs: number } {
  // USER_HZ, which is 100 on every Linux the project runs on
  const tick = 10;
  let user = 0;
  let system = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the command name
      user += Number(fields[11]) * tick;
      system += Number(fields[12]) * tick;
    } catch {
      // gone
    }
  }
  return { userMs: user, systemMs: system };
}
