/** Config parts by name, validated against a plain environment the way cli.ts does it (SD_CONFIG_FILE included). */

import { type ConfigOf, loadParts } from '../../src/config/load.js';
import type { Env } from '../../src/config/vars.js';
import { CONFIG_PARTS, readProgramVars } from '../../src/config-parts.js';

type Parts = typeof CONFIG_PARTS;

export function loadNamedParts<const N extends keyof Parts>(
  env: Env,
  names: readonly N[],
  cwd: string = process.cwd(),
): ConfigOf<Pick<Parts, N>> {
  const parts = Object.fromEntries(names.map((n) => [n, CONFIG_PARTS[n]])) as Pick<Parts, N>;
  return loadParts(readProgramVars(env, cwd), parts);
}
