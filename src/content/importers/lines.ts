/**
 * Splits file text into lines: CRLF, LF or CR endings, a leading UTF-8 BOM removed.
 * A final empty line after the last line ending is not returned.
 */
export function splitLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** How often (in lines) parse functions report progress. */
export const PROGRESS_EVERY = 5000;

/** Extracts a 1-based inclusive column range, like the layouts in the official record descriptions. */
export function cols(line: string, from: number, to?: number): string {
  return to === undefined ? line.slice(from - 1) : line.slice(from - 1, to);
}
