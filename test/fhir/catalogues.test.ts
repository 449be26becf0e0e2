import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CLIENT_ERRORS } from '../../src/fhir/client-errors';

/**
 * The two catalogues (terminology issues, client errors) against the code: every id a call site
 * uses is in a catalogue, and every catalogue entry is used somewhere.
 */
const SRC = path.resolve(__dirname, '../../src');
const ISSUES_FILE = path.join(SRC, 'terminology/issues.ts');
const CLIENT_ERRORS_FILE = path.join(SRC, 'fhir/client-errors.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const files = sourceFiles(SRC).filter((f) => f !== ISSUES_FILE && f !== CLIENT_ERRORS_FILE);
const code = files.map((f) => readFileSync(f, 'utf8')).join('\n');

/** The keys of the catalogue object literal in issues.ts (entries are `Id: ...` lines). */
function terminologyIds(): Set<string> {
  const source = readFileSync(ISSUES_FILE, 'utf8');
  const body = /const (?:CATALOGUE|TEMPLATES) = \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? '';
  return new Set([...body.matchAll(/^\s+([A-Za-z][A-Za-z0-9_]*):/gm)].map((m) => m[1]));
}

/** Used: named in the code, or a plural form (`_one`, `_other`) whose stem the code names and completes by count. */
const quoted = (id: string): boolean => code.includes(`'${id}'`) || code.includes(`'${id.replace(/_(one|other)$/, '')}'`);
const looksLikeMessageId = /^(?=.*_)[A-Za-z][A-Za-z0-9_]*$/;

describe('the client-error catalogue', () => {
  const used = [...code.matchAll(/(?:clientError|FhirError)\(\s*'([A-Za-z0-9_]+)'/g)].map((m) => m[1]);

  it('holds every code a call site uses', () => {
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((id) => !(id in CLIENT_ERRORS))).toEqual([]);
  });

  it('has no entry that nothing uses', () => {
    expect(Object.keys(CLIENT_ERRORS).filter((id) => !used.includes(id))).toEqual([]);
  });
});

describe('the terminology issue catalogue', () => {
  const ids = terminologyIds();
  // message ids passed to issue(...), or chosen into a MessageId variable
  const used = new Set(
    [...code.matchAll(/issue\(([^;]*?)\)/g), ...code.matchAll(/MessageId\s*=\s*([^;]*);/g)].flatMap((m) =>
      [...m[1].matchAll(/'([^']+)'/g)].map((q) => q[1]).filter((t) => looksLikeMessageId.test(t)),
    ),
  );

  it('holds every message id a call site uses', () => {
    expect(ids.size).toBeGreaterThan(30);
    expect([...used].filter((id) => !ids.has(id))).toEqual([]);
  });

  it('has no entry that nothing uses', () => {
    expect([...ids].filter((id) => !quoted(id))).toEqual([]);
  });
});
