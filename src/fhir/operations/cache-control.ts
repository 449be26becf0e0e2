import type { Parameters, Resource } from 'fhir/r4';
import { issue, toOperationOutcome } from '../../terminology/issues';
import { isTerminologyResource } from '../../terminology/registry';
import { clientError } from '../operation-outcome';
import { parameters } from '../parameters';
import type { ResourceCaches } from '../resource-caches';
import { problemOfSentResource } from './context';


/** The input of $cache-control (conformance/OperationDefinition-cache-control). */
export interface CacheControlParameters {
  mode?: string;
  sealed?: boolean;
  'tx-resource'?: Resource[];
}

export interface CacheControlRequest {
  input: CacheControlParameters;
  /** mode from the query string, which wins over a mode parameter in the body */
  queryMode?: string;
  /** the X-Cache-Id header */
  cacheId?: string;
  caches: ResourceCaches;
}

function requireCacheId(request: CacheControlRequest, mode: string): string {
  if (!request.cacheId) throw clientError('CACHE_ID_REQUIRED', [mode], 'X-Cache-Id');
  return request.cacheId;
}

/** [base]/$cache-control: open (start), probe (check) or release (end) a client's resource cache. */
export function cacheControlOperation(request: CacheControlRequest): Parameters {
  const mode = request.queryMode ?? request.input.mode;
  const { caches } = request;
  switch (mode) {
    case 'start': {
      const resources = (request.input['tx-resource'] ?? []).filter(isTerminologyResource);
      for (const r of resources) {
        const problem = problemOfSentResource(r);
        if (problem) throw clientError('CACHE_RESOURCE_INVALID', [r.resourceType, r.url ?? r.id ?? '', problem], 'tx-resource');
      }
      const sealed = request.input.sealed ?? false;
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
      throw clientError('CACHE_MODE_REQUIRED', [mode ? `, not '${mode}'` : ''], 'mode');
  }
}
