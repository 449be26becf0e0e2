// What the bench scripts share: command-line options, a free port, and starting a server process
// that announces itself with a line containing "ready".
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const serverScript = path.join(root, 'dist/src/http/main.js');
/** Node's flags for the server, as the image and `npm start` run it (Node 20's young generation size on every Node). */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=16'];

/** `--name value` from the command line, or the fallback. */
export function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Start `node ...args` in its own process (so that it does not share a core with the load
 * generator) and wait for its ready line. Resolves to the child, that line, and the time it took.
 */
export async function startProcess(args, env = {}) {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const ready = out.split('\n').find((l) => l.includes('ready'));
      if (ready) {
        child.stdout.off('data', onData);
        resolve(ready);
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { child, line, readyMs: Number(process.hrtime.bigint() - t0) / 1e6 };
}
