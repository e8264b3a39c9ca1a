/**
 * `npm start` as a user runs it: a real process with its own DynamoDB Local, the listening line,
 * the sample-webhook script, and data kept across a restart in LOYALTY_DATA_DIR; a port in use;
 * and no Java left behind once it stops.
 *
 * Each server is started in its own process group (`detached`), so "what did it leave behind" is
 * simply "what is left in that group" (DynamoDB Local's Java joins its parent's group).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_API_KEY, DEV_API_SECRET } from '../../local/config.ts';
import { sessionToken } from '../support/http.ts';

const running: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'loyalty-data-'));
afterAll(() => {
  for (const child of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function freePortish(): number {
  return 20000 + Math.floor(Math.random() * 20000);
}

/** The processes still in a process group, as `ps` lists them (none once all have ended). */
function processesInGroup(group: number): string[] {
  const ps = spawnSync('ps', ['-eo', 'pgid=,stat=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pgid, stat]) => Number(pgid) === group && !stat?.startsWith('Z'))
    .map((fields) => fields.slice(2).join(' '));
}

const isJava = (command: string) => command.includes('DynamoDBLocal.jar');

/** Waits until nothing of a process group is left, or gives up and answers what is. */
async function groupLeft(group: number, withinMs = 15_000): Promise<string[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const left = processesInGroup(group);
    if (!left.length || Date.now() > until) return left;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts the server as `npm start` does (or through npm itself) and resolves with its printed output once it listens. */
function start(env: Record<string, string>, options: { viaNpm?: boolean } = {}): Promise<{ child: ChildProcess; output: string; port: number }> {
  const port = freePortish();
  const [command, args] = options.viaNpm ? ['npm', ['start']] : [process.execPath, ['--import', 'tsx', 'local/main.ts']];
  const child = spawn(command as string, args as string[], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
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

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
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
    expect(server.output).not.toContain('NodeVersionSupportWarning');
    expect(processesInGroup(server.child.pid!).filter(isJava)).toHaveLength(1);
    // Ctrl-C: SIGINT stops DynamoDB Local too.
    expect(await stop(server.child, 'SIGINT')).toBe(0);
    expect(await groupLeft(server.child.pid!)).toEqual([]);
  });

  it('stops DynamoDB Local when npm start gets SIGTERM', async () => {
    const server = await start({ LOYALTY_IN_MEMORY: '1' }, { viaNpm: true });
    const group = server.child.pid!;
    expect(processesInGroup(group).filter(isJava)).toHaveLength(1);
    await stop(server.child, 'SIGTERM');
    expect(await groupLeft(group)).toEqual([]);
  });

  it('says in one line that the port is in use, and starts no Java', async () => {
    const taken: Server = createServer();
    const port = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
        env: { ...process.env, LOYALTY_IN_MEMORY: '1', PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      running.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toBe(`port ${port} is in use: set PORT to another port (for example PORT=${port + 1})\n`);
      expect(await groupLeft(child.pid!, 2_000)).toEqual([]);
    } finally {
      taken.close();
    }
  });

  it('earns points from the sample webhook and keeps them across a restart', async () => {
    const env = { LOYALTY_DATA_DIR: dataDir, LOYALTY_IN_MEMORY: '', SHOPIFY_API_SECRET: 'restart-secret', LOYALTY_NOW: '2026-03-01T12:00:00Z' };
    const first = await start(env);
    const sent = sendSample(first.port, env);
    expect(sent.status, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('customer 777 now has 120 points, tier Bronze');
    // The figures follow the change stream, read by the server itself: they appear within a second or so.
    const token = await sessionToken({ shop: 'demo-shop.myshopify.com', at: new Date('2026-03-01T12:00:00Z'), secret: 'restart-secret', aud: DEV_API_KEY });
    const orders = async () => {
      const response = await fetch(`http://127.0.0.1:${first.port}/admin/kpis?from=2026-03-01&to=2026-03-01`, { headers: { authorization: `Bearer ${token}` } });
      return ((await response.json()) as { orders?: number }).orders;
    };
    const deadline = Date.now() + 15_000;
    while ((await orders()) !== 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await orders()).toBe(1);
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
