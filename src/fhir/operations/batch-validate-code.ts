import type { OperationOutcome, Parameters, Resource } from 'fhir/r4';
import { clientError, clientErrorResponse } from '../operation-outcome';
import { compiledOperation } from '../operation-definitions';
import { parameters, parseParametersResource } from '../parameters';
import type { OperationRequest } from './context';
import { ValidateCodeParameters, valueSetValidateCodeOperation } from './validate-code';

/** More validations than this in one call is a 422: split the batch. */
export const MAX_VALIDATIONS = 1000;

/**
 * One validation's input: the batch's shared parameters, replaced by the validation's own of the
 * same name; tx-resource is the exception, the validation's resources add to the shared ones.
 */
function validationInput(shared: BatchValidateCodeParameters, own: ValidateCodeParameters): ValidateCodeParameters {
  const { validation: _validations, ...common } = shared;
  const sent = [...(common['tx-resource'] ?? []), ...(own['tx-resource'] ?? [])];
  return { ...common, ...own, ...(sent.length ? { 'tx-resource': sent } : {}) };
}

function outcomeOf(e: unknown): OperationOutcome {
  const known = clientErrorResponse(e);
  if (!known) throw e; // anything else is a bug, and the whole request answers 500
  return known.outcome;
}

function validateOne(request: OperationRequest<BatchValidateCodeParameters>, resource: Resource, index: number): Parameters | OperationOutcome {
  try {
    if (resource.resourceType !== 'Parameters') {
      throw clientError('VALIDATION_NOT_PARAMETERS', [index, resource.resourceType]);
    }
    const own = parseParametersResource<ValidateCodeParameters>(compiledOperation('ValueSet-validate-code'), resource, request.strict ?? false);
    const input = validationInput(request.input, own);
    if (input.code === undefined && !input.coding && !input.codeableConcept) {
      throw clientError('VALIDATION_NO_CODE');
    }
    return valueSetValidateCodeOperation({ ...request, input });
  } catch (e) {
    return outcomeOf(e);
  }
}

/** The input of ValueSet/$batch-validate-code: $validate-code's, and the validations. */
export interface BatchValidateCodeParameters extends ValidateCodeParameters {
  validation?: Resource[];
}

/**
 * ValueSet/$batch-validate-code (HL7 terminology ecosystem): many $validate-code calls in one,
 * each answered by the same operation as a single call. A validation that cannot be carried out
 * gets an OperationOutcome in its place; the others are unaffected.
 */
export function batchValidateCodeOperation(request: OperationRequest<BatchValidateCodeParameters>): Parameters {
  const validations = request.input.validation ?? [];
  if (validations.length > MAX_VALIDATIONS) {
    throw clientError('VALIDATIONS_TOO_MANY', [MAX_VALIDATIONS, validations.length]);
  }
  return parameters(validations.map((v, i) => ({ name: 'validation', resource: validateOne(request, v, i) })));
}
