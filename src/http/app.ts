import express, { NextFunction, Request, Response } from 'express';
import type { Resource } from 'fhir/r4';
import { processBatch } from '../fhir/batch-bundle';
import { capabilityStatement, operationDefinition, operationDefinitions, terminologyCapabilities } from '../fhir/capabilities';
import { FhirError, notFound } from '../fhir/operation-outcome';
import { parameters } from '../fhir/parameters';
import { searchResources, searchsetBundle, summarize } from '../fhir/search';
import type { TerminologyRegistry, TerminologyResourceType } from '../terminology/registry';
import { batchEntryHandler } from './batch';
import { errorHandler } from './errors';
import { cacheControlOperation } from '../fhir/operations/cache-control';
import { ResourceCaches } from '../fhir/resource-caches';
import { isOperation, operationCallOf, runOperation, SERVED_FHIR_VERSION, systemOperationInput, terminologyType, TerminologyService } from './operations';
import { responseType, sendResource } from './respond';
import { webPages } from './web';
import { createLogger, Logger, observeRequests } from './logging';
import { createMetrics } from './metrics';
import { probeRoutes } from './probes';

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
  /** Largest request body accepted. */
  bodyLimit?: string;
}

const SUMMARY_MODES = new Set(['true', 'false', 'text', 'data', 'count']);

type Route = (req: Request, res: Response) => void;

/** Express `async`-free routes: errors thrown go to the error handler. */
const route = (fn: Route) => (req: Request, res: Response, next: NextFunction) => {
  try {
    fn(req, res);
  } catch (e) {
    next(e);
  }
};

function resourceType(req: Request): TerminologyResourceType {
  return terminologyType(String(req.params.type));
}

/** The HTTP edge: parses, calls the terminology operation, renders. */
export function createApp(registry: TerminologyRegistry, options: AppOptions) {
  const app = express();
  const service: TerminologyService = { registry, caches: options.caches ?? new ResourceCaches() };
  const logger = options.logger ?? createLogger();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('etag', false);

  const metrics = createMetrics(registry);
  app.use(observeRequests({ metrics, logger, accessLog: options.accessLog === true }));
  app.use((req, res, next) => {
    res.set({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': 'Content-Type, Accept, Accept-Language, Authorization, Prefer',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });
  app.use(express.json({ type: ['application/json', 'application/fhir+json', 'application/json+fhir', 'application/*+json'], limit: options.bodyLimit ?? '20mb' }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));

  app.use(probeRoutes(registry, metrics));

  const fhir = express.Router();
  fhir.use((req, _res, next) => {
    try {
      responseType(req);
      next();
    } catch (e) {
      next(e);
    }
  });

  fhir.get(
    '/metadata',
    route((req, res) => {
      const date = new Date().toISOString();
      if (req.query.mode === 'terminology') {
        const byUrl = new Map<string, { url: string; versions: string[]; content?: string }>();
        for (const cs of registry.all('CodeSystem')) {
          if (!cs.url || cs.content === 'supplement') continue;
          const entry = byUrl.get(cs.url) ?? { url: cs.url, versions: [], content: cs.content };
          if (cs.version) entry.versions.push(cs.version);
          byUrl.set(cs.url, entry);
        }
        sendResource(req, res, 200, terminologyCapabilities({ codeSystems: [...byUrl.values()], date, softwareVersion: options.softwareVersion }));
        return;
      }
      sendResource(req, res, 200, capabilityStatement({ baseUrl: options.baseUrl, softwareVersion: options.softwareVersion, date }));
    }),
  );

  const operation = route((req, res) => {
    const type = resourceType(req);
    const name = String(req.params.operation);
    if (!isOperation(type, name)) throw notFound(`Operation ${name} is not supported on ${type}`);
    sendResource(req, res, 200, runOperation(service, type, name, req, req.params.id === undefined ? undefined : String(req.params.id)));
  });

  const search = route((req, res) => {
    const type = resourceType(req);
    const query = { ...(req.query as Record<string, string | string[]>), ...(req.method === 'POST' && req.is('application/x-www-form-urlencoded') ? (req.body as Record<string, string>) : {}) };
    const summary = typeof query._summary === 'string' ? query._summary : undefined;
    if (summary !== undefined && !SUMMARY_MODES.has(summary)) throw new FhirError(400, 'invalid', `_summary must be one of true, false, text, data, count, not '${summary}'`, ['_summary']);
    const countRaw = typeof query._count === 'string' ? query._count : undefined;
    if (countRaw !== undefined && !/^\d+$/.test(countRaw)) throw new FhirError(400, 'invalid', `_count must be a non-negative integer, not '${countRaw}'`, ['_count']);
    const count = countRaw === undefined ? 100 : Math.min(Number(countRaw), 1000);
    const matches = searchResources(type, registry.all(type) as Resource[], query);
    const page = summary === 'count' ? [] : matches.slice(0, count).map((r) => (summary && summary !== 'false' ? summarize(r, summary as 'true' | 'text' | 'data') : r));
    const selfUrl = `${options.baseUrl}${req.originalUrl.replace(/^\/fhir/, '')}`;
    sendResource(req, res, 200, searchsetBundle(page, { total: matches.length, selfUrl, baseUrl: options.baseUrl }));
  });

  // [base]/$versions (CapabilityStatement-versions): the FHIR versions served here, and the default
  fhir.all(
    '/\\$versions',
    route((req, res) => {
      if (req.method !== 'GET' && req.method !== 'POST') throw new FhirError(405, 'not-supported', `${req.method} is not allowed on $versions: use GET or POST`);
      sendResource(req, res, 200, parameters([{ name: 'version', valueCode: SERVED_FHIR_VERSION }, { name: 'default', valueCode: SERVED_FHIR_VERSION }]));
    }),
  );

  // [base]/$cache-control: clients' resource caches (see fhir/operations/cache-control)
  fhir.all(
    '/\\$cache-control',
    route((req, res) => {
      const call = operationCallOf(req, '', '$cache-control');
      // a POST with no body is read like a GET: everything it says is in the query string
      if (call.method === 'POST' && call.body === undefined && !call.form) call.method = 'GET';
      const input = systemOperationInput('cache-control', call);
      const queryMode = typeof req.query.mode === 'string' ? req.query.mode : undefined;
      sendResource(req, res, 200, cacheControlOperation({ input, queryMode, cacheId: call.cacheId, caches: service.caches }));
    }),
  );

  // POST [base] with a batch Bundle: each entry answered as if sent alone (see fhir/batch-bundle)
  fhir.post(
    '/',
    route((req, res) => {
      if (req.body === undefined) throw new FhirError(415, 'not-supported', 'POST a FHIR Bundle of type batch as application/fhir+json (or application/json)');
      const handle = batchEntryHandler(service, req.get('accept-language'), req.get('x-cache-id'));
      const bundle = processBatch(req.body, options.baseUrl, handle, (e, index) =>
        logger.error({ err: e, entry: index, requestId: res.locals.requestId, method: req.method, path: req.originalUrl }, 'batch entry failed'),
      );
      sendResource(req, res, 200, bundle);
    }),
  );

  // The definitions of the operations the CapabilityStatement names
  fhir.get(
    '/OperationDefinition/:id',
    route((req, res) => {
      const definition = operationDefinition(String(req.params.id));
      if (!definition) throw notFound(`OperationDefinition/${req.params.id} is not known to this server`);
      sendResource(req, res, 200, definition);
    }),
  );
  fhir.get(
    '/OperationDefinition',
    route((req, res) => {
      const all = operationDefinitions();
      sendResource(req, res, 200, searchsetBundle(all, { total: all.length, selfUrl: `${options.baseUrl}/OperationDefinition`, baseUrl: options.baseUrl }));
    }),
  );

  fhir.get('/:type', search);
  fhir.post('/:type/_search', search);
  fhir.all('/:type/:operation', (req, res, next) => {
    if (String(req.params.operation).startsWith('$')) return operation(req, res, next);
    next();
  });
  fhir.all('/:type/:id/:operation', (req, res, next) => {
    if (String(req.params.operation).startsWith('$')) return operation(req, res, next);
    next();
  });
  fhir.get(
    '/:type/:id',
    route((req, res) => {
      const type = resourceType(req);
      const resource = registry.read(type, String(req.params.id));
      if (!resource) throw notFound(`${type}/${req.params.id} is not known to this server`);
      const summary = typeof req.query._summary === 'string' ? req.query._summary : undefined;
      sendResource(req, res, 200, summary && summary !== 'false' && summary !== 'count' ? summarize(resource, summary as 'true' | 'text' | 'data') : resource);
    }),
  );
  fhir.use(
    route((req) => {
      throw new FhirError(req.method === 'GET' ? 404 : 405, 'not-supported', `${req.method} ${req.path} is not supported by this server`);
    }),
  );

  app.use('/fhir', webPages(service, { mount: '/fhir', baseUrl: options.baseUrl, softwareVersion: options.softwareVersion }));
  app.use('/fhir', fhir);
  app.use(
    route((req) => {
      throw notFound(`Nothing at ${req.path}: the FHIR endpoint is /fhir`);
    }),
  );
  app.use(errorHandler(logger));
  return app;
}
