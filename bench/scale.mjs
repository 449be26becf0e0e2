// npm run bench:scale: the service with a full-size ICD-10-CM (the synthetic 98,000-row order file
// of bench/gen-icd10cm.mjs) and, when present, the full NUCC taxonomy CSV, imported into a temporary
// content directory and loaded with CONTENT_DIRS. Measures start-up time and RSS, $lookup and
// CodeSystem/$validate-code throughput on the full system against the curated fragment,
// type-ahead $expand (filter=osteopor and filter=fracture femur, count=20, 8 connections) on the
// billable value set (icd10cm-billable) next to the implicit all-codes one (?fhir_vs), the largest
// event-loop delay in the server during the type-ahead loads (it reports it on SIGUSR2), and
// how long /health takes to answer while a batch of 20 heavy expansions runs. Figures depend on
// the machine and Node version (the server runs on the node that runs this script).
//
//   node bench/scale.mjs [--duration 10] [--connections 32] [--max-old-space MB] [--keep] [--type-ahead-only]
//
// --max-old-space starts the server with node --max-old-space-size=MB. Without it V8 sizes the
// old generation from the machine's memory and lets garbage pile up under load (RSS well above
// the live set); in a container Node takes the limit from the cgroup.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, option, root, serverScript, SERVER_NODE_FLAGS, startProcess } from './harness.mjs';

const args = process.argv.slice(2);
const duration = Number(option('duration', 10));
const connections = Number(option('connections', 32));
const typeAheadConnections = 8;
const maxOldSpace = option('max-old-space', undefined);
const nodeFlags = maxOldSpace ? [`--max-old-space-size=${Number(maxOldSpace)}`] : [];

const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const NUCC_CSV = path.resolve(root, '../shared/data/nucc-provider-taxonomy/nucc_taxonomy_251.csv');
const TARGET = { readyMs: 1500, rssMb: 300, throughputRatio: 0.9, typeAheadP99Ms: 10, valueSetVsImplicit: 2, eventLoopDelayMs: 50, healthMs: 100 };
const typeAheadOnly = args.includes('--type-ahead-only');
const BILLABLE = 'http://fhir.bone-strength.org/ValueSet/icd10cm-billable';

const work = mkdtempSync(path.join(tmpdir(), 'bench-scale-'));
const contentDir = path.join(work, 'content');
const log = (m) => process.stderr.write(`${m}\n`);

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(argv[0])} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

// ---- content: generate and import -----------------------------------------------------------
const orderFile = path.join(work, 'icd10cm_order_2026.txt');
log(run(process.execPath, [path.join(root, 'bench/gen-icd10cm.mjs'), orderFile]).trim());
const importCli = path.join(root, 'dist/src/content/import-cli.js');
log(run(process.execPath, [importCli, 'icd10cm', orderFile, '--out', contentDir]).trim());
const withNucc = existsSync(NUCC_CSV);
if (withNucc) log(run(process.execPath, [importCli, 'nucc', NUCC_CSV, '--out', contentDir]).trim());
else log(`${NUCC_CSV} not found: NUCC not imported`);

/** ~400 codes spread evenly over the generated file, dotted as the importer writes them. */
function fullCodes(n) {
  const codes = readFileSync(orderFile, 'utf8')
    .split('\n')
    .filter((l) => l.length > 14)
    .map((l) => l.slice(6, 13).trimEnd())
    .map((c) => (c.length > 3 ? `${c.slice(0, 3)}.${c.slice(3)}` : c));
  const step = codes.length / n;
  return Array.from({ length: n }, (_, i) => codes[Math.floor(i * step)]);
}

/** Every code of the curated fragment. */
function fragmentCodes() {
  const cs = JSON.parse(readFileSync(path.join(root, 'resources/CodeSystem-icd10cm.json'), 'utf8'));
  const out = [];
  const walk = (list) => list?.forEach((c) => (out.push(c.code), walk(c.concept)));
  walk(cs.concept);
  return { version: cs.version, codes: out };
}

// ---- service ----------------------------------------------------------------------------------
function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  return { rss: kb / 1024, peak: peakKb / 1024 };
}

async function startService(port) {
  const { child, line, readyMs } = await startProcess([...SERVER_NODE_FLAGS, ...nodeFlags, serverScript], { PORT: String(port), HOST: '127.0.0.1', CONTENT_DIRS: contentDir });
  const memory = rssMb(child.pid);
  log(line);
  // /ready answers 200 once the text indexes are built: traffic starts then, as behind a load balancer
  const t0 = performance.now();
  while ((await fetch(`http://127.0.0.1:${port}/ready`).catch(() => ({ status: 0 }))).status !== 200) await new Promise((r) => setTimeout(r, 10));
  const readyProbeMs = readyMs + (performance.now() - t0);
  const waiting = [];
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    let nl;
    while ((nl = out.indexOf('\n')) >= 0) {
      const l = out.slice(0, nl);
      out = out.slice(nl + 1);
      const max = /event-loop delay: max ([\d.]+) ms, p99 ([\d.]+) ms.*longest GC pause ([\d.]+ ms \(\w+\))/.exec(l);
      if (max) waiting.shift()?.({ max: Number(max[1]), p99: Number(max[2]), gc: max[3] });
    }
  });
  /** The server's event-loop delay since the previous call (or since it was ready): max and p99, and its longest GC pause, in ms. */
  const eventLoopDelay = () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      child.kill('SIGUSR2');
    });
  return { child, readyMs, readyProbeMs, rssAtReady: memory.rss, line, eventLoopDelay };
}

/**
 * POST a batch Bundle and poll /health every 10 ms until it is answered: the batch's duration,
 * and the slowest /health answer meanwhile.
 */
async function healthDuringBatch(base, entryUrls) {
  const bundle = { resourceType: 'Bundle', type: 'batch', entry: entryUrls.map((url) => ({ request: { method: 'GET', url } })) };
  const t0 = performance.now();
  let done = false;
  const batch = fetch(`${base}/fhir`, { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify(bundle) }).then(async (res) => {
    const body = await res.json();
    done = true;
    if (!res.ok || body.entry?.some((e) => !e.response?.status.startsWith('200'))) throw new Error(`batch: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    return performance.now() - t0;
  });
  const polls = [];
  while (!done) {
    const t = performance.now();
    const res = await fetch(`${base}/health`);
    await res.text();
    if (!done) polls.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 10));
  }
  return { batchMs: await batch, polls };
}

function load(base, paths, conns) {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections: conns,
        duration,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function check(base, p, expect) {
  const res = await fetch(`${base}${p}`);
  const body = await res.json();
  if (!res.ok) throw new Error(`${p} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  expect(body, p);
}

const param = (body, name) => body.parameter?.find((x) => x.name === name);
const q = (o) => new URLSearchParams(o).toString();

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const service = await startService(port);
const rows = [];
const results = [];
try {
  const full = fullCodes(400);
  const fragment = fragmentCodes();
  const lookup = (version, code) => `/fhir/CodeSystem/$lookup?${q({ system: ICD, version, code })}`;
  const validate = (version, code) => `/fhir/CodeSystem/$validate-code?${q({ url: ICD, version, code })}`;
  const expand = (url, filter, count = 20) => `/fhir/ValueSet/$expand?${q({ url, filter, count: String(count), 'system-version': `${ICD}|2026` })}`;

  // Every request the load uses answers 200, from the version it names.
  for (const [version, codes] of typeAheadOnly ? [] : [['2026', full], [fragment.version, fragment.codes]]) {
    for (const code of codes) {
      await check(base, lookup(version, code), (b, p) => {
        if (param(b, 'version')?.valueString !== version) throw new Error(`${p}: answered from version ${param(b, 'version')?.valueString}`);
      });
      await check(base, validate(version, code), (b, p) => {
        if (param(b, 'result')?.valueBoolean !== true) throw new Error(`${p}: result is not true`);
      });
    }
  }
  // Each type-ahead answers 20 codes from the full 2026.
  const typeAheadTotals = new Map();
  const filters = ['osteopor', 'fracture femur'];
  const valueSets = [['implicit ?fhir_vs', `${ICD}?fhir_vs`], ['icd10cm-billable', BILLABLE]];
  for (const filter of filters) {
    for (const [, url] of valueSets) {
      await check(base, expand(url, filter), (b, p) => {
        const used = b.expansion?.parameter?.find((x) => x.name === 'used-codesystem')?.valueUri;
        if (used !== `${ICD}|2026`) throw new Error(`${p}: expanded ${used}, not the full 2026`);
        if (b.expansion?.contains?.length !== 20) throw new Error(`${p}: ${b.expansion?.contains?.length} codes, expected 20`);
        typeAheadTotals.set(p, b.expansion.total);
        log(`${p}: total ${b.expansion.total}, first ${b.expansion.contains.slice(0, 3).map((c) => `${c.code} ${c.display}`).join(' | ')}`);
      });
    }
  }
  const sinceReady = await service.eventLoopDelay();

  const measure = async (name, paths, conns) => {
    const r = await load(base, paths, conns);
    if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    results.push({ name, r });
    return r;
  };
  const pairs = [
    ['$lookup', (v, c) => lookup(v, c)],
    ['CodeSystem/$validate-code', (v, c) => validate(v, c)],
  ];
  // Fragment and full are measured in ABBA order and averaged, so that warm-up and the heap's
  // growth during the run do not favour whichever goes second.
  for (const [name, make] of typeAheadOnly ? [] : pairs) {
    const runFragment = () => measure(`${name} fragment ${fragment.version} (${fragment.codes.length} codes)`, fragment.codes.map((c) => make(fragment.version, c)), connections);
    const runFull = () => measure(`${name} full 2026 (${full.length} codes)`, full.map((c) => make('2026', c)), connections);
    const fr1 = await runFragment();
    const fu1 = await runFull();
    const fu2 = await runFull();
    const fr2 = await runFragment();
    const fr = (fr1.requests.average + fr2.requests.average) / 2;
    const fu = (fu1.requests.average + fu2.requests.average) / 2;
    const ratio = fu / fr;
    rows.push([`${name} req/s, full vs fragment (ABBA mean)`, `${Math.round(fu)} vs ${Math.round(fr)} (${(ratio * 100).toFixed(0)} %)`, `>= ${TARGET.throughputRatio * 100} %`, ratio >= TARGET.throughputRatio]);
  }
  // Type-ahead: each filter on the implicit value set, then on the billable one.
  await service.eventLoopDelay();
  for (const filter of filters) {
    const runs = [];
    for (const [label, url] of valueSets) {
      const path = expand(url, filter);
      runs.push(await measure(`type-ahead ${label} filter=${filter} count=20 (total ${typeAheadTotals.get(path)}), ${typeAheadConnections} connections`, [path], typeAheadConnections));
    }
    const [onImplicit, onBillable] = runs;
    const p99 = onBillable.latency.p99;
    rows.push([`type-ahead icd10cm-billable filter=${filter}: p99 (p50, req/s)`, `${p99} ms (${onBillable.latency.p50} ms, ${Math.round(onBillable.requests.average)} req/s)`, `< ${TARGET.typeAheadP99Ms} ms`, p99 < TARGET.typeAheadP99Ms]);
    const implicitP99 = Math.max(onImplicit.latency.p99, 1);
    rows.push([
      `  same filter, implicit ?fhir_vs: p99 (p50, req/s); billable p99 / implicit p99`,
      `${onImplicit.latency.p99} ms (${onImplicit.latency.p50} ms, ${Math.round(onImplicit.requests.average)} req/s); ${(p99 / implicitP99).toFixed(2)}x`,
      `<= ${TARGET.valueSetVsImplicit}x`,
      p99 <= TARGET.valueSetVsImplicit * implicitP99,
    ]);
  }
  const duringTypeAhead = await service.eventLoopDelay();
  const delayText = (d) => `${d.max} ms (p99 ${d.p99} ms; longest GC pause ${d.gc})`;
  rows.push(['largest event-loop delay during the type-ahead loads', delayText(duringTypeAhead), `< ${TARGET.eventLoopDelayMs} ms`, duringTypeAhead.max < TARGET.eventLoopDelayMs]);
  rows.push(['  from the ready line to the end of the warm-up requests (text indexes built in steps), for information', delayText(sinceReady), '—', sinceReady.max < TARGET.eventLoopDelayMs ? 'yes' : 'above']);

  // A batch of 20 heavy expansions (1000 billable fracture codes each), /health polled meanwhile.
  const heavy = Array.from({ length: 20 }, (_, i) => `ValueSet/$expand?${q({ url: BILLABLE, filter: 'fracture', count: '1000', offset: String(i * 1000), 'system-version': `${ICD}|2026` })}`);
  await healthDuringBatch(base, heavy.slice(0, 2));
  await service.eventLoopDelay();
  const { batchMs, polls } = await healthDuringBatch(base, heavy);
  const duringBatch = await service.eventLoopDelay();
  const slowest = polls.length ? Math.max(...polls) : 0;
  rows.push([
    `/health during a batch of 20 expansions of 1000 codes (batch ${batchMs.toFixed(0)} ms, ${polls.length} polls): slowest answer`,
    `${slowest.toFixed(1)} ms (event-loop delay ${delayText(duringBatch)})`,
    `< ${TARGET.healthMs} ms`,
    polls.length > 0 && slowest < TARGET.healthMs,
  ]);

  const after = rssMb(service.child.pid);
  const selfMs = /\((?:[^()]*, )?(\d+) ms, RSS/.exec(service.line)?.[1];
  rows.unshift(
    ['start-up: spawn to ready line', `${service.readyMs.toFixed(0)} ms (server's own figure ${selfMs ?? '?'} ms)`, `< ${TARGET.readyMs} ms`, service.readyMs < TARGET.readyMs],
    ['  spawn to /ready 200 (text indexes built), for information', `${service.readyProbeMs.toFixed(0)} ms`, '—', '—'],
    ['RSS at ready', `${service.rssAtReady.toFixed(0)} MB`, `< ${TARGET.rssMb} MB`, service.rssAtReady < TARGET.rssMb],
    ['RSS after load (peak), for information', `${after.rss.toFixed(0)} MB (${after.peak.toFixed(0)} MB)`, '—', after.rss < TARGET.rssMb ? 'yes' : 'above start-up target'],
  );
} finally {
  service.child.kill('SIGTERM');
  if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}

console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores (other processes share them)`);
console.log(`Node ${process.version}${nodeFlags.length ? ` ${nodeFlags.join(' ')}` : ''}, ${process.platform}/${process.arch}; ICD-10-CM 2026: 98,000 synthetic rows${withNucc ? ' + NUCC 25.1 full CSV' : ''}; ${duration} s per load, ${connections} connections unless noted`);
console.log('| measure | value | target | ok |');
console.log('| --- | --- | --- | --- |');
for (const [name, value, target, ok] of rows) console.log(`| ${name} | ${value} | ${target} | ${typeof ok === 'string' ? ok : ok ? 'yes' : 'NO'} |`);
console.log('\n| load | requests/s | p50 ms | p99 ms |');
console.log('| --- | --- | --- | --- |');
for (const { name, r } of results) console.log(`| ${name} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} |`);
process.exitCode = rows.every((r) => r[3]) ? 0 : 1;
