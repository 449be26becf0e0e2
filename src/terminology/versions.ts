/**
 * Version rules for canonical resources: matching a requested version (with `x`/`*` wildcards
 * and partial versions) and choosing the latest when none is named.
 */

const WILDCARD = /^(x|X|\*)$/;

/** Does the stated `actual` version satisfy the `requested` one? */
export function versionMatches(requested: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (requested === actual) return true;
  const want = requested.split('.');
  if (!want.some((p) => WILDCARD.test(p))) return false;
  const have = actual.split('.');
  if (have.length < want.length) return false;
  return want.every((part, i) => WILDCARD.test(part) || part === have[i]);
}

export function isWildcardVersion(version: string): boolean {
  return version.split('.').some((p) => WILDCARD.test(p));
}

function segments(version: string): Array<number | string> {
  return version.split(/[.\-+]/).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Orders versions: numeric segments numerically, then text; a missing version sorts first. */
export function compareVersions(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const x = segments(a);
  const y = segments(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p - q;
    return String(p) < String(q) ? -1 : 1;
  }
  return 0;
}

/** url|version, or the url alone when there is no version: how answers name a resource (splitCanonical reads it back). */
export function canonicalOf(r: { url?: string; version?: string }): string {
  return r.version ? `${r.url}|${r.version}` : (r.url ?? '');
}

/** Split `url|version` into its parts. */
export function splitCanonical(canonical: string): { url: string; version?: string } {
  const bar = canonical.indexOf('|');
  if (bar < 0) return { url: canonical };
  const version = canonical.slice(bar + 1);
  return { url: canonical.slice(0, bar), version: version || undefined };
}

/** Pick from candidates the one matching `version`, or the latest when `version` is absent. */
export function selectVersion<T extends { version?: string }>(candidates: T[], version?: string): T | undefined {
  if (!candidates.length) return undefined;
  if (version === undefined) {
    return candidates.reduce((best, c) => (compareVersions(c.version, best.version) > 0 ? c : best));
  }
  const matches = candidates.filter((c) => versionMatches(version, c.version));
  if (!matches.length) return undefined;
  return matches.reduce((best, c) => (compareVersions(c.version, best.version) > 0 ? c : best));
}

/** Versions as messages list them: "1.0.0", "1.0.0 or 1.2.0", "1.0.0, 1.1.0 and 1.2.0" (in version order). */
export function presentVersionList(versions: string[]): string {
  const sorted = [...new Set(versions)].sort(compareVersions);
  if (sorted.length <= 1) return sorted.join('');
  if (sorted.length === 2) return `${sorted[0]} or ${sorted[1]}`;
  return `${sorted.slice(0, -1).join(', ')} and ${sorted[sorted.length - 1]}`;
}
