// Lets `node -r <this file> src/http/main.ts` run the server from its TypeScript sources, for
// tests that need a real process (signals, exit codes, workers) without a build first. Each
// file's JavaScript is kept in the temporary directory by content hash: processes after the first start fast.
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  resolveJsonModule: true,
};
const cacheDir = path.join(tmpdir(), 'terminology-server-transpiled');
mkdirSync(cacheDir, { recursive: true });

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const cached = path.join(cacheDir, `${createHash('sha256').update(filename).update(source).update(ts.version).digest('hex')}.js`);
  let output;
  try {
    output = readFileSync(cached, 'utf8');
  } catch {
    output = ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
    writeFileSync(`${cached}.${process.pid}`, output);
    renameSync(`${cached}.${process.pid}`, cached);
  }
  module._compile(output, filename);
};
