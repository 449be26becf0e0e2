// npm run bench: start the service on a free port and load it with autocannon (GET, 32 connections)
// on the bone-strength operations; a bare Express route answering the same bytes is the baseline.
// Each workload runs in pairs (service then baseline, the next pair the other way round), and the
// ratio service/baseline is taken per pair: the median of the pairs is the figure, because load
// from elsewhere on the machine moves both halves of a pair alike. Options: --pairs (4),
// --duration (5 s per run), --connections (32), --only (workloads whose name contains this text).
// Figures depend on the machine and Node version.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, option, root, serverScript, SERVER_NODE_FLAGS, startProcess } from './harness.mjs';

const connections = Number(option('connections', 32));
const duration = Number(option('duration', 5));
const pairs = Number(option('pairs', 4));

const CPT = 'http://www.ama-assn.org/go/cpt';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const VS = 'http://fhir.bone-strength.org/ValueSet';
const q = (o) => new URLSearchParams(o).toString();
const ALL_WORKLOADS = [
  ['$lookup', `/fhir/CodeSystem/$lookup?${q({ system: CPT, code: '0556T' })}`],
  ['CodeSystem/$validate-code', `/fhir/CodeSystem/$validate-code?${q({ url: ICD, code: 'M81.0' })}`],
  ['ValueSet/$validate-code', `/fhir/ValueSet/$validate-code?${q({ url: `${VS}/cpt-0556t-diagnoses`, system: ICD, code: 'M81.0' })}`],
  ['$translate', `/fhir/ConceptMap/$translate?${q({ system: CPT, code: '0556T', targetsystem: ICD })}`],
];
const only = option('only', '');
const WORKLOADS = ALL_WORKLOADS.filter(([name]) => name.includes(only));
if (WORKLOADS.length === 0) throw new Error(`--only ${only}: no workload is named so (${ALL_WORKLOADS.map(([n]) => n).join(', ')})`);

function load(url) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, method: 'GET' }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const port = await freePort();
const { child: serviceProcess } = await startProcess([...SERVER_NODE_FLAGS, serverScript], { PORT: String(port), HOST: '127.0.0.1' });
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

console.log(`Node ${process.version}, ${connections} connections, ${duration} s per run, ${pairs} pairs per workload`);
console.log('| workload | service req/s (median) | baseline req/s (median) | ratio per pair | median ratio | service p99 ms | non-2xx |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
try {
  for (const [name, p] of WORKLOADS) {
    const service = [];
    const baseline = [];
    let p99 = 0;
    let non2xx = 0;
    for (let i = 0; i < pairs; i++) {
      const runService = async () => {
        const r = await load(`http://127.0.0.1:${port}${p}`);
        service.push(r.requests.average);
        p99 = Math.max(p99, r.latency.p99);
        non2xx += r.non2xx;
      };
      const runBaseline = async () => baseline.push((await load(`http://127.0.0.1:${basePort}${p}`)).requests.average);
      if (i % 2 === 0) {
        await runService();
        await runBaseline();
      } else {
        await runBaseline();
        await runService();
      }
    }
    const ratios = service.map((s, i) => s / baseline[i]);
    console.log(
      `| ${name} | ${Math.round(median(service))} | ${Math.round(median(baseline))} | ${ratios.map((r) => r.toFixed(2)).join(' ')} | ${median(ratios).toFixed(2)} | ${p99} | ${non2xx} |`,
    );
  }
} finally {
  serviceProcess.kill('SIGTERM');
  baseServer.kill('SIGTERM');
}
