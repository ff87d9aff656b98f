/**
 * Bearer tokens: several valid at once (rotation), from SD_BEARER_TOKENS and/or a file (SD_BEARER_TOKEN_FILE, one
 * token per line, `#` comments) that is re-read when it changes, so a Kubernetes Secret rotation needs no restart.
 * Tokens are kept only as sha256 digests and compared in constant time; a token never reaches a log line.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';

export interface TokenSource {
  /** True when the Authorization header value carries one of the valid tokens. */
  isAuthorized(header: string | undefined): boolean;
  /** How many tokens are valid right now. */
  count(): number;
  /** Reads the file once (throws CONFIG_INVALID when it cannot) and starts watching it. */
  start(): Promise<void>;
  /** Re-reads the file when its mtime, size or inode changed; keeps the old tokens when it cannot be read. */
  refresh(): Promise<void>;
  stop(): void;
}

export interface TokenSourceOptions {
  tokens: readonly string[];
  file?: string;
  log: Logger;
  /** How often the file's metadata is checked. */
  pollMs?: number;
}

const MIN_TOKEN_LENGTH = 16;

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** One token per line; blank lines and `#` comments ignored; a comma-separated line is accepted as well. */
export function parseTokenFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/**
 * The token of an Authorization header: `Bearer <token>` (scheme case-insensitive), or a bare token because
 * Prometheus < 2.48 sends `authorization.credentials` without "Bearer " (prometheus#12762).
 */
export function tokenFromHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  const m = /^bearer\s+(\S+)$/i.exec(value);
  if (m) return m[1];
  if (value !== '' && !/\s/.test(value)) return value;
  return undefined;
}

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const { file, log } = options;
  const pollMs = options.pollMs ?? 2000;
  const fromEnv = options.tokens.map(digest);
  let digests: Buffer[] = fromEnv;
  let fileVersion = '';
  let timer: NodeJS.Timeout | undefined;
  let refreshing: Promise<void> | undefined;

  async function readTokens(path: string): Promise<{ version: string; tokens: string[] } | undefined> {
    const st = await stat(path);
    const version = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (version === fileVersion) return undefined;
    return { version, tokens: parseTokenFile(await readFile(path, 'utf8')) };
  }

  function adopt(version: string, tokens: string[]): void {
    const short = tokens.filter((t) => t.length < MIN_TOKEN_LENGTH).length;
    const valid = tokens.filter((t) => t.length >= MIN_TOKEN_LENGTH);
    if (short > 0) log.warn({ ignored: short }, 'bearer token file holds tokens shorter than 16 characters');
    digests = [...fromEnv, ...valid.map(digest)];
    fileVersion = version;
    log.info({ fileTokens: valid.length, envTokens: fromEnv.length }, 'bearer tokens loaded');
  }

  async function refreshOnce(): Promise<void> {
    if (!file) return;
    try {
      const read = await readTokens(file);
      if (read) adopt(read.version, read.tokens);
    } catch (err) {
      log.warn({ err, file }, 'bearer token file unreadable, keeping the previous tokens');
    }
  }

  return {
    isAuthorized(header) {
      const token = tokenFromHeader(header);
      if (token === undefined) return false;
      const given = digest(token);
      // no early exit: the time taken does not tell which token (or whether any) matched
      let ok = false;
      for (const d of digests) ok = timingSafeEqual(given, d) || ok;
      return ok;
    },
    count: () => digests.length,
    async start() {
      if (file) {
        try {
          const read = await readTokens(file);
          if (read) adopt(read.version, read.tokens);
        } catch (cause) {
          throw new AppError('CONFIG_INVALID', `read SD_BEARER_TOKEN_FILE ${file}: ${String(cause)}`, {
            cause,
          });
        }
        timer = setInterval(() => {
          void this.refresh();
        }, pollMs);
        timer.unref();
      }
    },
    refresh() {
      refreshing ??= refreshOnce().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
