/** The local server's settings, from the environment, as the contract names them. */
import { fixedClock, systemClock, type Clock } from '../shared/clock.ts';

/** Fixed development credentials, printed at start-up; never used when the variables are set. */
export const DEV_API_SECRET = 'dev-shopify-api-secret';
export const DEV_API_KEY = 'dev-shopify-api-key';

export interface LocalConfig {
  port: number;
  apiSecret: string;
  apiKey: string;
  dataDir: string;
  inMemory: boolean;
  dynamodbEndpoint?: string;
  tableName: string;
  clock: Clock;
  nowFixed?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT is not a port number: ${env.PORT}`);
  return {
    port,
    apiSecret: env.SHOPIFY_API_SECRET || DEV_API_SECRET,
    apiKey: env.SHOPIFY_API_KEY || DEV_API_KEY,
    dataDir: env.LOYALTY_DATA_DIR || '.data',
    inMemory: env.LOYALTY_IN_MEMORY === '1' || env.LOYALTY_IN_MEMORY === 'true',
    ...(env.DYNAMODB_ENDPOINT ? { dynamodbEndpoint: env.DYNAMODB_ENDPOINT } : {}),
    tableName: env.LOYALTY_TABLE || 'loyalty',
    clock: env.LOYALTY_NOW ? fixedClock(env.LOYALTY_NOW) : systemClock,
    ...(env.LOYALTY_NOW ? { nowFixed: env.LOYALTY_NOW } : {}),
  };
}

/**
 * Where the helper scripts (send-sample-webhook, run-job) find the running service: `--port N`
 * when given, else LOYALTY_URL, else PORT (default 3000), as `npm start` reads it.
 */
export function serviceUrl(portOption: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (portOption !== undefined) {
    const port = Number(portOption);
    if (!/^[0-9]+$/.test(portOption) || port < 1 || port > 65535) throw new Error(`--port is not a port number: ${portOption}`);
    return `http://127.0.0.1:${port}`;
  }
  return env.LOYALTY_URL ?? `http://127.0.0.1:${loadConfig(env).port}`;
}

/** The help line every helper script ends with: where it sends its requests. */
export const PORT_HELP = '  --port N     the port `npm start` listens on; without it PORT is read (default 3000), or LOYALTY_URL for another address';
