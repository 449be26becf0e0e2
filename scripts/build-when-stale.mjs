// Runs `npm run build` only when the compiled output is missing or older than its sources, so that
// `npm start`, `npm run import` and the benchmarks start at once when nothing changed.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The last file the build writes (see the build script in package.json).
const output = path.join(root, 'dist/definitions/schema-validators.js');

function newest(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((latest, name) => Math.max(latest, newest(path.join(entry, name))), 0);
}

const sources = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((p) => path.join(root, p));
// In an image there are no sources, only the compiled output: nothing to compare, nothing to build.
const sourcesPresent = existsSync(path.join(root, 'src'));
const builtAt = existsSync(output) ? statSync(output).mtimeMs : 0;
if (sourcesPresent && Math.max(...sources.map(newest)) > builtAt) {
  process.stderr.write(builtAt ? 'sources changed since the last build: building\n' : 'no build yet: building\n');
  execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
}
