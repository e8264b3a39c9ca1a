/**
 * A fault-injecting HTTP proxy on loopback between a DynamoDB client and DynamoDB Local. For each
 * call it asks its plan what to do: pass it on, answer as DynamoDB answers under pressure
 * (throttling, a transaction conflict, a 500), drop the connection before or after DynamoDB Local
 * has the call (after: the write happened, the client never hears of it), or hold the call
 * unanswered, so a test can kill the process that made it.
 */
import { createServer, request as upstreamRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | 'throttle'
  | 'provisioned-throughput'
  | 'transaction-conflict'
  | 'internal-error'
  | 'drop-before'
  | 'drop-after'
  | 'hold-before'
  | 'hold-after';

export interface Call {
  /** The DynamoDB operation, from `X-Amz-Target`: `TransactWriteItems`, `BatchGetItem`, … */
  operation: string;
  /** The n-th call of this operation through the proxy, from 1. */
  n: number;
  body: Record<string, unknown>;
}

export interface FaultProxy {
  endpoint: string;
  /** What to do with a call: a fault, or undefined to pass it on. */
  plan: (call: Call) => Fault | undefined;
  /** Faults injected so far, by kind and operation (`drop-after TransactWriteItems`). */
  injected: Map<string, number>;
  /** Called when a call is being held. */
  onHold?: (call: Call) => void;
  close(): Promise<void>;
}

const JSON_10 = 'application/x-amz-json-1.0';
const PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/** An error answer in DynamoDB's JSON protocol, as the SDK parses it (`__type`, then the members). */
function answerError(response: ServerResponse, status: number, type: string, members: Record<string, unknown>): void {
  const body = JSON.stringify({ __type: `${PREFIX}${type}`, ...members });
  response.writeHead(status, { 'content-type': JSON_10, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': `fault-${Date.now()}` });
  response.end(body);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startFaultProxy(target: string, plan: FaultProxy['plan'] = () => undefined): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts = new Map<string, number>();
  const held = new Set<ServerResponse>();
  const proxy = { plan, injected: new Map<string, number>() } as FaultProxy;

  const forward = (request: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const call = upstreamRequest(
        { host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: { ...request.headers, host: upstream.host }, agent },
        (answer) => readBody(answer).then((data) => resolve({ status: answer.statusCode ?? 500, headers: answer.headers, body: data }), reject),
      );
      call.on('error', reject);
      call.end(body);
    });

  const server: Server = createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      const operation = String(request.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      const n = (counts.get(operation) ?? 0) + 1;
      counts.set(operation, n);
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        // not JSON: passed on as it is
      }
      const call: Call = { operation, n, body: parsed };
      const fault = proxy.plan(call);
      if (fault) proxy.injected.set(`${fault} ${operation}`, (proxy.injected.get(`${fault} ${operation}`) ?? 0) + 1);
      switch (fault) {
        case 'throttle':
          return answerError(response, 400, 'ThrottlingException', { message: 'Rate of requests exceeds the allowed throughput.' });
        case 'provisioned-throughput':
          return answerError(response, 400, 'ProvisionedThroughputExceededException', {
            message: 'The level of configured provisioned throughput for the table was exceeded.',
          });
        case 'transaction-conflict': {
          // One reason per item of the transaction, as DynamoDB gives them; the first item conflicted.
          const items = Array.isArray(parsed.TransactItems) ? parsed.TransactItems.length : 1;
          const reasons = Array.from({ length: items }, (_, i) =>
            i === 0 ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' },
          );
          return answerError(response, 400, 'TransactionCanceledException', {
            Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
            CancellationReasons: reasons,
          });
        }
        case 'internal-error':
          return answerError(response, 500, 'InternalServerError', { message: 'Internal server error' });
        case 'drop-before':
          request.socket.destroy();
          return;
        case 'hold-before':
          held.add(response);
          proxy.onHold?.(call);
          return;
      }
      const answer = await forward(request, body);
      if (fault === 'drop-after') {
        request.socket.destroy();
        return;
      }
      if (fault === 'hold-after') {
        held.add(response);
        proxy.onHold?.(call);
        return;
      }
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
    } catch (error) {
      request.socket.destroy(error as Error);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      for (const response of held) response.socket?.destroy();
      server.closeAllConnections();
      agent.destroy();
      server.close(() => resolve());
    });
  return proxy;
}

/** Faults drawn at a fixed rate from a seeded generator, so a storm can be replayed. */
export function seededStorm(seed: number, rate: number, faults: Fault[], operations?: string[]): (call: Call) => Fault | undefined {
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
  return (call) => {
    if (operations && !operations.includes(call.operation)) return undefined;
    if (next() >= rate) return undefined;
    return faults[Math.floor(next() * faults.length)];
  };
}
