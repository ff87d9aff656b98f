/**
 * Secrets from files, the way a Kubernetes Secret is mounted: a variable a part lists in `fromFile` may be given as
 * `<name>_FILE`, the path of a file holding its value. Both set is a configuration error; the file's trailing
 * newline is trimmed; a file that cannot be read or is empty is an error that names the path, never the content.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfigVars } from './vars.js';

/** `CONFLUENT_API_SECRET` → `CONFLUENT_API_SECRET_FILE`. */
export function fileVariableOf(name: string): string {
  return `${name}_FILE`;
}

export interface FileResolution {
  /** The values read from files, by variable name. */
  values: Record<string, string>;
  /** One sentence per problem. */
  problems: string[];
  /** Variables whose file variant failed (their own messages would only repeat it). */
  failed: string[];
}

/** Reads `<name>_FILE` for every name in `names` that has one set; relative paths against `vars.cwd`. */
export function resolveSecretFiles(names: readonly string[], vars: ConfigVars): FileResolution {
  const out: FileResolution = { values: {}, problems: [], failed: [] };
  for (const name of names) {
    const fileVar = fileVariableOf(name);
    const file = vars.values[fileVar]?.trim();
    if (!file) continue;
    if (vars.values[name] !== undefined) {
      out.problems.push(`${name} and ${fileVar} are both set; set one of them`);
      out.failed.push(name);
      continue;
    }
    const value = readSecretFile(fileVar, path.resolve(vars.cwd, file), out.problems);
    if (value === undefined) out.failed.push(name);
    else out.values[name] = value;
  }
  return out;
}

/** The file's text without its trailing line break(s); undefined (and a problem naming the path) when unusable. */
export function readSecretFile(variable: string, file: string, problems: string[]): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    // the code only (ENOENT, EACCES, EISDIR): the path is in the sentence already
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`${variable} ${file}: cannot read the file (${code})`);
    return undefined;
  }
  const value = text.replace(/(\r?\n)+$/, '');
  if (value.trim() === '') {
    problems.push(`${variable} ${file}: the file is empty`);
    return undefined;
  }
  return value;
}
