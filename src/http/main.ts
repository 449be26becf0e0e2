import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { loadFhirCoreTerminology } from '../content/fhir-core';
import { loadResources } from '../content/load-resources';
import { TerminologyRegistry } from '../terminology/registry';
import { createApp } from './app';
import { createLogger } from './logging';

const logger = createLogger();

/**
 * Start-up: load and validate the content, index it, listen. Configuration by environment:
 * PORT (8080), HOST (0.0.0.0), BASE_URL (http://localhost:PORT/fhir), CONTENT_DIRS (extra
 * directories of FHIR JSON, separated by the path delimiter; `content/` is loaded when present),
 * FHIR_CORE_TERMINOLOGY (`off` to leave out FHIR's own code systems and value sets), WORKERS
 * (processes sharing the port: a number, or `auto` for one per core; 1 by default), ACCESS_LOG
 * (`on`: one JSON access line per request), LOG_LEVEL (info). Every log line is JSON on stdout.
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

function main(): void {
  const started = process.hrtime.bigint();
  const root = projectRoot();
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '0.0.0.0';
  const baseUrl = process.env.BASE_URL ?? `http://localhost:${port}/fhir`;
  const dirs = [path.join(root, 'resources')];
  const imported = path.join(root, 'content');
  if (existsSync(imported)) dirs.push(imported);
  for (const d of (process.env.CONTENT_DIRS ?? '').split(path.delimiter).filter(Boolean)) dirs.push(path.resolve(d));

  const resources = loadResources(dirs);
  // FHIR's own code systems and value sets answer too, read on first use (FHIR_CORE_TERMINOLOGY=off: not at all).
  const core = process.env.FHIR_CORE_TERMINOLOGY === 'off' ? undefined : TerminologyRegistry.lazy(loadFhirCoreTerminology);
  const registry = new TerminologyRegistry(resources, core);
  for (const r of resources) if (r.resourceType === 'CodeSystem' && !r.supplements) registry.index(r);
  const { version } = require(path.join(root, 'package.json')) as { version: string };
  const app = createApp(registry, { baseUrl, softwareVersion: version, logger, accessLog: process.env.ACCESS_LOG === 'on' });
  const server = app.listen(port, host, () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
    logger.info({ baseUrl, resources: resources.length, directories: dirs, ms: Math.round(ms), rssMB: rss, node: process.version }, 'terminology server ready');
  });
  server.keepAliveTimeout = 65_000;
  const stop = (): void => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Several identical processes on one port (the content is immutable, so they need nothing shared). */
function supervise(workers: number): void {
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (code === 1 && !worker.exitedAfterDisconnect) {
      // a worker that could not start (bad content) will not start on a retry either
      logger.fatal({ worker: worker.process.pid }, 'worker failed to start; stopping');
      process.exit(1);
    }
    logger.error({ worker: worker.process.pid, signal, code }, 'worker ended; starting another');
    cluster.fork();
  });
  const stop = (): void => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 6000).unref();
    cluster.on('exit', () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

const requested = process.env.WORKERS === 'auto' ? availableParallelism() : Number(process.env.WORKERS ?? 1);
if (cluster.isPrimary && requested > 1) {
  supervise(requested);
} else {
  try {
    main();
  } catch (e) {
    logger.fatal({ err: e }, `start-up failed: ${e instanceof Error ? e.message : String(e)}`);
    logger.flush();
    process.exit(1);
  }
}
