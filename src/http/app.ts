import express from 'express';
import { FhirDispatcher } from '../fhir/dispatcher';
import { clientError } from '../fhir/operation-outcome';
import { ResourceCaches } from '../fhir/resource-caches';
import { cacheStats } from '../terminology/bounded-cache';
import type { TerminologyRegistry } from '../terminology/registry';
import { configureParameterLimits } from '../fhir/parameters';
import { DEFAULT_LIMITS, ServiceLimits } from './limits';
import { accessLogger } from './access-log';
import { errorHandler } from './errors';
import { fhirEndpoint } from './fhir-adapter';
import { corsAndSecurityHeaders } from './headers';

export interface AppOptions {
  /** Public base URL of the FHIR endpoint, used in fullUrl and links. */
  baseUrl: string;
  softwareVersion: string;
  /** Called with one JSON line per request answered (method, path, status, ms), when set. */
  accessLog?: (line: string) => void;
  /** Clients' resource caches ($cache-control); a fresh store by default. */
  caches?: ResourceCaches;
  /** Largest request body accepted (default: limits.request.maxBodyBytes). */
  bodyLimit?: string;
  /** What one request may ask for (DEFAULT_LIMITS when absent). */
  limits?: ServiceLimits;
  log?: (message: string) => void;
}

/** The HTTP edge: Express parses bodies and sets headers; the FHIR dispatcher answers. */
export function createApp(registry: TerminologyRegistry, options: AppOptions) {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const limits = options.limits ?? DEFAULT_LIMITS;
  configureParameterLimits(limits.request);
  const dispatcher = new FhirDispatcher({
    registry,
    caches: options.caches ?? new ResourceCaches(),
    baseUrl,
    softwareVersion: options.softwareVersion,
    onBatchEntryBug: (e, index) => log(`500 in batch entry ${index}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    batchLimits: { maxEntries: limits.request.maxBatchEntries, maxResponseBytes: Math.min(limits.request.maxBatchResponseBytes, limits.request.maxResponseBytes) },
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('etag', false);
  app.locals.limits = limits;
  if (options.accessLog) app.use(accessLogger(options.accessLog));
  app.use(corsAndSecurityHeaders);
  app.use('/fhir', fhirEndpoint(dispatcher, { baseUrl, bodyLimit: options.bodyLimit ?? limits.request.maxBodyBytes, limits: limits.request }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', caches: cacheStats() });
  });
  app.use((req, _res, next) => next(clientError('NOTHING_AT_PATH', [req.path])));
  app.use(errorHandler(log));
  return app;
}
