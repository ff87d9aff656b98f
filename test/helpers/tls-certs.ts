/**
 * Certificates for the TLS tests, made by the `openssl` CLI (.ci/run installs it) into a temp dir: a CA, server
 * certificates for 127.0.0.1/localhost and client certificates signed by it. EC P-256, valid for two days.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = confluent-sd test
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
`;

export interface CertFiles {
  cert: string;
  key: string;
}

export interface TestCa extends CertFiles {
  /** A server (`server`) or client (`client`) certificate signed by this CA, written as `<name>.crt`/`.key`. */
  issue(name: string, kind: 'server' | 'client'): Promise<CertFiles>;
}

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
let serial = Date.now();

/** A new CA in `dir` named `name` (files `<name>.crt`, `<name>.key`). */
export async function createTestCa(dir: string, name: string): Promise<TestCa> {
  const config = path.join(dir, 'openssl.cnf');
  await writeFile(config, CONFIG);
  const ca: CertFiles = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  await run('openssl', [
    'req',
    '-x509',
    '-config',
    config,
    '-extensions',
    'ca',
    ...NEW_KEY,
    '-keyout',
    ca.key,
    '-out',
    ca.cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  ]);
  return {
    ...ca,
    async issue(leaf, kind) {
      const out: CertFiles = { cert: path.join(dir, `${leaf}.crt`), key: path.join(dir, `${leaf}.key`) };
      const csr = path.join(dir, `${leaf}.csr`);
      await run('openssl', [
        'req',
        '-new',
        '-config',
        config,
        ...NEW_KEY,
        '-keyout',
        out.key,
        '-out',
        csr,
        '-subj',
        `/CN=${leaf}`,
      ]);
      serial += 1;
      await run('openssl', [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        ca.cert,
        '-CAkey',
        ca.key,
        '-set_serial',
        String(serial),
        '-days',
        '2',
        '-extfile',
        config,
        '-extensions',
        kind,
        '-out',
        out.cert,
      ]);
      return out;
    },
  };
}

/** The SHA-256 fingerprint of a PEM certificate file, as `X509Certificate.fingerprint256` writes it. */
export async function fingerprintOf(certFile: string): Promise<string> {
  return new X509Certificate(await readFile(certFile)).fingerprint256;
}

export type TlsAnswer = { status: number; body: string; fingerprint256: string } | { error: string };

/** One GET over a new TLS connection trusting `ca`, with a client certificate when given; never throws. */
export async function tlsGet(url: string, ca: string, client?: CertFiles): Promise<TlsAnswer> {
  const { request } = await import('node:https');
  const options = {
    ca: await readFile(ca),
    ...(client ? { cert: await readFile(client.cert), key: await readFile(client.key) } : {}),
    agent: false as const,
  };
  return new Promise((resolve) => {
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      const socket = res.socket as import('node:tls').TLSSocket;
      const fingerprint256 = socket.getPeerCertificate().fingerprint256;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          fingerprint256,
        }),
      );
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}
