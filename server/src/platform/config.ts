import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

/** Everything Shuiwu reads from its environment, parsed once at start. */
export interface Config {
  port: number;
  host: string;
  /** Folder of the embedded PGlite database; used when no DATABASE_URL is given. */
  dataDir: string;
  /** PostgreSQL server URL; when set, the embedded database is not used. */
  databaseUrl: string | undefined;
  /**
   * Connections this process keeps to the PostgreSQL server. More than the server's cores can run at once
   * does not serve more: measured on 2 cores at 1,000 requests/s offered, 20 connections cost PostgreSQL
   * 9.6 ms of CPU per service request against 3.4 ms with 5 (bench/RESULTS.md), contending for the same rows.
   */
  databasePoolSize: number;
  /**
   * Requests are refused with 503 (Retry-After) while more transactions than this wait for a database
   * connection: past the database's capacity a queue only grows, and every request in it would wait tens of
   * seconds (measured at 1,000 creations/s offered on 2 cores: a 50 s median). Health checks always pass.
   */
  databaseQueueLimit: number;
  /** 32-byte key for personal-data encryption and blind indexes. */
  secretKey: Buffer;
  /** Cookies get the Secure flag (behind HTTPS). */
  secureCookies: boolean;
  staffSessionIdleMinutes: number;
  staffSessionAbsoluteHours: number;
  portalSessionIdleMinutes: number;
  portalSessionAbsoluteHours: number;
  logLevel: string;
  /** MQTT broker of remote meters (e.g. mqtt://127.0.0.1:1883); readings are subscribed to when set. */
  mqttUrl: string | undefined;
  /**
   * A stable MQTT client id for this process (unique per process: e.g. `shuiwu-serve-1`, `shuiwu-worker-2`):
   * its broker sessions then persist, so messages not yet acknowledged when it stops are delivered again
   * when it comes back. Unset: random ids and clean sessions (the shared group's other members take over).
   */
  mqttClientId: string | undefined;
  /** Logins and SMS-code requests allowed per client address per minute. */
  loginRateLimitPerMinute: number;
  /** The origin customers and payment channels reach this server at (notification and return URLs); default http://HOST:PORT. */
  publicUrl: string | undefined;
  /** JSON file naming each utility's WeChat Pay and Alipay merchants (docs/PAYMENTS.md); without it the payment simulator stands in. */
  paymentConfigFile: string | undefined;
}

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  SHUIWU_DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z.string().url().optional(),
  SHUIWU_DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  SHUIWU_DB_QUEUE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(200),
  SHUIWU_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'SHUIWU_SECRET_KEY must be 64 hexadecimal characters (32 bytes)')
    .optional(),
  SHUIWU_SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  SHUIWU_STAFF_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  SHUIWU_STAFF_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  SHUIWU_PORTAL_IDLE_MINUTES: z.coerce.number().int().positive().default(60 * 24 * 7),
  SHUIWU_PORTAL_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(24 * 30),
  SHUIWU_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUIWU_MQTT_URL: z.string().regex(/^mqtts?:\/\/.+/, 'SHUIWU_MQTT_URL must be an mqtt:// or mqtts:// URL').optional(),
  SHUIWU_MQTT_CLIENT_ID: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'SHUIWU_MQTT_CLIENT_ID: 1–40 letters, digits, - or _').optional(),
  SHUIWU_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(20),
  SHUIWU_PUBLIC_URL: z.string().regex(/^https?:\/\/[^/]+$/, 'SHUIWU_PUBLIC_URL must be an origin such as https://water.example.cn (no path)').optional(),
  SHUIWU_PAYMENT_CONFIG: z.string().min(1).optional(),
  NODE_ENV: z.string().optional(),
});

export class ConfigError extends Error {}

/**
 * Reads the configuration. Without SHUIWU_SECRET_KEY the embedded setup keeps a generated key in its data
 * folder so a demo restarts with readable data; a PostgreSQL deployment in production must supply one.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration / 配置无效:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.SHUIWU_DATA_DIR);
  let secretKey: Buffer;
  if (env.SHUIWU_SECRET_KEY) {
    secretKey = Buffer.from(env.SHUIWU_SECRET_KEY, 'hex');
  } else if (env.DATABASE_URL && env.NODE_ENV === 'production') {
    throw new ConfigError('SHUIWU_SECRET_KEY is required with DATABASE_URL in production / 生产环境必须配置 SHUIWU_SECRET_KEY');
  } else {
    secretKey = readOrCreateKeyFile(path.join(dataDir, 'secret.key'));
  }
  return {
    port: env.PORT,
    host: env.HOST,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.SHUIWU_DB_POOL_SIZE,
    databaseQueueLimit: env.SHUIWU_DB_QUEUE_LIMIT,
    secretKey,
    secureCookies: env.SHUIWU_SECURE_COOKIES === 'true',
    staffSessionIdleMinutes: env.SHUIWU_STAFF_IDLE_MINUTES,
    staffSessionAbsoluteHours: env.SHUIWU_STAFF_ABSOLUTE_HOURS,
    portalSessionIdleMinutes: env.SHUIWU_PORTAL_IDLE_MINUTES,
    portalSessionAbsoluteHours: env.SHUIWU_PORTAL_ABSOLUTE_HOURS,
    logLevel: env.SHUIWU_LOG_LEVEL,
    mqttUrl: env.SHUIWU_MQTT_URL,
    mqttClientId: env.SHUIWU_MQTT_CLIENT_ID,
    loginRateLimitPerMinute: env.SHUIWU_LOGIN_RATE_LIMIT,
    publicUrl: env.SHUIWU_PUBLIC_URL,
    paymentConfigFile: env.SHUIWU_PAYMENT_CONFIG,
  };
}

function readOrCreateKeyFile(file: string): Buffer {
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(text)) throw new ConfigError(`${file} does not hold a 64-hex-character key`);
    return Buffer.from(text, 'hex');
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600 });
  return key;
}
