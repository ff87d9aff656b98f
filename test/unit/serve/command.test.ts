import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serveCommand } from '../../../src/serve/command.js';
import { runCommand } from '../../helpers/run-command.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-serve-cmd-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The AppError code the CLI reports on stderr (`confluent-sd <cmd>: CODE: message`), with the exit code. */
const errorCode = async (p: ReturnType<typeof runCommand>) => {
  const r = await p;
  return `${r.code} ${/: ([A-Z_]+): /.exec(r.stderr)?.[1] ?? 'none'}`;
};

test('refuses to start without a token unless SD_AUTH=off', async () => {
  await withDir(async (dir) => {
    const env = { SD_STORE: `file:${dir}`, SD_LISTEN: '127.0.0.1:0' };
    assert.is(await errorCode(runCommand(serveCommand, [], env)), '2 CONFIG_INVALID');
    const empty = path.join(dir, 'token');
    await writeFile(empty, '# no token yet\n');
    assert.is(
      await errorCode(runCommand(serveCommand, [], { ...env, SD_BEARER_TOKEN_FILE: empty })),
      '2 CONFIG_INVALID',
    );
    assert.is(await errorCode(runCommand(serveCommand, ['--port', '1'], env)), '2 USAGE');
  });
});

test('SD_AUTH=off starts (with a warning), listens, and stops with 0 when aborted', async () => {
  await withDir(async (dir) => {
    const controller = new AbortController();
    controller.abort();
    const r = await runCommand(
      serveCommand,
      [],
      { SD_STORE: `file:${dir}`, SD_LISTEN: '127.0.0.1:0', SD_AUTH: 'off', SD_WORKERS: '1' },
      { signal: controller.signal },
    );
    assert.is(r.code, 0);
    assert.equal(
      // fastify adds its own "Server listening at …"
      r.logs.map((l) => l.msg).filter((m) => !String(m).startsWith('Server listening at')),
      [
        'SD_AUTH=off: every endpoint is open without a token',
        'server listening',
        'server shutting down',
        'server stopped',
      ],
    );
    const listening = r.logs.find((l) => l.msg === 'server listening')!;
    assert.is(listening.address, '127.0.0.1');
    assert.is(listening.store, `file:${dir}`);
  });
});

test.run();
