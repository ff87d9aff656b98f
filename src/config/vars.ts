/**
 * The variables of one process: `SD_CONFIG_FILE` (a YAML map of variable names to values) merged under the
 * environment, read once. Problems with the file are kept and reported with the parts a command loads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export type Env = Record<string, string | undefined>;

export const CONFIG_FILE_VARIABLE = 'SD_CONFIG_FILE';

export interface ConfigVars {
  /** file < environment; only the variables that are set. */
  readonly values: Readonly<Record<string, string>>;
  /** What is wrong with SD_CONFIG_FILE; every load reports them. */
  readonly problems: readonly string[];
  /** Relative paths in the configuration (a `file:` store) resolve against this directory. */
  readonly cwd: string;
  /** The file's structured sections (`organizations:`, `documents:`), as parsed; their parts check them. */
  readonly sections?: Readonly<Record<string, unknown>>;
}

/** What the file may hold: the program's variables, and of those no secret and none a library reads itself. */
export interface FileRules {
  known: readonly string[];
  /** Each secret and the variable naming its file. */
  secrets: Readonly<Record<string, string>>;
  /** Read by a library from the process's environment (the AWS SDK's chain): a file entry would be ignored. */
  envOnly: readonly string[];
  /** Keys that hold a structured section rather than a variable (lower case, so never a variable's name). */
  sections?: readonly string[];
}

/** Variables given as they are, without a config file (the demo's own sub-commands). */
export function createConfigVars(
  env: Env,
  cwd: string,
  problems: readonly string[] = [],
  sections: Readonly<Record<string, unknown>> = {},
): ConfigVars {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) values[k] = v;
  const frozen = Object.freeze({ ...sections });
  return Object.freeze({
    values: Object.freeze(values),
    problems: Object.freeze([...problems]),
    cwd,
    sections: frozen,
  });
}

/** Reads SD_CONFIG_FILE when set and merges it under `env`. */
export function readConfigVars(env: Env, cwd: string, rules: FileRules): ConfigVars {
  const problems: string[] = [];
  const file = env[CONFIG_FILE_VARIABLE]?.trim();
  const sections: Record<string, unknown> = {};
  const fromFile = file ? readFileVars(file, cwd, rules, problems, sections) : {};
  return createConfigVars({ ...fromFile, ...definedOnly(env) }, cwd, problems, sections);
}

function definedOnly(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}

function readFileVars(
  file: string,
  cwd: string,
  rules: FileRules,
  problems: string[],
  sections: Record<string, unknown>,
): Env {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path.resolve(cwd, file), 'utf8'));
  } catch (err) {
    problems.push(`${CONFIG_FILE_VARIABLE} ${file}: ${describeReadError(err)}`);
    return {};
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push(`${CONFIG_FILE_VARIABLE} ${file}: must be a map of variable names to values`);
    return {};
  }
  const out: Env = {};
  for (const [k, v] of Object.entries(data)) {
    const secretFile = Object.hasOwn(rules.secrets, k) ? rules.secrets[k] : undefined;
    if (rules.sections?.includes(k)) sections[k] = v;
    else if (!rules.known.includes(k)) problems.push(`${CONFIG_FILE_VARIABLE} ${file}: unknown key ${k}`);
    else if (secretFile !== undefined)
      problems.push(
        `${CONFIG_FILE_VARIABLE} ${file}: ${k} is a secret, set it in the environment (${k}) or in a file (${secretFile})`,
      );
    else if (rules.envOnly.includes(k))
      problems.push(`${CONFIG_FILE_VARIABLE} ${file}: ${k} is read by the AWS SDK from the environment only`);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else problems.push(`${CONFIG_FILE_VARIABLE} ${file}: ${k} must be a string`);
  }
  return out;
}

/**
 * A YAML error's own message quotes the lines around the fault, which may hold a value (a secret put there by
 * mistake): only its code and position are reported.
 */
function describeReadError(err: unknown): string {
  const e = err as { code?: unknown; linePos?: { line: number; col: number }[] };
  if (err instanceof Error && err.name.startsWith('YAML'))
    return `not valid YAML (${String(e.code)} at line ${e.linePos?.[0]?.line ?? '?'}, column ${e.linePos?.[0]?.col ?? '?'})`;
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `cannot read the file (${code})` : String(err);
}
