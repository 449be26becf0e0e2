import type { Request } from 'express';
import { DEFAULT_BATCH_LIMITS } from '../fhir/batch-bundle';
import { DEFAULT_PARAMETER_LIMITS } from '../fhir/parameters';
import { CLIENT_CACHES_BYTES } from '../fhir/resource-caches';
import { SENT_INDEX_CACHE_BYTES } from '../terminology/registry';
import { UCUM_CACHE_BYTES } from '../terminology/ucum';
import { MATCH_PARAMETER_CACHE_BYTES } from '../fhir/operations/translate';

/**
 * What one client may make the server do, and how the server process guards itself: every bound
 * with its default and the environment variable that changes it (listed in the README's Limits
 * table). Defaults are sized for a 512 MiB container running one process.
 */

const MiB = 1024 * 1024;

/** Bounds on one request: what it may send, how long it may compute, what it may make the server produce. */
export interface RequestLimits {
  /** CPU time the engine may spend on one request (a batch counts as one); then a 422 too-costly. */
  requestDeadlineMs: number;
  /** Largest JSON request body. */
  maxBodyBytes: number;
  /** Deepest nesting of objects and arrays in a JSON body (deep hierarchies and extensions). */
  maxJsonDepth: number;
  /** Most parameters in one Parameters body. */
  maxParameters: number;
  /** Longest text value of a parameter (codes, displays, urls, filters). */
  maxStringLength: number;
  /** Most entries in one batch Bundle. */
  maxBatchEntries: number;
  /** Largest batch-response: entries past it answer 422 too-costly. */
  maxBatchResponseBytes: number;
  /** Largest single response body. */
  maxResponseBytes: number;
}

/** Byte bounds of the caches that requests can fill. */
export interface CacheBounds {
  /** Indexes of code systems sent with requests (tx-resource), reused across requests by content. */
  sentCodeSystemIndexes: number;
  /** Clients' $cache-control caches, all together. */
  clientResourceCaches: number;
  /** UCUM units already checked and described. */
  ucumUnits: number;
  /** $translate matches as parameters, with their JSON text, for the mappings answered most recently. */
  translateMatches: number;
}

/** The HTTP server and process lifecycle. */
export interface ServerSettings {
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request. */
  requestTimeoutMs: number;
  /** Idle time before a kept-alive connection is closed. */
  keepAliveTimeoutMs: number;
  /** Open connections at once; more are refused. */
  maxConnections: number;
  /** On SIGTERM: time in-flight requests get to finish before they are cut. */
  shutdownGraceMs: number;
}

export interface ServiceLimits {
  request: RequestLimits;
  caches: CacheBounds;
  server: ServerSettings;
}

interface Setting {
  variable: string;
  default: number;
  /** The unit the variable is written in, for the README and error messages. */
  unit: 'ms' | 'bytes' | 'count' | 'characters';
}

/** Every limit, with its variable and default: the one place both are written. */
export const SETTINGS = {
  request: {
    requestDeadlineMs: { variable: 'REQUEST_DEADLINE_MS', default: 5_000, unit: 'ms' },
    maxBodyBytes: { variable: 'MAX_BODY_BYTES', default: 20 * MiB, unit: 'bytes' },
    maxJsonDepth: { variable: 'MAX_JSON_DEPTH', default: 128, unit: 'count' },
    maxParameters: { variable: 'MAX_PARAMETERS', default: DEFAULT_PARAMETER_LIMITS.maxParameters, unit: 'count' },
    maxStringLength: { variable: 'MAX_STRING_LENGTH', default: DEFAULT_PARAMETER_LIMITS.maxStringLength, unit: 'characters' },
    maxBatchEntries: { variable: 'MAX_BATCH_ENTRIES', default: DEFAULT_BATCH_LIMITS.maxEntries, unit: 'count' },
    maxBatchResponseBytes: { variable: 'MAX_BATCH_RESPONSE_BYTES', default: DEFAULT_BATCH_LIMITS.maxResponseBytes, unit: 'bytes' },
    maxResponseBytes: { variable: 'MAX_RESPONSE_BYTES', default: DEFAULT_BATCH_LIMITS.maxResponseBytes, unit: 'bytes' },
  },
  caches: {
    sentCodeSystemIndexes: { variable: 'CACHE_SENT_INDEXES_BYTES', default: SENT_INDEX_CACHE_BYTES, unit: 'bytes' },
    clientResourceCaches: { variable: 'CACHE_CLIENT_CACHES_BYTES', default: CLIENT_CACHES_BYTES, unit: 'bytes' },
    ucumUnits: { variable: 'CACHE_UCUM_BYTES', default: UCUM_CACHE_BYTES, unit: 'bytes' },
    translateMatches: { variable: 'CACHE_TRANSLATE_MATCHES_BYTES', default: MATCH_PARAMETER_CACHE_BYTES, unit: 'bytes' },
  },
  server: {
    headersTimeoutMs: { variable: 'HEADERS_TIMEOUT_MS', default: 20_000, unit: 'ms' },
    requestTimeoutMs: { variable: 'REQUEST_TIMEOUT_MS', default: 60_000, unit: 'ms' },
    keepAliveTimeoutMs: { variable: 'KEEP_ALIVE_TIMEOUT_MS', default: 65_000, unit: 'ms' },
    maxConnections: { variable: 'MAX_CONNECTIONS', default: 1_000, unit: 'count' },
    shutdownGraceMs: { variable: 'SHUTDOWN_GRACE_MS', default: 10_000, unit: 'ms' },
  },
} satisfies { request: Record<keyof RequestLimits, Setting>; caches: Record<keyof CacheBounds, Setting>; server: Record<keyof ServerSettings, Setting> };

function section<K extends string>(settings: Record<K, Setting>, env: NodeJS.ProcessEnv): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(settings) as K[]) {
    const { variable, default: fallback } = settings[key];
    const raw = env[variable];
    if (raw === undefined || raw === '') {
      out[key] = fallback;
      continue;
    }
    if (!/^\d+$/.test(raw) || Number(raw) <= 0) throw new Error(`${variable} must be a positive whole number, not '${raw}'`);
    out[key] = Number(raw);
  }
  return out;
}

/** The limits in force: the defaults, changed by the environment; a malformed value stops start-up. */
export function limitsFromEnvironment(env: NodeJS.ProcessEnv = {}): ServiceLimits {
  return { request: section(SETTINGS.request, env), caches: section(SETTINGS.caches, env), server: section(SETTINGS.server, env) };
}

export const DEFAULT_LIMITS: ServiceLimits = limitsFromEnvironment();

/** The request limits of the app serving `req` (createApp keeps its limits in app.locals). */
export function limitsOf(req: Request): RequestLimits {
  return (req.app.locals as { limits?: ServiceLimits }).limits?.request ?? DEFAULT_LIMITS.request;
}
