import type { OperationDefinitionParameter } from 'fhir/r4';
import { operationDefinition } from './capabilities';
import { CompiledOperation, compileOperation } from './parameters';

/**
 * The OperationDefinitions in conformance/, compiled once: each operation's parameters in a map
 * by name. A definition missing from conformance/ stops start-up.
 */
const compiled = new Map<string, CompiledOperation>();

/** The compiled definition `id` (conformance/OperationDefinition-{id}.json), with parameters read besides its own. */
export function compiledOperation(id: string, extraParameters?: OperationDefinitionParameter[]): CompiledOperation {
  let operation = compiled.get(id);
  if (!operation) {
    const definition = operationDefinition(id);
    if (!definition) throw new Error(`OperationDefinition ${id} is missing from conformance/`);
    operation = compileOperation(definition, extraParameters);
    compiled.set(id, operation);
  }
  return operation;
}
