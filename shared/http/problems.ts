/**
 * Errors as RFC 9457 problem details. Every non-2xx answer of the service goes through here, so
 * the answer, the logs and the tests agree on one stable `type` per kind of problem.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

const titles: Record<string, string> = {
  'invalid-signature': 'Invalid signature',
  'invalid-payload': 'Invalid payload',
  'invalid-request': 'Invalid request',
  'payload-too-large': 'Payload too large',
  'not-a-member': 'Not signed in',
  'not-found': 'Not found',
  busy: 'Busy, try again',
  'insufficient-points': 'Not enough points',
  'rate-limited': 'Too many requests',
  'unknown-reward': 'No such reward',
  'program-inactive': 'Program not active',
  internal: 'Internal error',
};

export function problemType(type: string): string {
  return `https://loyalty.dev/problems/${type}`;
}

export function problem(c: Context, status: ContentfulStatusCode, type: string, detail: string, extensions: Record<string, unknown> = {}): Response {
  const body: Problem = { type: problemType(type), title: titles[type] ?? type, status, detail, ...extensions };
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json' });
}

/** Thrown anywhere inside a handler; `app.onError` turns it into the answer. */
export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}
