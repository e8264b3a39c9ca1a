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
  /** Schedules that replace a job's own, by job name (`{ "Remind": "cron(0 8 * * ? *)" }`); none by default. */
  readonly jobSchedules: Readonly<Record<string, string>>;
  /**
   * The SES identity (verified address, or an address of a verified domain) customer mail goes
   * from: `SES_SENDER_EMAIL`. Required on every stage but `dev`, where none means no mail is sent.
   */
  readonly sesSenderEmail: string | undefined;
  /** An SES configuration set for the mail (bounces, complaints): `SES_CONFIGURATION_SET`; optional. */
  readonly sesConfigurationSet: string | undefined;
}

/** The stage whose stateful resources are destroyed with the stack. */
export const DISPOSABLE_STAGE = 'dev';

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'];
const JOB_NAME_PATTERN = /^[A-Z][A-Za-z0-9]*$/;
/** EventBridge Scheduler's three forms; Scheduler itself checks the fields inside. */
const SCHEDULE_PATTERN = /^(rate|cron|at)\(.+\)$/;
/** An address SES can send from: a local part, `@`, and a domain with a dot. */
const EMAIL_PATTERN = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const CONFIGURATION_SET_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

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

  const sesSenderEmail = text(node, 'sesSenderEmail') || undefined;
  if (sesSenderEmail === undefined && stage !== DISPOSABLE_STAGE) {
    throw new Error(`context sesSenderEmail is not set: stage ${stage} mails customers (reminders, win-back), so name the SES-verified sender (-c sesSenderEmail=loyalty@yourstore.com); only the ${DISPOSABLE_STAGE} stage may leave it empty and send no mail`);
  }
  if (sesSenderEmail !== undefined && !EMAIL_PATTERN.test(sesSenderEmail)) throw new Error(`context sesSenderEmail=${sesSenderEmail} is not an e-mail address SES can send from (like loyalty@yourstore.com)`);
  const sesConfigurationSet = text(node, 'sesConfigurationSet') || undefined;
  if (sesConfigurationSet !== undefined && !CONFIGURATION_SET_PATTERN.test(sesConfigurationSet)) throw new Error(`context sesConfigurationSet=${sesConfigurationSet}: an SES configuration set name is 1 to 64 letters, digits, _ and -`);

  return {
    stage,
    logRetention: logRetention as RetentionDays,
    alarmEmail,
    logLevel,
    tracing: text(node, 'tracing') === 'true',
    removalPolicy: stage === DISPOSABLE_STAGE ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    jobSchedules: jobSchedules(node),
    sesSenderEmail,
    sesConfigurationSet,
  };
}

/** An object in `cdk.json`; a JSON string on the command line (`-c 'jobSchedules={"Remind":"cron(0 8 * * ? *)"}'`). */
function jobSchedules(node: Node): Record<string, string> {
  let value: unknown = node.tryGetContext('jobSchedules');
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new Error(`context jobSchedules=${value} is not JSON: use an object of job name to schedule expression`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('context jobSchedules: use an object of job name to schedule expression');
  const schedules: Record<string, string> = {};
  for (const [name, expression] of Object.entries(value)) {
    if (!JOB_NAME_PATTERN.test(name)) throw new Error(`context jobSchedules: "${name}" is not a job name (PascalCase, as in SCHEDULED_JOBS)`);
    if (typeof expression !== 'string' || !SCHEDULE_PATTERN.test(expression.trim())) {
      throw new Error(`context jobSchedules.${name}=${JSON.stringify(expression)}: use rate(…), cron(…) or at(…)`);
    }
    schedules[name] = expression.trim();
  }
  return schedules;
}

/** Context from `cdk.json` keeps its JSON type; context from `-c key=value` is always a string. */
function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  return String(value).trim();
}
