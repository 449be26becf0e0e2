import { type ParseResult, fail, ok } from './types';

/** One CSV record with the 1-based physical line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field may be
 * enclosed in double quotes, and then may contain commas, line breaks and "" for a quote.
 * A leading BOM is ignored; blank lines are skipped.
 */
export function parseCsv(text: string): ParseResult<CsvRecord[]> {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let endOfRecord = false;
    // a blank line is no record
    if (text[i] === '\n' || text[i] === '\r') {
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    while (!endOfRecord) {
      let value = '';
      if (text[i] === '"') {
        const quoteLine = line;
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
            } else {
              i++;
              closed = true;
              break;
            }
          } else {
            if (c === '\n') line++;
            else if (c === '\r' && text[i + 1] !== '\n') line++;
            value += c;
            i++;
          }
        }
        if (!closed) return fail(quoteLine, 'quoted field is never closed');
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          return fail(line, `unexpected character ${JSON.stringify(text[i])} after a closing quote`);
        }
      } else {
        const start = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') return fail(line, 'double quote inside an unquoted field');
          i++;
        }
        value = text.slice(start, i);
      }
      fields.push(value);
      if (i >= n) {
        endOfRecord = true;
      } else if (text[i] === ',') {
        i++;
      } else {
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        endOfRecord = true;
      }
    }
    records.push({ line: startLine, fields });
  }
  return ok(records);
}
