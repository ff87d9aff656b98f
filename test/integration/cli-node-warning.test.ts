/**
 * The AWS SDK's Node-version warning (issue 16.5): the real CLI entry point (`src/cli.ts` run as a script, the way
 * the image and `npm install -g` run it) against s3rver, with AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
 * unset, prints no warning on stderr. An explicit setting of the variable is left alone.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO } from '../helpers/publish-child.js';
import { S3RVER_CREDENTIALS, type S3rverHelper, startS3rver } from '../helpers/s3rver.js';

const test = suite<{ s3: S3rverHelper }>('cli: AWS SDK Node-version warning');

test.before(async (ctx) => {
  ctx.s3 = await startS3rver();
});
test.after(async (ctx) => {
  await ctx.s3.close();
});

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/cli.ts'), ...args], {
      cwd: REPO,
      // only what is given: the test runner's own AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED stays out
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const err: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString('utf8') }));
  });
}

function s3Env(ctx: { s3: S3rverHelper }): Record<string, string> {
  return {
    SD_STORE: `s3://${ctx.s3.bucket}/warning`,
    S3_ENDPOINT: ctx.s3.endpoint,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    SD_LOG_LEVEL: 'warn',
  };
}

test('an s3:// command prints no NodeVersionSupportWarning', async (ctx) => {
  const run = await runCli(['history'], s3Env(ctx));
  assert.is(run.code, 0, run.stderr);
  assert.not.match(run.stderr, /NodeVersionSupportWarning|AWS SDK for JavaScript/);
});

test('an explicit AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false is honoured', async (ctx) => {
  const run = await runCli(['history'], {
    ...s3Env(ctx),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false',
  });
  assert.is(run.code, 0, run.stderr);
  // the SDK warns only below its floor (Node 22); on a newer Node there is nothing to see
  if (Number(process.versions.node.split('.')[0]) < 22) assert.match(run.stderr, /NodeVersionSupportWarning/);
});

test.run();
