/**
 * TLS of the server from SD_WEB_CONFIG_FILE (web-config.ts): the certificate, key and client CA read into one
 * secure context, and read again when one of the files changes, so a cert-manager rotation needs no restart.
 *
 * A change is seen by polling each file's real path and stat: Kubernetes updates a mounted Secret by swapping the
 * `..data` symbolic link of the directory, so the path stays and its real path moves. A changed set is adopted
 * (`server.setSecureContext`, for new connections) only when it loads as a pair; otherwise the old certificate is
 * kept and a warning logged once per change. A certificate and key written one after the other are caught up at
 * the next poll that sees them both.
 *
 * Client certificates as exporter-toolkit's `client_auth_type` (Go's `tls.ClientAuthType`): Node verifies or not
 * (`rejectUnauthorized`), it cannot require a certificate without verifying it, nor refuse only a certificate
 * that fails verification; those two are enforced once the handshake is done, by closing the connection.
 */
import { X509Certificate } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { Server as HttpsServer } from 'node:https';
import { createSecureContext, type SecureContextOptions, type TLSSocket, type TlsOptions } from 'node:tls';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ClientAuthType, WebTlsConfig } from './web-config.js';

export interface TlsServing {
  readonly config: WebTlsConfig;
  /** The options of `https.createServer`: the current certificate and the client-certificate policy. */
  serverOptions(): TlsOptions;
  /** Enforces the client policy on the server and polls the files every `pollMs` until every server closed. */
  attach(server: HttpsServer): void;
  /** Checks the files once and adopts a changed, usable set (the poll calls it; so can a test). */
  check(): Promise<void>;
}

interface Loaded {
  /** Real path and stat of every file: changes whenever one of them is replaced or rewritten. */
  version: string;
  options: SecureContextOptions;
  /** What the log says about the certificate: never the key. */
  about: { subject: string; notAfter: string; fingerprint256: string };
}

const POLICY: Record<ClientAuthType, { requestCert: boolean; rejectUnauthorized: boolean }> = {
  NoClientCert: { requestCert: false, rejectUnauthorized: false },
  RequestClientCert: { requestCert: true, rejectUnauthorized: false },
  RequireAnyClientCert: { requestCert: true, rejectUnauthorized: false },
  VerifyClientCertIfGiven: { requestCert: true, rejectUnauthorized: false },
  RequireAndVerifyClientCert: { requestCert: true, rejectUnauthorized: true },
};

function filesOf(config: WebTlsConfig): string[] {
  return [config.certFile, config.keyFile, ...(config.clientCaFile ? [config.clientCaFile] : [])];
}

async function versionOf(files: string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (file) => {
      const real = await realpath(file);
      const st = await stat(real);
      return `${real}:${st.ino}:${st.size}:${st.mtimeMs}`;
    }),
  );
  return parts.join('|');
}

/** Reads the files and builds the context once, which fails on a key that does not match the certificate. */
async function loadFiles(config: WebTlsConfig): Promise<Loaded> {
  const version = await versionOf(filesOf(config));
  const [cert, key, ca] = await Promise.all([
    readFile(config.certFile),
    readFile(config.keyFile),
    config.clientCaFile ? readFile(config.clientCaFile) : undefined,
  ]);
  const options: SecureContextOptions = {
    cert,
    key,
    ...(ca ? { ca } : {}),
    minVersion: config.minVersion,
    ...(config.maxVersion ? { maxVersion: config.maxVersion } : {}),
  };
  createSecureContext(options);
  const x509 = new X509Certificate(cert);
  return {
    version,
    options,
    about: { subject: x509.subject, notAfter: x509.validTo, fingerprint256: x509.fingerprint256 },
  };
}

/** A connection the policy refuses after the handshake Node let through; undefined when it may go on. */
function refusal(type: ClientAuthType, socket: TLSSocket): string | undefined {
  const cert = socket.getPeerCertificate();
  const given = cert !== null && Object.keys(cert).length > 0;
  if (type === 'RequireAnyClientCert' && !given) return 'no client certificate';
  if (type === 'VerifyClientCertIfGiven' && given && !socket.authorized)
    return `client certificate not verified: ${String(socket.authorizationError)}`;
  return undefined;
}

class ReloadingTls implements TlsServing {
  private checking: Promise<void> | undefined;
  private seen: string;
  /** Several when fastify binds a second address (`localhost`: 127.0.0.1 and ::1), each made by serverFactory. */
  private readonly servers = new Set<HttpsServer>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly config: WebTlsConfig,
    private current: Loaded,
    private readonly log: Logger,
    private readonly pollMs: number,
  ) {
    this.seen = current.version;
  }

  serverOptions(): TlsOptions {
    return { ...this.current.options, ...POLICY[this.config.clientAuthType] };
  }

  attach(server: HttpsServer): void {
    this.servers.add(server);
    const type = this.config.clientAuthType;
    server.on('secureConnection', (socket: TLSSocket) => {
      const why = refusal(type, socket);
      if (why === undefined) return;
      this.log.debug({ remoteAddress: socket.remoteAddress, reason: why }, 'tls connection refused');
      socket.destroy();
    });
    server.on('tlsClientError', (err, socket) => {
      this.log.debug({ remoteAddress: socket.remoteAddress, reason: err.message }, 'tls handshake failed');
    });
    server.once('close', () => {
      this.servers.delete(server);
      if (this.servers.size === 0) clearInterval(this.timer);
    });
    if (this.servers.size > 1) return;
    this.timer = setInterval(() => void this.check(), this.pollMs);
    this.timer.unref();
  }

  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    const version = await versionOf(filesOf(this.config)).catch(() => this.seen);
    if (version === this.seen) return;
    this.seen = version;
    try {
      const loaded = await loadFiles(this.config);
      this.seen = loaded.version;
      for (const server of this.servers) server.setSecureContext(loaded.options);
      this.current = loaded;
      this.log.info({ certFile: this.config.certFile, ...loaded.about }, 'tls certificate reloaded');
    } catch (err) {
      this.log.warn(
        { certFile: this.config.certFile, keyFile: this.config.keyFile, reason: (err as Error).message },
        'tls certificate files changed but cannot be used, keeping the previous certificate',
      );
    }
  }
}

/** Loads the certificate once (CONFIG_INVALID when the files do not make a usable pair). */
export async function loadTls(config: WebTlsConfig, log: Logger, pollMs: number): Promise<TlsServing> {
  let loaded: Loaded;
  try {
    loaded = await loadFiles(config);
  } catch (err) {
    throw new AppError(
      'CONFIG_INVALID',
      `SD_WEB_CONFIG_FILE: cert_file ${config.certFile} with key_file ${config.keyFile} cannot be used: ${(err as Error).message}`,
      { cause: err },
    );
  }
  log.info(
    { clientAuthType: config.clientAuthType, minVersion: config.minVersion, ...loaded.about },
    'tls enabled',
  );
  return new ReloadingTls(config, loaded, log, pollMs);
}
