/** What a storefront door (the App Proxy, the customer account token) tells the member routes. */
import type { Shop } from '../store/ports.ts';

export type MemberEnv = { Variables: { shop: Shop; customerId: string | undefined; now: Date } };
