import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { constants, monitorEventLoopDelay, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import type { CodeSystem } from 'fhir/r4';
import { coreTerminologyNames, loadFhirCoreTerminology } from '../content/fhir-core';
import { loadResources } from '../content/load-resources';
import { matchParameterCache } from '../fhir/operations/translate';
import { ResourceCaches } from '../fhir/resource-caches';
import type { CodeSystemIndex } from '../terminology/code-system-index';
import { sentIndexCache, TerminologyRegistry } from '../terminology/registry';
import { textIndexSteps } from '../terminology/text-filter';
import { ucumUnitCache } from '../terminology/ucum';
import { createApp } from './app';
import { announceReady, applyServerSettings, drainOnSignal, EXIT_START_FAILED, listen, superviseWorkers } from './lifecycle';
import { limitsFromEnvironment, ServiceLimits } from './limits';
import { createLogger } from './logging';

/**
 * Start-up: load and validate the content, index it, listen. Configuration by environment:
 * PORT (8080), HOST (0.0.0.0), BASE_URL (http://localhost:PORT/fhir), CONTENT_DIRS (extra
 * directories of FHIR JSON, separated by the path delimiter; `content/` is loaded when present),
 * FHIR_CORE_TERMINOLOGY (`off` to leave out FHIR's own code systems and value sets), WORKERS
 * (processes sharing the port: a number, or `auto` for one per core; 1 by default), ACCESS_LOG
 * (`on`: one JSON access line per request), LOG_LEVEL (info),, and the limits of ./limits (README, "Limits").
 * Every log line is JSON on stdout (pino). On SIGUSR2 the process logs one line with the largest event-loop delay since it
 * was ready (or since the previous SIGUSR2) and the longest garbage-collection pause, and measures
 * afresh: how long a request may have waited behind another, which benchmarks report.
 */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

const logger = createLogger();
/** Lifecycle messages (drain, workers, warnings): JSON lines like every other. */
const log = (message: string): void => logger.info(message);

async function main(limits: ServiceLimits): Promise<void> {
  const started = process.hrtime.bigint();
  const root = projectRoot();
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '0.0.0.0';
  const baseUrl = process.env.BASE_URL ?? `http://localhost:${port}/fhir`;
  const dirs = [path.join(root, 'resources')];
  const imported = path.join(root, 'content');
  if (existsSync(imported)) dirs.push(imported);
  for (const d of (process.env.CONTENT_DIRS ?? '').split(path.delimiter).filter(Boolean)) dirs.push(path.resolve(d));

  sentIndexCache.resize(limits.caches.sentCodeSystemIndexes);
  ucumUnitCache.resize(limits.caches.ucumUnits);
  matchParameterCache.resize(limits.caches.translateMatches);
  const resources = loadResources(dirs);
  // FHIR's own code systems and value sets answer too, read on first use (FHIR_CORE_TERMINOLOGY=off: not at all).
  const core = process.env.FHIR_CORE_TERMINOLOGY === 'off' ? undefined : TerminologyRegistry.lazy(loadFhirCoreTerminology, coreTerminologyNames());
  const registry = new TerminologyRegistry(resources, core, { warn: (m) => log(`Warning: ${m}`) });
  const indexes = resources.filter((r): r is CodeSystem => r.resourceType === 'CodeSystem' && !r.supplements).map((r) => registry.index(r));
  const { version } = require(path.join(root, 'package.json')) as { version: string };
  const caches = new ResourceCaches({ maxBytes: limits.caches.clientResourceCaches });
  let indexing = true;
  const preparing = (): string[] => (indexing ? ['text indexes are being built'] : []);
  const app = createApp(registry, { baseUrl, softwareVersion: version, logger, accessLog: process.env.ACCESS_LOG === 'on', caches, limits, preparing });
  const server = createServer(app);
  applyServerSettings(server, limits.server);
  drainOnSignal(server, limits.server.shutdownGraceMs, log);
  await listen(server, port, host);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  logger.info(
    { baseUrl, resources: resources.length, directories: dirs, ms: Math.round(ms), rssMB: rss, node: process.version },
    `Terminology server ready at ${baseUrl} (pid ${process.pid}, ${resources.length} resources from ${dirs.length} directories, ${ms.toFixed(0)} ms, RSS ${rss} MB)`,
  );
  announceReady();
  buildTextIndexes(indexes, () => (indexing = false));
  reportEventLoopDelayOnSignal();
}

/**
 * The text indexes ($expand filter) of the server's code systems, and where each concept sits
 * (what value sets compile against), built a step at a time between requests once listening: a
 * full ICD-10-CM takes about half a second, which neither start-up nor the first type-ahead
 * should wait for in one piece. /ready says so until they are built.
 */
function buildTextIndexes(indexes: CodeSystemIndex[], done: () => void): void {
  const positions = (index: CodeSystemIndex) => (): boolean => {
    // the first question builds where every concept sits
    if (index.concepts.length) index.positionOf(index.concepts[0]);
    return true;
  };
  const steps = indexes.flatMap((index) => [textIndexSteps(index), positions(index)]);
  const next = (): void => {
    while (steps.length && (steps[0] as () => boolean)()) steps.shift();
    if (steps.length) setImmediate(next);
    else done();
  };
  setImmediate(next);
}

/** With the longest garbage-collection pause over the same time: the part of a delay that no request caused. */
function reportEventLoopDelayOnSignal(): void {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let longestGc = 0;
  let longestGcKind = '';
  const gcKinds: Record<number, string> = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental' };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration <= longestGc) continue;
      longestGc = entry.duration;
      longestGcKind = gcKinds[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    const ms = (ns: number): string => (ns / 1e6).toFixed(1);
    logger.info(`event-loop delay: max ${ms(delay.max)} ms, p99 ${ms(delay.percentile(99))} ms, mean ${ms(delay.mean)} ms; longest GC pause ${longestGc.toFixed(1)} ms (${longestGcKind || 'none'})`);
    delay.reset();
    longestGc = 0;
  });
}

function startUpFailed(e: unknown): never {
  logger.fatal(`Start-up failed: ${e instanceof Error ? e.message : String(e)}`);
  logger.flush();
  process.exit(EXIT_START_FAILED);
}

let limits: ServiceLimits;
try {
  limits = limitsFromEnvironment(process.env);
} catch (e) {
  startUpFailed(e);
}
const requested = process.env.WORKERS === 'auto' ? availableParallelism() : Number(process.env.WORKERS ?? 1);
if (cluster.isPrimary && requested > 1) {
  superviseWorkers(requested, limits.server.shutdownGraceMs, log);
} else {
  main(limits).catch(startUpFailed);
}
