/** `/flow/*`: Shopify Flow's action requests (the "adjust points" action). */
import { Hono } from 'hono';
import type { ApiDeps } from './deps.ts';

export function flowRoutes(_deps: ApiDeps) {
  return new Hono();
}
