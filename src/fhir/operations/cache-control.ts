import type { Parameters, Resource } from 'fhir/r4';
import { issue, toOperationOutcome } from '../../terminology/issues';
import type { TerminologyResource } from '../../terminology/registry';
import { badRequest } from '../operation-outcome';
import type { OperationInput } from '../parameters';
import { parameters } from '../parameters';
import type { ResourceCaches } from '../resource-caches';
import { problemOfSentResource } from './context';

const TERMINOLOGY_TYPES = new Set(['CodeSystem', 'ValueSet', 'ConceptMap']);

export interface CacheControlRequest {
  input: OperationInput;
  /** mode from the query string, which wins over a mode parameter in the body */
  queryMode?: string;
  /** the X-Cache-Id header */
  cacheId?: string;
  caches: ResourceCaches;
}

function requireCacheId(request: CacheControlRequest, mode: string): string {
  if (!request.cacheId) throw badRequest(`$cache-control mode=${mode} needs the cache's id in the X-Cache-Id header`, 'X-Cache-Id');
  return request.cacheId;
}

/** [base]/$cache-control: open (start), probe (check) or release (end) a client's resource cache. */
export function cacheControlOperation(request: CacheControlRequest): Parameters {
  const mode = request.queryMode ?? request.input.string('mode');
  const { caches } = request;
  switch (mode) {
    case 'start': {
      const resources = request.input.resources('tx-resource').filter((r: Resource) => TERMINOLOGY_TYPES.has(r.resourceType)) as TerminologyResource[];
      for (const r of resources) {
        const problem = problemOfSentResource(r);
        if (problem) throw badRequest(`tx-resource ${r.resourceType} ${r.url ?? r.id ?? ''} is not valid: ${problem}`, 'tx-resource');
      }
      const sealed = request.input.boolean('sealed') ?? false;
      const id = caches.start(resources, sealed);
      return parameters([
        { name: 'cache-id', valueId: id },
        { name: 'sealed', valueBoolean: sealed },
      ]);
    }
    case 'check': {
      const id = requireCacheId(request, mode);
      const status = caches.status(id);
      if (!status) {
        const outcome = toOperationOutcome([issue('CACHE_ID_UNKNOWN', [id])]);
        return parameters([
          { name: 'cache-id', valueId: id },
          { name: 'valid', valueBoolean: false },
          { name: 'outcome', resource: outcome },
        ]);
      }
      return parameters([
        { name: 'cache-id', valueId: id },
        { name: 'valid', valueBoolean: true },
        { name: 'sealed', valueBoolean: status.sealed },
        { name: 'resource-count', valueUnsignedInt: status.resources },
        { name: 'idle', valueUnsignedInt: Math.floor(status.idleMs / 1000) },
        { name: 'timeout', valueUnsignedInt: Math.floor(caches.idleMs / 1000) },
      ]);
    }
    case 'end':
      caches.end(requireCacheId(request, mode));
      return parameters([]);
    default:
      throw badRequest(`$cache-control needs a mode of start, check or end${mode ? `, not '${mode}'` : ''}`, 'mode');
  }
}
