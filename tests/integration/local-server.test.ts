/**
 * `npm start` as a user runs it: a real process with its own DynamoDB Local, the listening line,
 * the sample-webhook script, and data kept across a restart in LOYALTY_DATA_DIR.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_API_KEY, DEV_API_SECRET } from '../../local/config.ts';

const running: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'loyalty-data-'));
afterAll(() => {
  for (const child of running) child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

function freePortish(): number {
  return 20000 + Math.floor(Math.random() * 20000);
}

/** Starts the server as `npm start` does and resolves with its printed output once it listens. */
function start(env: Record<string, string>): Promise<{ child: ChildProcess; output: string; port: number }> {
  const port = freePortish();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no listening line in time:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`listening on http://127.0.0.1:${port}`)) {
        clearTimeout(timer);
        setTimeout(() => resolve({ child, output, port }), 50);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function sendSample(port: number, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'local/send-sample-webhook.ts', '--customer', '777', '--amount', '120.00'], {
    env: { ...process.env, ...env, PORT: String(port) },
    encoding: 'utf8',
  });
}

// Each test starts real processes (Node and DynamoDB Local's JVM): slow on a busy 2-core machine.
describe('npm start', { timeout: 120_000 }, () => {
  it('prints the listening line, the development secret and key, and answers /health', async () => {
    const server = await start({ LOYALTY_IN_MEMORY: '1', SHOPIFY_API_SECRET: '', SHOPIFY_API_KEY: '' });
    expect(server.output).toContain(DEV_API_SECRET);
    expect(server.output).toContain(DEV_API_KEY);
    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(200);
    await stop(server.child);
  });

  it('earns points from the sample webhook and keeps them across a restart', async () => {
    const env = { LOYALTY_DATA_DIR: dataDir, LOYALTY_IN_MEMORY: '', SHOPIFY_API_SECRET: 'restart-secret', LOYALTY_NOW: '2026-03-01T12:00:00Z' };
    const first = await start(env);
    const sent = sendSample(first.port, env);
    expect(sent.status, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('customer 777 now has 120 points, tier Bronze');
    await stop(first.child);

    const second = await start(env);
    const again = sendSample(second.port, env);
    expect(again.stdout).toContain('customer 777 now has 240 points');
    await stop(second.child);
  });

  it('says clearly, without a stack trace, that Java is missing', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      env: { ...process.env, PATH: '/nonexistent', LOYALTY_IN_MEMORY: '1', PORT: String(freePortish()) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DynamoDB Local needs Java 17 or newer');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
