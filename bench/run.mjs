// npm run bench: start the service on a free port and load it with autocannon (GET, 32 connections)
// on the bone-strength operations; a bare Express route answering the same bytes is the baseline.
// Prints requests/s and p50/p99 latency per workload. Figures depend on the machine and Node version.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, option, root, serverScript, startProcess } from './harness.mjs';

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

function load(url) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, method: 'GET' }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const row = (name, target, r) =>
  `| ${name} | ${target} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx} |`;

const port = await freePort();
const { child: service } = await startProcess([serverScript], { PORT: String(port), HOST: '127.0.0.1' });
const bodies = [];
for (const [, p] of WORKLOADS) {
  const res = await fetch(`http://127.0.0.1:${port}${p}`);
  if (!res.ok) throw new Error(`${p} answered ${res.status}`);
  bodies.push(await res.text());
}

const bodiesFile = path.join(tmpdir(), `bench-bodies-${process.pid}.json`);
writeFileSync(bodiesFile, JSON.stringify(Object.fromEntries(WORKLOADS.map(([, p], i) => [p.split('?')[0], bodies[i]]))));
const basePort = await freePort();
const { child: baseServer } = await startProcess([path.join(root, 'bench/baseline-server.mjs'), String(basePort), bodiesFile]);

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
