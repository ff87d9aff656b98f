/**
 * The common kinds of variable. Each message names the variable and the text it got, as the README and the
 * tests quote them (`SD_API_CONCURRENCY must be a whole number from 1 to 256, got "-1"`).
 */
import { type Field, field } from './part.js';

/** Set and not blank; the value trimmed. */
export function requiredText(what: string): Field<string> {
  return field((text, name, problems) => {
    const v = text?.trim() ?? '';
    if (!v) problems.push(`${name} is required (${what})`);
    return v;
  });
}

/** The text as it is; '' when unset. */
export function anyText(): Field<string> {
  return field((text) => text ?? '');
}

/** The text trimmed; undefined when unset or blank. */
export function optionalText(): Field<string | undefined> {
  return field((text) => text?.trim() || undefined);
}

export function wholeNumber(min: number, max: number): Field<number> {
  return field((text, name, problems) => {
    const t = (text ?? '').trim();
    const n = Number(t);
    if (!/^-?\d+$/.test(t) || n < min || n > max)
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${t}"`);
    return n;
  });
}

export function decimal(min: number, max: number): Field<number> {
  return field((text, name, problems) => {
    const t = (text ?? '').trim();
    const n = Number(t);
    if (t === '' || !Number.isFinite(n) || n < min || n > max)
      problems.push(`${name} must be a number from ${min} to ${max}, got "${t}"`);
    return n;
  });
}

export function oneOf<const T extends string>(values: readonly T[]): Field<T> {
  return field((text, name, problems) => {
    const v = (text ?? '').trim();
    if (!(values as readonly string[]).includes(v))
      problems.push(`${name} must be one of ${values.join(', ')}, got "${v}"`);
    return v as T;
  });
}

/** An http(s) base URL without credentials; trailing slashes removed. */
export function httpUrl(): Field<string> {
  return field((text, name, problems) => parseHttpUrl(text ?? '', name, problems));
}

export function parseHttpUrl(text: string, name: string, problems: string[]): string {
  const v = text.trim();
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    u = new URL('about:blank');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    problems.push(`${name} must be an http(s) URL, got "${v}"`);
    return v;
  }
  if (u.username || u.password) problems.push(`${name} must not carry credentials in the URL`);
  return v.replace(/\/+$/, '');
}
