/**
 * What differs between stages, read from CDK context: the defaults live in `cdk.json`, and any of
 * them can be overridden on the command line (`npx cdk deploy -c stage=prod -c alarmEmail=…`).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

export interface StageSettings {
  /** `dev` is the only stage whose data may be destroyed with the stack. */
  readonly stage: string;
  readonly logRetention: RetentionDays;
  /** Where alarms are mailed; none when empty. */
  readonly alarmEmail: string | undefined;
  /** `POWERTOOLS_LOG_LEVEL` for every function. */
  readonly logLevel: string;
  /** X-Ray active tracing on every function. */
  readonly tracing: boolean;
  /** What happens to stateful resources (table, secret, keys, log groups) when the stack goes. */
  readonly removalPolicy: RemovalPolicy;
}

/** The stage whose stateful resources are destroyed with the stack. */
export const DISPOSABLE_STAGE = 'dev';

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'];

export function stageSettings(node: Node): StageSettings {
  const stage = text(node, 'stage') ?? DISPOSABLE_STAGE;
  if (!STAGE_PATTERN.test(stage)) throw new Error(`context stage=${stage}: use lower-case letters, digits and dashes (at most 20)`);

  const retentionDays = Number(text(node, 'logRetentionDays') ?? 30);
  const logRetention = Object.values(RetentionDays).find((days) => days === retentionDays);
  if (logRetention === undefined) throw new Error(`context logRetentionDays=${retentionDays} is not a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, …)`);

  const logLevel = (text(node, 'logLevel') ?? 'INFO').toUpperCase();
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`context logLevel=${logLevel}: use one of ${LOG_LEVELS.join(', ')}`);

  const alarmEmail = text(node, 'alarmEmail') || undefined;
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+$/.test(alarmEmail)) throw new Error(`context alarmEmail=${alarmEmail} is not an email address`);

  return {
    stage,
    logRetention: logRetention as RetentionDays,
    alarmEmail,
    logLevel,
    tracing: text(node, 'tracing') === 'true',
    removalPolicy: stage === DISPOSABLE_STAGE ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  };
}

/** Context from `cdk.json` keeps its JSON type; context from `-c key=value` is always a string. */
function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  return String(value).trim();
}
