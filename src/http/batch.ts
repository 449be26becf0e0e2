import type { FhirResource } from 'fhir/r4';
import type { BatchEntryHandler, BatchEntryRequest } from '../fhir/batch-bundle';
import { FhirError, notFound } from '../fhir/operation-outcome';
import { runOperationCall, terminologyType, TerminologyService } from './operations';

/**
 * A batch entry goes where the same request sent alone would: `[type]/$op` and
 * `[type]/[id]/$op` to the operation routing table, `GET [type]/[id]` to a read.
 */
export function batchEntryHandler(service: TerminologyService, acceptLanguage: string | undefined, cacheId: string | undefined): BatchEntryHandler {
  const { registry } = service;
  return (request: BatchEntryRequest): FhirResource => {
    const [first, second, third, ...rest] = request.path;
    const where = `/${request.path.join('/')}`;
    if (first === undefined || rest.length > 0) throw new FhirError(400, 'not-supported', `A batch entry here is an operation or a read, not ${where}`);
    const type = terminologyType(first);
    const operationName = third ?? second;
    if (operationName?.startsWith('$')) {
      const id = third === undefined ? undefined : second;
      return runOperationCall(service, { method: request.method, type, name: operationName, id, query: request.query, body: request.resource, acceptLanguage, cacheId });
    }
    if (request.method === 'GET' && second !== undefined && third === undefined) {
      const resource = registry.read(type, second);
      if (!resource) throw notFound(`${type}/${second} is not known to this server`);
      return resource;
    }
    throw new FhirError(400, 'not-supported', `A batch entry here is an operation or a read, not ${request.method} ${where}`);
  };
}
