/**
 * Bearer tokens: several valid at once (rotation), from SD_BEARER_TOKENS and/or a file (SD_BEARER_TOKEN_FILE, one
 * token per line, `#` comments) that is re-read when it changes, so a Kubernetes Secret rotation needs no restart.
 * Tokens are kept only as sha256 digests and compared in constant time; a token never reaches a log line.
 * A connection remembers the header it was last authorized with (see `isAuthorized`): the header it is compared
 * with is one that connection itself sent and that was valid, so the comparison's timing tells a client nothing
 * it did not already know, and a change of the tokens (the file re-read) forgets every remembered header.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';

export interface TokenSource {
  /**
   * True when the Authorization header value carries one of the valid tokens. With `connection` (the request's
   * socket), a header equal to the one last authorized on that same connection, under the same tokens, is
   * accepted without hashing it again: a scraper's keep-alive connection sends the same header every time.
   */
  isAuthorized(header: string | undefined, connection?: object): boolean;
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
  return hash('sha256', token, 'buffer');
}

/** The header a connection was last authorized with, and under which set of tokens. */
interface Remembered {
  header: string;
  tokens: Buffer[];
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

/** The file's identity and contents: `version` changes whenever the file is replaced or rewritten. */
interface TokenFileRead {
  version: string;
  tokens: string[];
}

/** The tokens of SD_BEARER_TOKENS plus those of the token file, as digests; the file polled for changes. */
class BearerTokenSource implements TokenSource {
  private readonly file: string | undefined;
  private readonly log: Logger;
  private readonly pollMs: number;
  private readonly fromEnv: Buffer[];
  private digests: Buffer[];
  private fileVersion = '';
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly remembered = new WeakMap<object, Remembered>();

  constructor(options: TokenSourceOptions) {
    this.file = options.file;
    this.log = options.log;
    this.pollMs = options.pollMs ?? 2000;
    this.fromEnv = options.tokens.map(digest);
    this.digests = this.fromEnv;
  }

  isAuthorized(header: string | undefined, connection?: object): boolean {
    const remembered = connection ? this.remembered.get(connection) : undefined;
    if (remembered && remembered.tokens === this.digests && remembered.header === header) return true;
    const token = tokenFromHeader(header);
    if (token === undefined) return false;
    const given = digest(token);
    // no early exit: the time taken does not tell which token (or whether any) matched
    let ok = false;
    for (const d of this.digests) ok = timingSafeEqual(given, d) || ok;
    if (ok && connection && header !== undefined)
      this.remembered.set(connection, { header, tokens: this.digests });
    return ok;
  }

  count(): number {
    return this.digests.length;
  }

  async start(): Promise<void> {
    if (!this.file) return;
    try {
      await this.readAndAdopt(this.file);
    } catch (cause) {
      throw new AppError('CONFIG_INVALID', `read SD_BEARER_TOKEN_FILE ${this.file}: ${String(cause)}`, {
        cause,
      });
    }
    this.timer = setInterval(() => {
      void this.refresh();
    }, this.pollMs);
    this.timer.unref();
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.refreshOnce().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async refreshOnce(): Promise<void> {
    if (!this.file) return;
    try {
      await this.readAndAdopt(this.file);
    } catch (err) {
      this.log.warn({ err, file: this.file }, 'bearer token file unreadable, keeping the previous tokens');
    }
  }

  private async readAndAdopt(path: string): Promise<void> {
    const read = await this.readTokens(path);
    if (read) this.adopt(read);
  }

  /** The file's tokens, or undefined when it has not changed since it was last adopted. */
  private async readTokens(path: string): Promise<TokenFileRead | undefined> {
    const st = await stat(path);
    const version = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (version === this.fileVersion) return undefined;
    return { version, tokens: parseTokenFile(await readFile(path, 'utf8')) };
  }

  private adopt({ version, tokens }: TokenFileRead): void {
    const short = tokens.filter((t) => t.length < MIN_TOKEN_LENGTH).length;
    const valid = tokens.filter((t) => t.length >= MIN_TOKEN_LENGTH);
    if (short > 0)
      this.log.warn({ ignored: short }, 'bearer token file holds tokens shorter than 16 characters');
    this.digests = [...this.fromEnv, ...valid.map(digest)];
    this.fileVersion = version;
    this.log.info({ fileTokens: valid.length, envTokens: this.fromEnv.length }, 'bearer tokens loaded');
  }
}

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  return new BearerTokenSource(options);
}
