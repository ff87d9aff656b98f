/**
 * The `organizations:` section of SD_CONFIG_FILE: several Confluent Cloud organisations in one run, each with its
 * own Cloud API key (a key belongs to one organisation). The key id may be written in the file; the secret only
 * comes from a variable (`api_secret_env`) or a file (`api_secret_file`), never from the config file itself.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PartContext } from '../config/part.js';

export interface OrganizationKey {
  /** The `organization` label's value and the name in messages, status and `--organization`. */
  name: string;
  apiKey: string;
  apiSecret: string;
}

export const ORGANIZATIONS_SECTION = 'organizations';
/** Readable in a label, a message and a document name. */
export const ORGANIZATION_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const VARIABLE_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYS = ['name', 'api_key', 'api_key_env', 'api_key_file', 'api_secret_env', 'api_secret_file'] as const;

type Entry = Record<string, unknown>;

/** The organisations of the section, or undefined when the file has none; every problem pushed. */
export function parseOrganizations(context: PartContext, problems: string[]): OrganizationKey[] | undefined {
  const raw = context.sections?.[ORGANIZATIONS_SECTION];
  if (raw === undefined) return undefined;
  const where = `SD_CONFIG_FILE ${ORGANIZATIONS_SECTION}`;
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push(`${where} must be a non-empty list of organisations`);
    return [];
  }
  const out: OrganizationKey[] = [];
  raw.forEach((entry: unknown, i) => {
    const org = parseOrganization(entry, `${where}[${i}]`, context, problems);
    if (!org) return;
    if (out.some((o) => o.name === org.name)) problems.push(`${where}: the name "${org.name}" is used twice`);
    // one key reaches one organisation: listing it twice would list every resource twice
    const same = out.find((o) => o.apiKey === org.apiKey);
    if (same)
      problems.push(
        `${where}[${i}] (${org.name}): uses the API key of ${same.name}; each organisation has its own`,
      );
    out.push(org);
  });
  return out;
}

function parseOrganization(
  entry: unknown,
  where: string,
  context: PartContext,
  problems: string[],
): OrganizationKey | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    problems.push(`${where} must be a map with name, api_key_env and api_secret_env (or *_file)`);
    return undefined;
  }
  const e = entry as Entry;
  const before = problems.length;
  for (const k of Object.keys(e)) {
    if (k === 'api_secret')
      problems.push(
        `${where}: api_secret must not be in the config file; use api_secret_env or api_secret_file`,
      );
    else if (!(KEYS as readonly string[]).includes(k)) problems.push(`${where}: unknown key ${k}`);
  }
  const name = typeof e.name === 'string' ? e.name.trim() : '';
  if (!ORGANIZATION_NAME_RE.test(name))
    problems.push(
      `${where}: name must match ${ORGANIZATION_NAME_RE.source}, got ${JSON.stringify(e.name ?? null)}`,
    );
  const label = `${where} (${name || 'unnamed'})`;
  const apiKey = readSource(e, 'api_key', true, label, context, problems);
  const apiSecret = readSource(e, 'api_secret', false, label, context, problems);
  if (problems.length > before || apiKey === undefined || apiSecret === undefined) return undefined;
  return { name, apiKey, apiSecret };
}

/** `<what>` (when `inline`), `<what>_env` or `<what>_file`: exactly one; the value never appears in a message. */
function readSource(
  e: Entry,
  what: 'api_key' | 'api_secret',
  inline: boolean,
  where: string,
  context: PartContext,
  problems: string[],
): string | undefined {
  const given = [inline ? what : undefined, `${what}_env`, `${what}_file`].filter(
    (k): k is string => k !== undefined && e[k] !== undefined,
  );
  const options = inline ? `${what}, ${what}_env or ${what}_file` : `${what}_env or ${what}_file`;
  if (given.length !== 1) {
    problems.push(`${where}: set exactly one of ${options}`);
    return undefined;
  }
  const key = given[0]!;
  const ref = e[key];
  if (typeof ref !== 'string' || ref.trim() === '') {
    problems.push(`${where}: ${key} must be a non-empty string`);
    return undefined;
  }
  if (key === what) return ref.trim();
  if (key.endsWith('_env')) {
    if (!VARIABLE_RE.test(ref))
      problems.push(`${where}: ${key} must name a variable, got ${JSON.stringify(ref)}`);
    const value = context.vars?.[ref]?.trim();
    if (VARIABLE_RE.test(ref) && !value) problems.push(`${where}: ${key} names ${ref}, which is not set`);
    return value || undefined;
  }
  return readSecretFile(path.resolve(context.cwd, ref), `${where}: ${key}`, problems);
}

function readSecretFile(file: string, where: string, problems: string[]): string | undefined {
  try {
    const value = readFileSync(file, 'utf8').trim();
    if (value === '') problems.push(`${where}: ${file} is empty`);
    return value || undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`${where}: cannot read ${file} (${code})`);
    return undefined;
  }
}
