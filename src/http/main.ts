import path from 'node:path';
import { existsSync } from 'node:fs';
import { loadFhirCoreTerminology } from '../content/fhir-core';
import { loadResources } from '../content/load-resources';
import { TerminologyRegistry } from '../terminology/registry';
import { createApp } from './app';

/**
 * Start-up: load and validate the content, index it, listen. Configuration by environment:
 * PORT (8080), HOST (0.0.0.0), BASE_URL (http://localhost:PORT/fhir), CONTENT_DIRS (extra
 * directories of FHIR JSON, separated by the path delimiter; `content/` is loaded when present),
 * FHIR_CORE_TERMINOLOGY (`off` to leave out FHIR's own code systems and value sets).
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
  const app = createApp(registry, { baseUrl, softwareVersion: version });
  const server = app.listen(port, host, () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
    process.stdout.write(`Terminology server ready at ${baseUrl} (${resources.length} resources from ${dirs.length} directories, ${ms.toFixed(0)} ms, RSS ${rss} MB)\n`);
  });
  server.keepAliveTimeout = 65_000;
  const stop = (): void => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  main();
} catch (e) {
  process.stderr.write(`Start-up failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
