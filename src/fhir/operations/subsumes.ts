import type { CodeSystem, Parameters } from 'fhir/r4';
import { subsumes } from '../../terminology/subsumes';
import { badRequest } from '../operation-outcome';
import { parameters } from '../parameters';
import { OperationRequest, requestRegistry } from './context';

/** CodeSystem/$subsumes: codeA/codeB with system, or codingA/codingB. */
export function subsumesOperation(request: OperationRequest): Parameters {
  const { input } = request;
  const instance = request.instance as CodeSystem | undefined;
  const a = input.coding('codingA');
  const b = input.coding('codingB');
  const system = input.string('system') ?? a?.system ?? instance?.url;
  if (a?.system && b?.system && a.system !== b.system) {
    throw badRequest('codingA and codingB must be from the same code system', 'codingB');
  }
  const codeA = a?.code ?? input.string('codeA');
  const codeB = b?.code ?? input.string('codeB');
  if (!codeA) throw badRequest("Parameter 'codeA' (or 'codingA') is required", 'codeA');
  if (!codeB) throw badRequest("Parameter 'codeB' (or 'codingB') is required", 'codeB');
  if (!system) throw badRequest("Parameter 'system' is required", 'system');
  const outcome = subsumes(requestRegistry(request), {
    system,
    version: input.string('version') ?? a?.version ?? instance?.version,
    codeA,
    codeB,
  });
  return parameters([{ name: 'outcome', valueCode: outcome }]);
}
