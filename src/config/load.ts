/**
 * Validates the config parts a command needs against the variables of the process: every bad field of every part
 * (and every problem with SD_CONFIG_FILE) in one `CONFIG_INVALID`, then the parts deep-frozen.
 */
import type { z } from 'zod';
import { AppError } from '../errors.js';
import type { ConfigPart } from './part.js';
import { resolveSecretFiles } from './secret-files.js';
import type { ConfigVars } from './vars.js';

// biome-ignore lint/suspicious/noExplicitAny: a part of any config type
export type PartMap = Readonly<Record<string, ConfigPart<any>>>;
export type PartValue<P> = P extends ConfigPart<infer T> ? T : never;
/** The parsed parts of a map, under the same keys. */
export type ConfigOf<P extends PartMap> = { readonly [K in keyof P]: PartValue<P[K]> };

export function loadParts<const P extends PartMap>(vars: ConfigVars, parts: P): ConfigOf<P> {
  const problems = [...vars.problems];
  const out: Record<string, unknown> = {};
  for (const [key, part] of Object.entries(parts)) {
    const files = resolveSecretFiles(part.fromFile, vars);
    problems.push(...files.problems);
    const context = { cwd: vars.cwd, sections: vars.sections ?? {}, vars: vars.values };
    const result = part.schema(context).safeParse({ ...inputOf(part, vars), ...files.values });
    if (result.success) out[key] = deepFreeze(result.data);
    else {
      // a variable whose file failed is said once, by the file's problem
      const issues = result.error.issues.filter((i) => !files.failed.includes(String(i.path[0])));
      problems.push(...issues.map(describeIssue));
    }
  }
  if (problems.length > 0) {
    // two parts may read one variable (the proxy variables): each problem once
    const each = [...new Set(problems)];
    throw new AppError('CONFIG_INVALID', `invalid configuration:\n  - ${each.join('\n  - ')}`);
  }
  return Object.freeze(out) as ConfigOf<P>;
}

/** defaults < file < environment, for the part's own variables. */
function inputOf(part: ConfigPart<unknown>, vars: ConfigVars): Record<string, string | undefined> {
  const input: Record<string, string | undefined> = {};
  for (const name of part.variables) {
    const fallback = part.ownDefaults.includes(name) ? undefined : part.defaults[name];
    input[name] = vars.values[name] ?? fallback;
  }
  return input;
}

/** Our own issues are whole sentences; zod's own (none expected) get the variable's name in front. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom' || issue.path.length === 0) return issue.message;
  return `${issue.path.join('.')}: ${issue.message}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
