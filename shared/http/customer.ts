/** `/customer/*`: the customer account extension's routes (see the contract, "Customer accounts"). */
import { Hono } from 'hono';
import type { ApiDeps } from './deps.ts';

export function customerRoutes(_deps: ApiDeps) {
  return new Hono();
}
