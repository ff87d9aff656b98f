/**
 * A small Dockerfile reader for the deploy tests: instructions (continuation lines joined, comments and the
 * parser directive dropped), grouped by build stage. It understands what our Dockerfile uses, nothing more.
 */
import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  let buffer = '';
  let start = 0;
  lines.forEach((raw, i) => {
    const line = raw.trimEnd();
    if (buffer === '' && /^\s*#/.test(line)) return;
    if (buffer !== '' && /^\s*#/.test(line)) return; // comment inside a continued instruction
    if (buffer === '') start = i + 1;
    if (line.endsWith('\\')) {
      buffer += `${line.slice(0, -1)} `;
      return;
    }
    buffer += line;
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(buffer);
    if (m) out.push({ keyword: (m[1] as string).toUpperCase(), args: (m[2] as string).trim(), line: start });
    buffer = '';
  });
  return out;
}

export function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`line ${ins.line}: cannot read FROM ${ins.args}`);
      stages.push({ image: m[1] as string, ...(m[2] ? { name: m[2] } : {}), instructions: [] });
    } else {
      const current = stages.at(-1);
      if (!current) throw new Error(`line ${ins.line}: ${ins.keyword} before FROM`);
      current.instructions.push(ins);
    }
  }
  return stages;
}

export function readDockerfileStages(file: string): Stage[] {
  return stagesOf(parseDockerfile(readFileSync(file, 'utf8')));
}

/** `KEY=value KEY2="v 2"` (ENV) → a map. The legacy `ENV KEY value` form is read too. */
export function parseEnvArgs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [key, ...rest] = args.split(/\s+/);
    if (key) out[key] = rest.join(' ');
    return out;
  }
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const value = m[2] as string;
    out[m[1] as string] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return out;
}

/** The last USER of a stage as `{ user, group }`, or undefined when the stage sets none. */
export function userOf(stage: Stage): { user: string; group?: string } | undefined {
  const ins = stage.instructions.filter((i) => i.keyword === 'USER').at(-1);
  if (!ins) return undefined;
  const [user, group] = ins.args.split(':');
  return { user: user as string, ...(group ? { group } : {}) };
}
