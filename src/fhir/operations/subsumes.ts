import type { CodeSystem, Coding, Parameters } from 'fhir/r4';
import { subsumes } from '../../terminology/subsumes';
import { hintingConcepts } from '../error-hints';
import { clientError } from '../operation-outcome';
import { parameters } from '../parameters';
import { codingFrom } from './coding-input';
import { EcosystemInput, OperationRequest, requestRegistry } from './context';

/** The input of CodeSystem/$subsumes (its OperationDefinition, and the ecosystem's). */
export interface SubsumesParameters extends EcosystemInput {
  codeA?: string;
  codeB?: string;
  system?: string;
  version?: string;
  codingA?: Coding;
  codingB?: Coding;
}

/** CodeSystem/$subsumes: codeA/codeB with system, or codingA/codingB. */
export function subsumesOperation(request: OperationRequest<SubsumesParameters>): Parameters {
  const { input } = request;
  const instance = request.instance as CodeSystem | undefined;
  const a = codingFrom({ code: input.codeA, coding: input.codingA }, { code: 'codeA', coding: 'codingA' })?.codings[0];
  const b = codingFrom({ code: input.codeB, coding: input.codingB }, { code: 'codeB', coding: 'codingB' })?.codings[0];
  if (a?.system && b?.system && a.system !== b.system) {
    throw clientError('SUBSUMES_SYSTEMS_DIFFER', [], 'codingB');
  }
  if (!a?.code) throw clientError('SUBSUMES_CODE_REQUIRED', ['codeA', 'codingA'], 'codeA');
  if (!b?.code) throw clientError('SUBSUMES_CODE_REQUIRED', ['codeB', 'codingB'], 'codeB');
  const system = input.system ?? a.system ?? instance?.url;
  if (!system) throw clientError('SUBSUMES_SYSTEM_REQUIRED', [], 'system');
  const registry = requestRegistry(request);
  const version = input.version ?? a.version ?? instance?.version;
  const asked = [a, b].map((c) => ({ system, version, code: c.code }));
  const outcome = hintingConcepts(registry, asked, () => subsumes(registry, { system, version, codeA: a.code as string, codeB: b.code as string }));
  return parameters([{ name: 'outcome', valueCode: outcome }]);
}
