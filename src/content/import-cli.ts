import { mkdir, open, readFile, realpath, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { IMPORTERS, type ImportInput, importerFor } from './importers';

/** Where the CLI writes: a stream with an optional TTY flag (process.stderr fits). */
export interface OutStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ImportIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  /** Directory relative paths are resolved against (default: process.cwd()). */
  readonly cwd?: string;
  /** Clock in milliseconds (default: performance.now()). */
  readonly now?: () => number;
}

export const USAGE = `Usage: npm run import -- <kind> <file...> [--out <dir>] [--version <v>]

Kinds:
${IMPORTERS.map((i) => `  ${i.kind.padEnd(8)} ${i.description}${i.versionRequired ? ' (--version required)' : ''}`).join('\n')}

Writes <out>/CodeSystem-<id>-<version>.json (default out: ./content).`;

interface CliArgs {
  kind: string;
  files: string[];
  out: string | undefined;
  version: string | undefined;
}

function parseArgs(argv: readonly string[]): CliArgs | string {
  const positional: string[] = [];
  let out: string | undefined;
  let version: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    if (flag === '--out' || flag === '--version') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') return `${flag} needs a value`;
      if (flag === '--out') out = value;
      else version = value;
    } else if (a === '--help' || a === '-h') {
      return '';
    } else if (a.startsWith('--')) {
      return `unknown option ${a}`;
    } else {
      positional.push(a);
    }
  }
  const [kind, ...files] = positional;
  if (kind === undefined) return 'missing <kind>';
  if (files.length === 0) return 'missing <file>';
  return { kind, files, out, version };
}

async function realOrResolved(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    // does not exist yet: resolve the parent as far as it exists
    const parent = path.dirname(p);
    if (parent === p) return p;
    return path.join(await realOrResolved(parent), path.basename(p));
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Progress on stderr: a redrawn bar on a TTY, a plain line every 10 % otherwise. */
class Progress {
  private lastDraw = 0;
  private lastDecile = -1;
  private drawn = false;
  constructor(
    private readonly stream: OutStream,
    private readonly now: () => number,
  ) {}

  update(label: string, done: number, total: number): void {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    if (this.stream.isTTY) {
      const t = this.now();
      if (fraction < 1 && t - this.lastDraw < 80) return;
      this.lastDraw = t;
      const width = 30;
      const filled = Math.round(fraction * width);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      const text = `${label} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} lines`;
      this.stream.write(`\r${text.slice(0, Math.max(20, (this.stream.columns ?? 120) - 1))}\x1b[K`);
      this.drawn = true;
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      this.stream.write(`${label}: ${decile * 10}% (${done}/${total} lines)\n`);
    }
  }

  /** Ends the bar line (TTY) and resets for the next file. */
  end(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
    this.lastDecile = -1;
    this.lastDraw = 0;
  }

  note(message: string): void {
    this.end();
    this.stream.write(`${message}\n`);
  }
}

/** Decodes UTF-8 when the bytes are valid UTF-8, else Windows-1252/Latin-1 (older CMS files). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** Runs the importer CLI; resolves to the exit code. Nothing is written unless the import succeeds. */
export async function runImport(argv: readonly string[], io: ImportIo): Promise<number> {
  const now = io.now ?? (() => performance.now());
  const started = now();
  const cwd = io.cwd ?? process.cwd();
  const err = (message: string): number => {
    io.stderr.write(`${message}\n`);
    return 1;
  };
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    if (args === '') {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    return err(`import: ${args}\n\n${USAGE}`);
  }
  const importer = importerFor(args.kind);
  if (!importer) return err(`import: unknown kind ${JSON.stringify(args.kind)}; expected one of ${IMPORTERS.map((i) => i.kind).join(', ')}`);
  if (importer.maxFiles !== undefined && args.files.length > importer.maxFiles) {
    return err(`import: ${importer.kind} takes ${importer.maxFiles} file, got ${args.files.length}`);
  }
  const version = args.version ?? importer.inferVersion(args.files);
  if (version === undefined) {
    return err(
      importer.versionRequired
        ? `import: ${importer.kind} needs --version <v> (the release files do not carry it)`
        : `import: cannot infer the version from ${args.files.map((f) => path.basename(f)).join(', ')}; pass --version <v>`,
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(version)) return err(`import: version ${JSON.stringify(version)} may only contain letters, digits, '.', '_' and '-'`);

  const outDir = path.resolve(cwd, args.out ?? 'content');
  const resourcesDir = path.resolve(cwd, 'resources');
  const [realOut, realResources] = await Promise.all([realOrResolved(outDir), realOrResolved(resourcesDir)]);
  if (isInside(outDir, resourcesDir) || isInside(realOut, realResources)) {
    return err(`import: refusing to write into ${resourcesDir}: it holds the curated resources; imports go to content/ (or another --out)`);
  }

  const progress = new Progress(io.stderr, now);
  const inputs: ImportInput[] = [];
  for (const file of args.files) {
    const full = path.resolve(cwd, file);
    let bytes: Buffer;
    try {
      bytes = await readFile(full);
    } catch (e) {
      return err(`${file}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
    }
    inputs.push({ name: file, text: decodeText(bytes) });
  }

  const outcome = importer.run(inputs, version, (file, done, total) => progress.update(`parsing ${path.basename(file)}`, done, total));
  progress.end();
  if (!outcome.ok) {
    return err(`${outcome.file}:${outcome.error.line}: ${outcome.error.reason}`);
  }
  const cs = outcome.codeSystem;
  const baseId = cs.id !== undefined && cs.id.endsWith(`-${version}`) ? cs.id.slice(0, -version.length - 1) : (cs.id ?? importer.kind);
  const target = path.join(outDir, `CodeSystem-${baseId}-${version}.json`);
  const tmp = path.join(outDir, `.CodeSystem-${baseId}-${version}.json.${process.pid}.${Date.now()}.tmp`);
  progress.note(`writing ${path.relative(cwd, target) || target}`);
  try {
    await mkdir(outDir, { recursive: true });
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(`${JSON.stringify(cs)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    return err(`import: cannot write ${target}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const elapsed = (now() - started) / 1000;
  const lines: [string, string | number][] = [
    ['kind', importer.kind],
    ['system', cs.url ?? ''],
    ['version', version],
    ...outcome.summary.map(([k, v]): [string, string | number] => [k, v]),
    ['written', target],
    ['elapsed', `${elapsed.toFixed(2)} s`],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  io.stdout.write(`Imported ${cs.title ?? importer.kind}\n${lines.map(([k, v]) => `  ${k.padEnd(width)}  ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`).join('\n')}\n`);
  return 0;
}

if (require.main === module) {
  runImport(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`import: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
