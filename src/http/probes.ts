import type { RequestHandler } from 'express';
import { cacheStats } from '../terminology/bounded-cache';
import type { TerminologyRegistry } from '../terminology/registry';
import { setResponseHeaders } from './headers';
import type { ServiceMetrics } from './metrics';

/**
 * What an orchestrator and a monitoring system ask: /health (the process answers), /ready (the
 * content is loaded, the work after start-up that keeps type-ahead fast is done, and the caches are
 * within their bounds), /metrics (Prometheus). All cheap:
 * no terminology work, only counts.
 */
export function probes(content: TerminologyRegistry, metrics: ServiceMetrics, preparing: () => string[] = () => []): RequestHandler {
  const health: RequestHandler = (_req, res) => {
    res.json({ status: 'ok' });
  };
  const ready: RequestHandler = (_req, res) => {
    const resources = content.own('CodeSystem').length + content.own('ValueSet').length + content.own('ConceptMap').length;
    const caches = cacheStats();
    const overBound = caches.filter((c) => c.bytes > c.maxBytes).map((c) => c.name);
    const problems = [...(resources === 0 ? ['no content loaded'] : []), ...preparing(), ...overBound.map((name) => `cache ${name} is over its bound`)];
    res.status(problems.length ? 503 : 200).json({
      status: problems.length ? 'not ready' : 'ready',
      resources,
      caches,
      ...(problems.length ? { problems } : {}),
    });
  };
  const prometheus: RequestHandler = (_req, res, next) => {
    metrics
      .text()
      .then((text) => res.type(metrics.registry.contentType).send(text))
      .catch(next);
  };
  const byPath = new Map([
    ['/health', health],
    ['/ready', ready],
    ['/metrics', prometheus],
  ]);
  return (req, res, next) => {
    const probe = req.method === 'GET' || req.method === 'HEAD' ? byPath.get(req.path) : undefined;
    if (!probe) return next();
    setResponseHeaders(res);
    probe(req, res, next);
  };
}
