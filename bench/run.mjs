// npm run bench: start the service on a free port and load it with autocannon (GET, 32 connections)
// on the bone-strength operations; a bare Express route answering the same bytes is the baseline.
// Prints requests/s and p50/p99 latency per workload. Figures depend on the machine and Node version.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import autocannon from 'autocannon';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const connections = Number(option('connections', 32));
const duration = Number(option('duration', 10));

const CPT = 'http://www.ama-assn.org/go/cpt';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const VS = 'http://fhir.bone-strength.org/ValueSet';
const q = (o) => new URLSearchParams(o).toString();
const WORKLOADS = [
  ['$lookup', `/fhir/CodeSystem/$lookup?${q({ system: CPT, code: '0556T' })}`],
  ['CodeSystem/$validate-code', `/fhir/CodeSystem/$validate-code?${q({ url: ICD, code: 'M81.0' })}`],
  ['ValueSet/$validate-code', `/fhir/ValueSet/$validate-code?${q({ url: `${VS}/cpt-0556t-diagnoses`, system: ICD, code: 'M81.0' })}`],
  ['$translate', `/fhir/ConceptMap/$translate?${q({ system: CPT, code: '0556T', targetsystem: ICD })}`],
];

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Start a server in its own process (so that it does not share a core with the load generator). */
async function start(args, env = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      if (String(d).includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return child;
}

function load(url) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, method: 'GET' }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const row = (name, target, r) =>
  `| ${name} | ${target} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx} |`;

const port = await freePort();
const service = await start([path.join(root, 'dist/src/http/main.js')], { PORT: String(port), HOST: '127.0.0.1' });
const bodies = [];
for (const [, p] of WORKLOADS) {
  const res = await fetch(`http://127.0.0.1:${port}${p}`);
  if (!res.ok) throw new Error(`${p} answered ${res.status}`);
  bodies.push(await res.text());
}

const bodiesFile = path.join(tmpdir(), `bench-bodies-${process.pid}.json`);
writeFileSync(bodiesFile, JSON.stringify(Object.fromEntries(WORKLOADS.map(([, p], i) => [p.split('?')[0], bodies[i]]))));
const basePort = await freePort();
const baseServer = await start([path.join(root, 'bench/baseline-server.mjs'), String(basePort), bodiesFile]);

console.log(`Node ${process.version}, ${connections} connections, ${duration} s per workload`);
console.log('| workload | target | requests/s | p50 ms | p99 ms | non-2xx |');
console.log('| --- | --- | --- | --- | --- | --- |');
try {
  for (const [name, p] of WORKLOADS) {
    console.log(row(name, 'service', await load(`http://127.0.0.1:${port}${p}`)));
    console.log(row(name, 'bare Express, same bytes', await load(`http://127.0.0.1:${basePort}${p}`)));
  }
} finally {
  service.kill('SIGTERM');
  baseServer.kill('SIGTERM');
}
