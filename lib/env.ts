import { z } from "zod";
import { parseDatabaseUrl } from "../db/database-url";

/**
 * Every environment variable the server reads, validated once. README's configuration
 * table mirrors this schema; keep the two together.
 */
const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .default("sqlite:///./api_server.db")
    .refine((value) => isValidDatabaseUrl(value), {
      message:
        "expected sqlite:///./relative.db, sqlite:////absolute/path.db, a file path, or postgres://user@host:5432/db",
    }),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce
    .number()
    .int()
    .min(1, "expected a port number 1-65535")
    .max(65_535, "expected a port number 1-65535")
    .default(8001),
  ADMIN_USERNAME: z.string().min(1).max(64).default("admin"),
  ADMIN_PASSWORD: z.string().min(1).max(256).default("password"),
  AUTH_SECRET: z.string().min(32, "expected at least 32 characters").optional(),
  ENCRYPTION_KEY: z
    .string()
    .refine((value) => decodeKey(value) !== null, { message: "expected 32 bytes as 64 hex characters or base64" })
    .optional(),
  SECRETS_FILE: z.string().min(1).default(".gateway-secrets.json"),
  MAX_REQUEST_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(268_435_456)
    .default(20 * 1024 * 1024),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  WORKERS: z.coerce.number().int().min(1, "expected a whole number of processes, 1 or more").max(64).default(1),
  // `off` sends /v1 through Next.js's request pipeline too (the app/v1 route handlers), for debugging.
  FAST_LANE: z.enum(["on", "off"], { message: "expected on or off" }).default("on"),
  // Where limit counters live (lib/limits): auto = redis with REDIS_URL, else the database under
  // WORKERS>1 or PostgreSQL, else this process.
  REDIS_URL: z
    .string()
    .refine((value) => /^rediss?:\/\//.test(value), { message: "expected redis://host:6379 or rediss://…" })
    .optional(),
  // Starts every Redis key: give each deployment its own when several share one Redis.
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default("gw:"),
  LIMITS_STORE: z
    .enum(["auto", "memory", "database", "redis"], { message: "expected auto, memory, database or redis" })
    .default("auto"),
  // The length of the rate window: 60 makes rpm/tpm per minute; shorter is for tests.
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  // JSON log lines on stdout at this level and above; debug adds one line per API request.
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      message: "expected fatal, error, warn, info, debug, trace or silent",
    })
    .default("info"),
});

export type Env = z.infer<typeof envSchema>;

function isValidDatabaseUrl(value: string): boolean {
  try {
    parseDatabaseUrl(value);
    return true;
  } catch {
    return false;
  }
}

/** Accepts 64 hex characters or base64 of exactly 32 bytes. */
export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  const decoded = Buffer.from(value, "base64");
  return decoded.length === 32 ? decoded : null;
}

/** One line naming the variable and the expected form, for a start that must stop. */
export function describeEnvError(error: z.ZodError): string {
  const issue = error.issues[0];
  const name = issue?.path.join(".") ?? "environment";
  return `Invalid ${name}: ${issue?.message ?? "invalid value"}`;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  return envSchema.parse(present);
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
