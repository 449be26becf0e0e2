// npm run conformance: start the service and score it with the HL7 terminology ecosystem test
// suite (../shared/tx-ecosystem/tests, run by ../shared/tools/txtests). With --ci, fail when the
// number of tests passed drops below the floor in .ci/conformance-floor.
// Extra arguments go to the runner (e.g. --suites validation --verbose).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, root, serverScript, SERVER_NODE_FLAGS, startProcess } from './harness.mjs';

const shared = process.env.SHARED_DIR ?? path.resolve(root, '../shared');
const runner = path.join(shared, 'tools/txtests/run.mjs');
const testsDir = path.join(shared, 'tx-ecosystem/tests');
const args = process.argv.slice(2);
const ci = args.includes('--ci');
const runnerArgs = args.filter((a) => a !== '--ci');

if (!existsSync(runner) || !existsSync(testsDir)) {
  console.log(`conformance: the suite is not at ${shared}; nothing to run`);
  process.exit(0);
}

const port = await freePort();
const { child: service } = await startProcess([...SERVER_NODE_FLAGS, serverScript], { PORT: String(port), HOST: '127.0.0.1' });

const output = await new Promise((resolve) => {
  let text = '';
  const child = spawn(process.execPath, [runner, '--server', `http://127.0.0.1:${port}/fhir`, '--tests-dir', testsDir, ...runnerArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.on('data', (d) => {
    text += d;
    process.stdout.write(d);
  });
  child.on('exit', () => resolve(text));
});
service.kill('SIGTERM');

const summary = /(\d+) passed, (\d+) failed/.exec(output);
if (!summary) {
  console.error('conformance: the runner printed no summary');
  process.exit(1);
}
const passed = Number(summary[1]);
const failed = Number(summary[2]);
const floor = Number(readFileSync(path.join(root, '.ci/conformance-floor'), 'utf8').trim());
console.log(`conformance: ${passed} of ${passed + failed} passed (${((100 * passed) / (passed + failed)).toFixed(1)} %), floor ${floor}`);
if (ci && passed < floor) {
  console.error(`conformance: ${passed} passed is below the floor of ${floor}`);
  process.exit(1);
}
