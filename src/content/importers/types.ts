import type { CodeSystem } from 'fhir/r4';

/** A problem in an input file: the 1-based line it was found on and why it is wrong. */
export interface ParseError {
  readonly line: number;
  readonly reason: string;
}

/** Result of a pure parse step: typed rows, or the first error found. */
export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ParseError };

/** Called now and then while parsing: lines (or records) done out of the total. */
export type ProgressFn = (done: number, total: number) => void;

export interface ParseOptions {
  readonly onProgress?: ProgressFn;
}

/** One input file handed to an importer (name is used for role/version detection). */
export interface ImportInput {
  readonly name: string;
  readonly text: string;
}

/** Options for build functions. */
export interface BuildOptions {
  readonly version: string;
}

export type SummaryLine = readonly [label: string, value: string | number];

export type ImportOutcome =
  | { readonly ok: true; readonly codeSystem: CodeSystem; readonly summary: readonly SummaryLine[] }
  | { readonly ok: false; readonly file: string; readonly error: ParseError };

/** A kind of release file the CLI knows how to import. */
export interface Importer {
  readonly kind: string;
  readonly description: string;
  /** true when the release files carry nothing the version could be taken from. */
  readonly versionRequired: boolean;
  /** Maximum number of input files (undefined: any number). */
  readonly maxFiles?: number;
  inferVersion(fileNames: readonly string[]): string | undefined;
  run(inputs: readonly ImportInput[], version: string, onProgress?: (file: string, done: number, total: number) => void): ImportOutcome;
}

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail<T>(line: number, reason: string): ParseResult<T> {
  return { ok: false, error: { line, reason } };
}
