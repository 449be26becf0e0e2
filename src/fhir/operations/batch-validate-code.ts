import type { OperationOutcome, Parameters, Resource } from 'fhir/r4';
import { TerminologyError, toOperationOutcome } from '../../terminology/issues';
import { operationDefinition } from '../capabilities';
import { FhirError, tooCostly } from '../operation-outcome';
import { OperationInput, ParameterValue, parameters, parseBody } from '../parameters';
import type { OperationRequest } from './context';
import { valueSetValidateCodeOperation } from './validate-code';

/** More validations than this in one call is a 422: split the batch. */
export const MAX_VALIDATIONS = 1000;

const CODE_PARAMETERS = ['code', 'coding', 'codeableConcept'];

/**
 * One validation's input: the batch's shared parameters, replaced by the validation's own of the
 * same name; tx-resource is the exception, the validation's resources add to the shared ones.
 */
function validationInput(shared: OperationInput, own: OperationInput): OperationInput {
  const values = new Map<string, ParameterValue[]>();
  for (const name of shared.names()) if (name !== 'validation') values.set(name, shared.all(name));
  for (const name of own.names()) {
    values.set(name, name === 'tx-resource' ? [...(values.get(name) ?? []), ...own.all(name)] : own.all(name));
  }
  return new OperationInput('validate-code', values);
}

function outcomeOf(e: unknown): OperationOutcome {
  if (e instanceof FhirError) return e.toOperationOutcome();
  if (e instanceof TerminologyError) return toOperationOutcome([e.issue]);
  throw e; // anything else is a bug, and the whole request answers 500
}

function validateOne(request: OperationRequest, resource: Resource, index: number): Parameters | OperationOutcome {
  try {
    if (resource.resourceType !== 'Parameters') {
      throw new FhirError(400, 'invalid', `Parameter 'validation' [${index}] must be a Parameters resource, not a ${resource.resourceType}`);
    }
    const definition = operationDefinition('ValueSet-validate-code');
    if (!definition) throw new Error('OperationDefinition ValueSet-validate-code is missing from conformance/');
    const input = validationInput(request.input, parseBody(definition, resource));
    if (!CODE_PARAMETERS.some((name) => input.has(name))) {
      // the wording the HL7 terminology ecosystem expects for this case
      throw new FhirError(400, 'invalid', 'Unable to find code to validate (looked for coding | codeableConcept | code+system | code+inferSystem in parameters');
    }
    return valueSetValidateCodeOperation({ ...request, input });
  } catch (e) {
    return outcomeOf(e);
  }
}

/**
 * ValueSet/$batch-validate-code (HL7 terminology ecosystem): many $validate-code calls in one,
 * each answered by the same operation as a single call. A validation that cannot be carried out
 * gets an OperationOutcome in its place; the others are unaffected.
 */
export function batchValidateCodeOperation(request: OperationRequest): Parameters {
  const validations = request.input.resources('validation');
  if (validations.length > MAX_VALIDATIONS) {
    throw tooCostly(`A batch may hold at most ${MAX_VALIDATIONS} validations, not ${validations.length}: split it`);
  }
  return parameters(validations.map((v, i) => ({ name: 'validation', resource: validateOne(request, v, i) })));
}
