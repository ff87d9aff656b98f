/**
 * Every config part of the program, and what follows from the list: the variables the program reads
 * (deploy manifests are checked against `ENV_VARIABLES`), those SD_CONFIG_FILE may not set, and the defaults.
 * Only `cli.ts` (and tests) read the process's variables through it.
 */
import type { ConfigPart } from './config/part.js';
import { fileVariableOf } from './config/secret-files.js';
import { signingKeyPart, verifyKeyPart } from './config/signing-keys.js';
import { CONFIG_FILE_VARIABLE, type ConfigVars, type Env, readConfigVars } from './config/vars.js';
import { confluentPart } from './confluent/config.js';
import { discoveryPart } from './discovery/config.js';
import { logPart } from './log.js';
import { publishPart, schedulePart, wherePart } from './publish/config.js';
import { renderPart } from './render/config.js';
import { servePart } from './serve/config.js';
import { storePart } from './store/config.js';

export const CONFIG_PARTS = {
  confluent: confluentPart,
  discovery: discoveryPart,
  store: storePart,
  render: renderPart,
  publish: publishPart,
  schedule: schedulePart,
  where: wherePart,
  serve: servePart,
  log: logPart,
  signing: signingKeyPart,
  verify: verifyKeyPart,
} as const;

const parts: ConfigPart<unknown>[] = Object.values(CONFIG_PARTS);

/** Every variable the program reads. */
export const ENV_VARIABLES: readonly string[] = Object.freeze([
  ...new Set([
    ...parts.flatMap((p) => p.variables),
    CONFIG_FILE_VARIABLE,
    ...parts.flatMap((p) => p.fromFile.map(fileVariableOf)),
    ...parts.flatMap((p) => p.external),
  ]),
]);

/** Variables only the environment (or their file) may set. */
export const SECRET_VARIABLES: readonly string[] = Object.freeze(parts.flatMap((p) => p.secrets));

/** Each secret → the variable that names its file. */
const SECRET_FILES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign({}, ...parts.map((p) => p.secretFiles)),
);

/** Read from the environment by a library itself: SD_CONFIG_FILE may not set them either. */
const ENV_ONLY: readonly string[] = Object.freeze(parts.flatMap((p) => p.external));

type Parts = typeof CONFIG_PARTS;
type DefaultedVariable = {
  [K in keyof Parts]: Parts[K] extends ConfigPart<unknown, infer D> ? D : never;
}[keyof Parts];

/** The structured sections SD_CONFIG_FILE may hold (`organizations:`, `documents:`), each read by its part. */
export const CONFIG_SECTIONS: readonly string[] = Object.freeze(parts.flatMap((p) => p.sections ?? []));

/** The default of every variable that has one. */
export const DEFAULTS: Readonly<Record<DefaultedVariable, string>> = Object.freeze(
  Object.assign({}, ...parts.map((p) => p.defaults)),
);

/** The variables of this process: SD_CONFIG_FILE merged under `env`. Read once, by `cli.ts`. */
export function readProgramVars(env: Env, cwd: string): ConfigVars {
  return readConfigVars(env, cwd, {
    known: ENV_VARIABLES,
    secrets: SECRET_FILES,
    envOnly: ENV_ONLY,
    sections: CONFIG_SECTIONS,
  });
}
