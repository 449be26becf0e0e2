import type { Request, Response } from 'express';
import type { Resource } from 'fhir/r4';
import { jsonLength } from '../fhir/json-measure';
import { FhirError, tooCostly } from '../fhir/operation-outcome';
import { limitsOf } from './limits';

const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir']);

function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' ? v : undefined;
}

/** The media type to answer with: `_format` wins over Accept; only JSON is served. */
export function responseType(req: Request): string {
  const format = queryString(req, '_format');
  if (format !== undefined) {
    const base = format.split(';')[0].trim().toLowerCase();
    if (!JSON_FORMATS.has(base)) throw new FhirError(406, 'not-supported', `_format '${format}' is not supported: this server speaks JSON (json, application/fhir+json)`, ['_format']);
    return base === 'application/json' ? 'application/json' : 'application/fhir+json';
  }
  const accept = req.get('accept') ?? '';
  if (accept.includes('application/json') && !accept.includes('fhir+json')) return 'application/json';
  return 'application/fhir+json';
}

/** A browser asking for a page (Accept: text/html first) rather than a FHIR client asking for JSON. */
export function prefersHtml(req: Request): boolean {
  return queryString(req, '_format') === undefined && req.accepts(['application/fhir+json', 'application/json', 'text/html']) === 'text/html';
}

/** Send a FHIR resource as JSON, pretty when `_pretty=true`. */
export function sendResource(req: Request, res: Response, status: number, resource: Resource): void {
  let type = 'application/fhir+json';
  try {
    type = responseType(req);
  } catch {
    // an unsupported _format is reported by the error handler; the error itself still goes out as JSON
  }
  const pretty = queryString(req, '_pretty') === 'true';
  const { maxResponseBytes } = limitsOf(req);
  // measured before it is serialised: a response of hundreds of megabytes must not be built at all
  if (jsonLength(resource) > maxResponseBytes) {
    const refusal = tooCostly(`The response would be larger than ${maxResponseBytes} bytes (MAX_RESPONSE_BYTES): ask for less (count, _count, _summary)`);
    res.status(refusal.status).type(`${type}; charset=utf-8`).send(JSON.stringify(refusal.toOperationOutcome()));
    return;
  }
  res.status(status).type(`${type}; charset=utf-8`).send(JSON.stringify(resource, null, pretty ? 2 : undefined));
}
