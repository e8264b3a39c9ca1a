/**
 * The cost of a million orders on AWS, us-east-1, from what the benchmark measured per order and
 * per aggregator batch, at public prices (`billing.ts`). Free tiers are left out.
 */
import { PRICES } from './billing.ts';

/** The stack's default memory for every function (infra/loyalty-function.ts). */
export const LAMBDA_GB = 0.5;
/** SendMessage within a region; the receiver waits for it. An assumption, not measured here. */
export const SQS_SEND_MS = 20;
/**
 * A cold start's INIT phase, billed like the invocation since 1 August 2025: module load
 * (`bench/bundles.ts` measures 100–200 ms on this machine) and the runtime's own start. Assumed.
 */
export const INIT_MS = 250;
/** An aggregator invocation whose records move no figure (its own writes, coming back): assumed. */
export const ECHO_MS = 2;

export interface PerOrder {
  /** Write units of the webhook's own transaction (and any other write on its path). */
  writeUnits: number;
  readUnits: number;
  /** Write units of one aggregator batch: the mark and the figure items. */
  batchWriteUnits: number;
  ordersPerBatch: number;
  receiverMs: number;
  processorMs: number;
  /** One aggregator invocation with figures to write. */
  aggregatorMs: number;
  /**
   * Whether the aggregator's own writes (mark, figures) come back on the stream as a batch of their
   * own, costing one more (empty) invocation; not so when batches are shared with other records.
   */
  echo: boolean;
  /** Cold starts per order (receiver, processor, aggregator); each bills INIT_MS. */
  coldStarts: number;
}

const perMillion = (n: number) => n * 1e6;
const gbSeconds = (ms: number) => (LAMBDA_GB * ms) / 1000;

export function costOfAMillion(order: PerOrder): { lines: [string, number][]; total: number } {
  const batches = 1 / order.ordersPerBatch;
  const aggregatorCalls = batches * (order.echo ? 2 : 1);
  const aggregatorMs = batches * (order.aggregatorMs + (order.echo ? ECHO_MS : 0));
  const figureUnits = order.batchWriteUnits * batches;
  const f = (n: number) => (n >= 10 ? n.toFixed(0) : n.toFixed(1));
  const lines: [string, number][] = [
    ['API Gateway HTTP API (1 request)', perMillion(PRICES.httpApiRequest)],
    [`Lambda requests (receiver, processor, aggregator ×${aggregatorCalls.toFixed(2)})`, perMillion((2 + aggregatorCalls) * PRICES.lambdaRequest)],
    [`Lambda duration (512 MB arm64; ${f(order.receiverMs)} + ${f(order.processorMs)} + ${f(aggregatorMs)} ms)`, perMillion(gbSeconds(Math.ceil(order.receiverMs) + Math.ceil(order.processorMs) + aggregatorMs) * PRICES.lambdaArmGbSecond)],
    ...(order.coldStarts ? [[`Lambda INIT (${order.coldStarts} cold starts × ${INIT_MS} ms)`, perMillion(gbSeconds(order.coldStarts * INIT_MS) * PRICES.lambdaArmGbSecond)] as [string, number]] : []),
    ['SQS (send, receive, delete)', perMillion(3 * PRICES.sqsRequest)],
    [`DynamoDB writes (${f(order.writeUnits)} WRU + figures ${f(figureUnits)} WRU)`, perMillion((order.writeUnits + figureUnits) * PRICES.dynamoWriteUnit)],
    [`DynamoDB reads (${f(order.readUnits)} RRU)`, perMillion(order.readUnits * PRICES.dynamoReadUnit)],
  ];
  return { lines, total: lines.reduce((sum, [, cost]) => sum + cost, 0) };
}

export const money = (n: number) => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(3)}`);
