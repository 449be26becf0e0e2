import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { cacheStats } from '../terminology/bounded-cache';
import { OPERATIONS } from '../fhir/operation-routes';
import { isTerminologyType, TERMINOLOGY_TYPES, type TerminologyRegistry } from '../terminology/registry';

/**
 * Prometheus metrics (GET /metrics): requests by operation and status with their latency, the
 * bounded caches' entries and bytes, the content versions loaded, and Node's own (event-loop
 * delay, memory, GC). Each app has its own registry, so several apps in one process (tests) do not
 * collide.
 */

/** The operations served, by name: those on resource types, and those on the whole server. */
const OPERATION_NAMES = new Set([...[...OPERATIONS.keys()].map((key) => key.slice(key.indexOf('/') + 1)), '$versions', '$cache-control']);
const PROBES = new Set(['/health', '/ready', '/metrics']);

/**
 * The operation a request path names, from a fixed vocabulary (so a client cannot grow the label
 * set): `CodeSystem/$lookup`, `ValueSet/read`, `ConceptMap/search`, `metadata`, `batch`, ...
 */
export function operationOf(method: string, path: string): string {
  const key = `${method} ${path}`;
  let operation = recentOperations.get(key);
  if (operation === undefined) {
    // Clients repeat a few addresses: remember them, within a bound so random paths cannot grow it.
    if (recentOperations.size >= 1000) recentOperations.clear();
    operation = operationOfPath(method, path);
    recentOperations.set(key, operation);
  }
  return operation;
}

const recentOperations = new Map<string, string>();

function operationOfPath(method: string, path: string): string {
  if (PROBES.has(path)) return path.slice(1);
  if (path !== '/fhir' && !path.startsWith('/fhir/')) return 'other';
  const parts = path.slice(5).replace(/%24/gi, '$').split('/').filter(Boolean);
  if (parts.length === 0) return method === 'POST' ? 'batch' : 'home';
  const [first, second, third] = parts;
  if (parts.length === 1) {
    if (first === 'metadata') return 'metadata';
    if (OPERATION_NAMES.has(first)) return first;
    if (isTerminologyType(first)) return `${first}/search`;
    return first === 'OperationDefinition' ? 'OperationDefinition/search' : 'other';
  }
  if (first === '_web') return 'web-asset';
  if (first === 'OperationDefinition' && parts.length === 2) return 'OperationDefinition/read';
  if (!isTerminologyType(first) || parts.length > 3) return 'other';
  const last = third ?? second;
  if (last === '_search' && parts.length === 2) return `${first}/search`;
  if (last.startsWith('$')) return OPERATION_NAMES.has(last) ? `${first}/${last}` : 'other';
  return parts.length === 2 ? `${first}/read` : 'other';
}

export interface ServiceMetrics {
  readonly registry: Registry;
  observe(operation: string, status: number, seconds: number): void;
  /** Everything, in the Prometheus text format. */
  text(): Promise<string>;
}

// Terminology requests are answered in well under a millisecond to a few hundred.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface RequestSeries {
  labels: string;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative), the last for above every bound. */
  buckets: Float64Array;
}

/**
 * Requests and their latency by operation and status, counted on every request: a few additions
 * on a record found by one map lookup, and written out in the Prometheus text format only when
 * scraped (prom-client's labelled children hash their labels on every observation).
 */
class RequestMetrics {
  private readonly series = new Map<string, RequestSeries>();

  observe(operation: string, status: number, seconds: number): void {
    const key = `${operation} ${status}`;
    let s = this.series.get(key);
    if (!s) {
      s = { labels: `operation="${escapeLabel(operation)}",status="${status}"`, count: 0, sum: 0, buckets: new Float64Array(LATENCY_BUCKETS.length + 1) };
      this.series.set(key, s);
    }
    s.count++;
    s.sum += seconds;
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) i++;
    s.buckets[i]++;
  }

  text(): string {
    const all = [...this.series.values()];
    const lines = ['# HELP http_requests_total Requests answered, by operation and status', '# TYPE http_requests_total counter'];
    for (const s of all) lines.push(`http_requests_total{${s.labels}} ${s.count}`);
    lines.push('# HELP http_request_duration_seconds Time from request to the end of the response, by operation and status', '# TYPE http_request_duration_seconds histogram');
    for (const s of all) {
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((bound, i) => {
        cumulative += s.buckets[i];
        lines.push(`http_request_duration_seconds_bucket{le="${bound}",${s.labels}} ${cumulative}`);
      });
      lines.push(`http_request_duration_seconds_bucket{le="+Inf",${s.labels}} ${s.count}`);
      lines.push(`http_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
      lines.push(`http_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

const escapeLabel = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function createMetrics(content: TerminologyRegistry): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new RequestMetrics();
  const cacheGauge = (name: string, help: string, value: (s: ReturnType<typeof cacheStats>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['cache'],
      registers: [registry],
      collect() {
        for (const s of cacheStats()) this.set({ cache: s.name }, value(s));
      },
    });
  cacheGauge('terminology_cache_entries', 'Entries in each bounded cache', (s) => s.entries);
  cacheGauge('terminology_cache_bytes', 'Estimated bytes held by each bounded cache', (s) => s.bytes);
  cacheGauge('terminology_cache_max_bytes', 'The byte bound of each cache', (s) => s.maxBytes);
  new Gauge({
    name: 'terminology_content_info',
    help: 'Resources the server was started with (1 per url and version)',
    labelNames: ['type', 'url', 'version'],
    registers: [registry],
    collect() {
      this.reset();
      for (const type of TERMINOLOGY_TYPES) {
        for (const r of content.own(type)) this.set({ type, url: r.url ?? r.id ?? '', version: r.version ?? '' }, 1);
      }
    },
  });

  return {
    registry,
    observe: (operation, status, seconds) => requests.observe(operation, status, seconds),
    text: async () => `${requests.text()}${await registry.metrics()}`,
  };
}
