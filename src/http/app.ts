import express from 'express';
import { FhirDispatcher } from '../fhir/dispatcher';
import { clientError } from '../fhir/operation-outcome';
import { configureParameterLimits } from '../fhir/parameters';
import { ResourceCaches } from '../fhir/resource-caches';
import type { TerminologyRegistry } from '../terminology/registry';
import { errorHandler } from './errors';
import { fhirEndpoint } from './fhir-adapter';
import { corsPreflight } from './headers';
import { DEFAULT_LIMITS, ServiceLimits } from './limits';
import { createLogger, Logger, observeRequests } from './logging';
import { createMetrics } from './metrics';
import { inOrder } from './in-order';
import { probes } from './probes';
import { webPages } from './web';

export interface AppOptions {
  /** Public base URL of the FHIR endpoint, used in fullUrl and links. */
  baseUrl: string;
  softwareVersion: string;
  /** One access line per request answered (request id, path, query, status, ms), off by default. */
  accessLog?: boolean;
  /** Structured logs (failures, access lines); JSON on stdout by default. */
  logger?: Logger;
  /** Clients' resource caches ($cache-control); a fresh store by default. */
  caches?: ResourceCaches;
  /** Largest request body accepted (default: limits.request.maxBodyBytes). */
  bodyLimit?: string;
  /** What one request may ask for (DEFAULT_LIMITS when absent). */
  limits?: ServiceLimits;
  /** Work still going on after start-up (text indexes being built): /ready answers 503 naming it until it is done. */
  preparing?: () => string[];
}

/** The HTTP edge: Express parses bodies and sets headers; the FHIR dispatcher answers, or a page for a browser. */
export function createApp(registry: TerminologyRegistry, options: AppOptions) {
  const logger = options.logger ?? createLogger();
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const limits = options.limits ?? DEFAULT_LIMITS;
  configureParameterLimits(limits.request);
  const dispatcher = new FhirDispatcher({
    registry,
    caches: options.caches ?? new ResourceCaches(),
    baseUrl,
    softwareVersion: options.softwareVersion,
    onBatchEntryBug: (err, entry) => logger.error({ err, entry }, 'batch entry failed'),
    batchLimits: { maxEntries: limits.request.maxBatchEntries, maxResponseBytes: Math.min(limits.request.maxBatchResponseBytes, limits.request.maxResponseBytes) },
  });
  const metrics = createMetrics(registry);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('etag', false);
  app.locals.limits = limits;
  app.use(inOrder(observeRequests({ metrics, logger, accessLog: options.accessLog === true }), corsPreflight, probes(registry, metrics, options.preparing)));
  app.use(
    '/fhir',
    inOrder(
      webPages(dispatcher, { mount: '/fhir', softwareVersion: options.softwareVersion }),
      fhirEndpoint(dispatcher, { bodyLimit: options.bodyLimit ?? limits.request.maxBodyBytes, limits: limits.request }),
    ),
  );
  app.use((req, _res, next) => next(clientError('NOTHING_AT_PATH', [req.path])));
  app.use(errorHandler(logger));
  return app;
}
