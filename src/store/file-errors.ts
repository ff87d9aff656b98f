/**
 * How file-system failures become store errors. Codes that will not heal by retrying (permissions, read-only
 * or full disks, a path that is a file) are `STORE_WRITE` for writes; anything else may be transient.
 */
import { AppError } from '../errors.js';

const PERMANENT = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'ENOTDIR',
  'EISDIR',
  'EEXIST',
  'ENAMETOOLONG',
]);
/** On reads these mean the key names no file (a missing file, or a directory where a key would be). */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as NodeJS.ErrnoException).code : undefined;
}

export function isMissingFileError(err: unknown): boolean {
  return MISSING.has(errnoCode(err) ?? '');
}

/** `put latest/x.json into file:/data: EACCES: permission denied, open '…'`. AppErrors pass through unchanged. */
export function fileError(action: string, kind: 'read' | 'write', err: unknown): AppError {
  if (err instanceof AppError) return err;
  const fact = err instanceof Error ? err.message : String(err);
  return new AppError(kind === 'write' ? 'STORE_WRITE' : 'STORE_UNAVAILABLE', `${action}: ${fact}`, {
    cause: err,
    retryable: !PERMANENT.has(errnoCode(err) ?? ''),
  });
}
