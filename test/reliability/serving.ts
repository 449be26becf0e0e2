import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadFhirCoreTerminology } from '../../src/content/fhir-core';
import { loadResources } from '../../src/content/load-resources';
import { ResourceCaches } from '../../src/fhir/resource-caches';
import { createApp } from '../../src/http/app';
import { DEFAULT_LIMITS, ServiceLimits } from '../../src/http/limits';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { quietLogger, RESOURCES_DIR } from '../api/test-app';

/** The real app, with FHIR's core terminology (UCUM, the large core value sets), listening on a free port. */
export async function listeningApp(limits: ServiceLimits = DEFAULT_LIMITS): Promise<{ base: string; server: Server }> {
  const registry = new TerminologyRegistry(loadResources([RESOURCES_DIR]), TerminologyRegistry.lazy(loadFhirCoreTerminology));
  const caches = new ResourceCaches({ maxBytes: limits.caches.clientResourceCaches });
  const app = createApp(registry, { baseUrl: 'http://localhost/fhir', softwareVersion: 'test', logger: quietLogger, limits, caches });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * A second client that asks /health every 50 ms while the abuse goes on, and remembers the
 * slowest answer: one client's request must never stall the others.
 */
export class HealthPoller {
  slowestMs = 0;
  answers = 0;
  failures: string[] = [];
  private timer?: NodeJS.Timeout;
  private pending = Promise.resolve();

  constructor(private readonly base: string) {}

  start(): void {
    this.timer = setInterval(() => {
      const t0 = performance.now();
      this.pending = fetch(`${this.base}/health`)
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) this.failures.push(`status ${res.status}`);
          this.answers++;
        })
        .catch((e: unknown) => void this.failures.push(String(e)))
        .finally(() => {
          this.slowestMs = Math.max(this.slowestMs, performance.now() - t0);
        });
    }, 50);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pending;
  }
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

export async function send(base: string, path: string, body?: string | Buffer, method = body === undefined ? 'GET' : 'POST'): Promise<Answer> {
  const res = await fetch(`${base}${path}`, { method, body, headers: body === undefined ? {} : { 'Content-Type': 'application/fhir+json' } });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the test looks at the text
  }
  return { status: res.status, body: parsed, text };
}
