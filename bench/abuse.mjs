// npm run bench:abuse: what one client can send to stall or sink the service, at full size, against
// a server started with --max-old-space-size=384 (a 512 MiB container). Prints per case the
// statuses answered, the time taken, the slowest /health answer while it ran (asked every 50 ms by
// a second client in a worker thread, so that building the big bodies here does not count) and the
// server's peak RSS. Figures depend on the machine and the Node version (printed).
//
//   node bench/abuse.mjs [--heap 384] [--large-requests 40] [--cache-requests 100]
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { freePort, option, serverScript, SERVER_NODE_FLAGS, startProcess } from './harness.mjs';

const heapMb = Number(option('heap', 384));
const largeRequests = Number(option('large-requests', 40));
const cacheRequests = Number(option('cache-requests', 100));

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const { child: server } = await startProcess([...SERVER_NODE_FLAGS, `--max-old-space-size=${heapMb}`, serverScript], { PORT: String(port), HOST: '127.0.0.1' });
let serverExit;
server.on('exit', (code, signal) => (serverExit = signal ?? code));
process.on('exit', () => server.kill('SIGKILL'));

// The second client: /health every 50 ms and the server's RSS, from another thread.
const watcher = new Worker(
  `
  const { parentPort, workerData } = require('node:worker_threads');
  const { readFileSync } = require('node:fs');
  let slowest = 0, failures = 0, rssPeak = 0, pending = 0;
  const rss = () => { try { return Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/' + workerData.pid + '/status', 'utf8'))[1]) * 1024; } catch { return 0; } };
  setInterval(() => {
    rssPeak = Math.max(rssPeak, rss());
    if (pending > 20) return;
    pending++;
    const t0 = performance.now();
    fetch(workerData.base + '/health', { signal: AbortSignal.timeout(60000) })
      .then((r) => r.arrayBuffer().then(() => { if (r.status !== 200) failures++; }))
      .catch(() => failures++)
      .finally(() => { pending--; slowest = Math.max(slowest, performance.now() - t0); });
  }, 50);
  parentPort.on('message', (m) => {
    if (m === 'report') parentPort.postMessage({ slowest, failures, rssPeak });
    if (m === 'reset') { slowest = 0; failures = 0; rssPeak = rss(); parentPort.postMessage('reset'); }
  });
  `,
  { eval: true, workerData: { base, pid: server.pid } },
);
const ask = (m) => new Promise((resolve) => { watcher.once('message', resolve); watcher.postMessage(m); });

async function send(path, body, headers = {}) {
  const res = await fetch(`${base}${path}`, { method: body === undefined ? 'GET' : 'POST', body, headers: { 'Content-Type': 'application/fhir+json', ...headers } });
  const text = await res.text();
  return { status: res.status, text };
}

const rows = [];
/** Runs `requests` (functions returning { status, text }) one after another and records the case. */
async function measure(name, requests, describe = (answers) => summary(answers)) {
  await ask('reset');
  const t0 = performance.now();
  const answers = [];
  for (const r of requests) {
    if (serverExit !== undefined) break;
    try {
      answers.push(await r());
    } catch (e) {
      answers.push({ status: `error (${e.cause?.code ?? e.message})`, text: '' });
    }
  }
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 200));
  const { slowest, failures, rssPeak } = await ask('report');
  rows.push({ name, result: serverExit !== undefined ? `server died (${serverExit})` : describe(answers), ms, slowest, failures, rssMb: rssPeak / 1024 / 1024 });
  process.stderr.write(`${name}: done\n`);
}

function summary(answers) {
  const counts = new Map();
  for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => (answers.length > 1 ? `${n}× ${s}` : String(s))).join(', ');
}

const json = JSON.stringify;
const codeSystem = (url, codes, extra = {}) => ({ resourceType: 'CodeSystem', url, version: '1', status: 'active', content: 'complete', concept: codes.map((code) => ({ code, display: `Display of ${code.slice(0, 24)}` })), ...extra });
const expandWith = (cs, filter, count = 10) =>
  json({
    resourceType: 'Parameters',
    parameter: [
      { name: 'tx-resource', resource: cs },
      { name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: cs.url, filter: [filter] }] } } },
      { name: 'count', valueInteger: count },
    ],
  });
const UCUM = 'http://unitsofmeasure.org';
const ucumBody = (code) => json({ resourceType: 'Parameters', parameter: [{ name: 'url', valueUri: UCUM }, { name: 'code', valueCode: code }] });

// warm-up: the first use of FHIR's core terminology reads it
await send('/fhir/ValueSet/c80-doc-typecodes');
await send(`/fhir/CodeSystem/$lookup?system=${UCUM}&code=mg`);

// 1. regex filters over 60-character codes (10,000 of them)
const longCodes = codeSystem('http://example.org/long', Array.from({ length: 10_000 }, (_, i) => `${'a'.repeat(54)}${String(i).padStart(6, '0')}`.replace(/0/g, 'a')));
for (const pattern of ['(a|a)*', 'a*a*a*a*a*a*b', '.*.*.*.*=', '(a+)+$']) {
  const body = expandWith(longCodes, { property: 'code', op: 'regex', value: pattern });
  await measure(`$expand regex ${pattern} over 10,000 60-char codes`, [() => send('/fhir/ValueSet/$expand', body)], ([a]) => `${a.status} total=${/"total":(\d+)/.exec(a.text)?.[1] ?? '-'}`);
}

// 2. UCUM: a 60 KB code, a 2 MB code, then many distinct 2 MB codes
await measure('UCUM code 60 KB (m. x 30,000)', [() => send('/fhir/CodeSystem/$validate-code', ucumBody(`${'m.'.repeat(30_000)}m`))]);
await measure('UCUM code 2 MB', [() => send('/fhir/CodeSystem/$validate-code', ucumBody(`${'m.'.repeat(1_000_000)}m`))]);
await measure(
  '500 distinct UCUM codes of 2 MB',
  Array.from({ length: 500 }, (_, i) => () => send('/fhir/CodeSystem/$validate-code', ucumBody(`${'m.'.repeat(1_000_000)}g{${i}}`))),
);
await measure(
  '2,000 distinct valid UCUM codes of 250 characters',
  Array.from({ length: 2000 }, (_, i) => () => send(`/fhir/CodeSystem/$validate-code?url=${UCUM}&code=${encodeURIComponent(`${'m.'.repeat(120)}g{${i}}`)}`)),
);

// 3. Parameters with many repeats
// $lookup names its code system with `system`, CodeSystem/$validate-code with `url`
const repeated = (n, p, systemParameter = 'system') => json({ resourceType: 'Parameters', parameter: [{ name: systemParameter, valueUri: 'http://www.ama-assn.org/go/cpt' }, { name: 'code', valueCode: '0556T' }, ...Array.from({ length: n }, () => p)] });
const hundredThousand = repeated(100_000, { name: 'property', valueCode: 'display' });
await measure(`Parameters: 100,000 repeats of one parameter (${(hundredThousand.length / 1e6).toFixed(1)} MB)`, [() => send('/fhir/CodeSystem/$lookup', hundredThousand)]);
const tenThousand = repeated(9_990, { name: 'property', valueCode: 'display' });
await measure('Parameters: 9,990 repeats (under MAX_PARAMETERS)', [() => send('/fhir/CodeSystem/$lookup', tenThousand)]);
const txResources = repeated(50_000, { name: 'tx-resource', resource: codeSystem('http://example.org/tiny', ['a']) }, 'url');
await measure('Parameters: 50,000 tx-resource', [() => send('/fhir/CodeSystem/$validate-code', txResources)]);

// 4. batches of reads of a large core value set
const reads = (n) => json({ resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: n }, () => ({ request: { method: 'GET', url: 'ValueSet/c80-doc-typecodes' } })) });
const batchSummary = ([a]) => {
  if (a.status !== 200) return String(a.status);
  const statuses = [...a.text.matchAll(/"status":"(\d{3})/g)].map((m) => m[1]);
  const ok = statuses.filter((s) => s === '200').length;
  return `200 (${ok} entries 200, ${statuses.length - ok} entries 422; ${(a.text.length / 1e6).toFixed(1)} MB)`;
};
await measure(`batch: 300 reads of c80-doc-typecodes (${(reads(300).length / 1024).toFixed(0)} KB)`, [() => send('/fhir', reads(300))], batchSummary);
await measure('batch: 1,000 reads of c80-doc-typecodes', [() => send('/fhir', reads(1000))], batchSummary);
await measure('batch: 1,001 entries', [() => send('/fhir', reads(1001))]);

// 5. distinct large inline code systems, one after another
await measure(
  `${largeRequests} distinct inline code systems of 100,000 concepts`,
  Array.from({ length: largeRequests }, (_, i) => () => send('/fhir/ValueSet/$expand', expandWith(codeSystem(`http://example.org/large-${i}`, Array.from({ length: 100_000 }, (_, k) => `L${i}-${k}`)), { property: 'code', op: 'regex', value: `L${i}-1.*` }))),
);

// 5b. a large inline concept map, forwards and backwards
const largeMap = { resourceType: 'ConceptMap', url: 'http://example.org/large-map', status: 'active', group: [{ source: 'http://example.org/a', target: 'http://example.org/b', element: Array.from({ length: 200_000 }, (_, k) => ({ code: `A${k}`, target: [{ code: `B${k}`, equivalence: 'equivalent' }] })) }] };
const translateWith = (asked) => json({ resourceType: 'Parameters', parameter: [{ name: 'conceptMap', resource: largeMap }, ...asked] });
const mapForward = translateWith([{ name: 'system', valueUri: 'http://example.org/a' }, { name: 'code', valueCode: 'A7' }]);
await measure(`inline ConceptMap of 200,000 elements (${(mapForward.length / 1e6).toFixed(1)} MB), $translate forwards then backwards`, [
  () => send('/fhir/ConceptMap/$translate', mapForward),
  () => send('/fhir/ConceptMap/$translate', translateWith([{ name: 'system', valueUri: 'http://example.org/b' }, { name: 'code', valueCode: 'B7' }, { name: 'reverse', valueBoolean: true }])),
]);

// 6. $cache-control caches holding one 4.4 MB code system each
const cached = codeSystem('http://example.org/cached', Array.from({ length: 75_000 }, (_, k) => `K${k}`));
const startBody = (i) => json({ resourceType: 'Parameters', parameter: [{ name: 'tx-resource', resource: { ...cached, version: String(i) } }] });
await measure(`${cacheRequests} $cache-control caches of a ${(startBody(0).length / 1e6).toFixed(1)} MB code system each`, Array.from({ length: cacheRequests }, (_, i) => () => send('/fhir/$cache-control?mode=start', startBody(i))));

// 7. depth
// built as text: JSON.stringify itself cannot serialise such depths
const hierarchy = `${Array.from({ length: 2500 }, (_, i) => `{"code":"c${i}","concept":[`).join('')}{"code":"leaf"}${']}'.repeat(2500)}`;
const deepHierarchy = `{"resourceType":"Parameters","parameter":[{"name":"tx-resource","resource":${json(codeSystem('http://example.org/deep', [])).replace('"concept":[]', `"concept":[${hierarchy}]`)}},{"name":"url","valueUri":"http://example.org/deep"},{"name":"code","valueCode":"leaf"}]}`;
await measure('inline concept hierarchy 2,500 deep', [() => send('/fhir/CodeSystem/$validate-code', deepHierarchy)]);
const nested = `${'{"url":"http://example.org/x","extension":['.repeat(100_000)}{"url":"http://example.org/x","valueString":"x"}${']}'.repeat(100_000)}`;
const deepExtensions = `{"resourceType":"Parameters","parameter":[{"name":"valueSet","resource":{"resourceType":"ValueSet","status":"active","extension":[${nested}]}}]}`;
await measure('extensions nested 100,000 deep', [() => send('/fhir/ValueSet/$expand', deepExtensions)]);

// 8. a batch entry url with a malformed %-escape
await measure('batch entry url with a malformed %-escape', [() => send('/fhir', json({ resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'CodeSystem/%E0%A4%A' } }] }))], ([a]) => `${a.status} (entry ${/"status":"(\d{3})/.exec(a.text)?.[1]})`);

const health = await send('/ready');
const finalRss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
console.log(`\nNode ${process.version}, server heap --max-old-space-size=${heapMb}, one process\n`);
console.log('| case | answer | time (ms) | slowest /health (ms) | /health failures | RSS peak (MB) |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.name} | ${r.result} | ${r.ms.toFixed(0)} | ${r.slowest.toFixed(0)} | ${r.failures} | ${r.rssMb.toFixed(0)} |`);
console.log(`\nserver ${serverExit === undefined ? 'alive' : `died (${serverExit})`} at the end; peak RSS over the run ${finalRss.toFixed(0)} MB`);
if (health.text) console.log(`caches: ${JSON.parse(health.text).caches.map((c) => `${c.name} ${(c.bytes / 1048576).toFixed(1)}/${(c.maxBytes / 1048576).toFixed(0)} MiB (${c.entries})`).join(', ')}`);
await watcher.terminate();
server.kill('SIGTERM');
