import type { FhirResource } from 'fhir/r4';
import { batchValidateCodeOperation, BatchValidateCodeParameters } from './operations/batch-validate-code';
import type { EcosystemInput, OperationRequest } from './operations/context';
import { ExpandParameters, expandOperation } from './operations/expand';
import { LookupParameters, lookupOperation } from './operations/lookup';
import { SubsumesParameters, subsumesOperation } from './operations/subsumes';
import { TRANSLATE_R5_PARAMETERS, translateOperation, TranslateParameters } from './operations/translate';
import { codeSystemValidateCodeOperation, ValidateCodeParameters, valueSetValidateCodeOperation } from './operations/validate-code';
import { compiledOperation } from './operation-definitions';
import { CompiledOperation, OperationCall, parseInputParameters } from './parameters';

/** An operation on a resource type: its compiled definition, and how a call runs (parse, then the handler). */
export interface OperationRoute {
  definition: CompiledOperation;
  run: (call: OperationCall, context: Omit<OperationRequest, 'input'>) => FhirResource;
}

/** The route of an operation whose input is T: the parse and the handler agree on T. */
function route<T extends EcosystemInput>(definitionId: string, handler: (request: OperationRequest<T>) => FhirResource, extra?: Parameters<typeof compiledOperation>[1]): OperationRoute {
  const definition = compiledOperation(definitionId, extra);
  return { definition, run: (call, context) => handler({ ...context, input: parseInputParameters<T>(definition, call) }) };
}

/** Which operation answers `[type]/$[name]`, compiled once when the server starts. */
export const OPERATIONS: ReadonlyMap<string, OperationRoute> = new Map([
  ['CodeSystem/$lookup', route<LookupParameters>('CodeSystem-lookup', lookupOperation)],
  ['CodeSystem/$validate-code', route<ValidateCodeParameters>('CodeSystem-validate-code', codeSystemValidateCodeOperation)],
  ['CodeSystem/$subsumes', route<SubsumesParameters>('CodeSystem-subsumes', subsumesOperation)],
  ['ValueSet/$expand', route<ExpandParameters>('ValueSet-expand', (r) => expandOperation(r))],
  ['ValueSet/$validate-code', route<ValidateCodeParameters>('ValueSet-validate-code', valueSetValidateCodeOperation)],
  ['ValueSet/$batch-validate-code', route<BatchValidateCodeParameters>('ValueSet-batch-validate-code', batchValidateCodeOperation)],
  ['ConceptMap/$translate', route<TranslateParameters>('ConceptMap-translate', translateOperation, TRANSLATE_R5_PARAMETERS)],
]);

