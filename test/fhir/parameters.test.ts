import type { OperationDefinition } from 'fhir/r4';
import { FhirError } from '../../src/fhir/operation-outcome';
import { compileOperation, parseInputParameters } from '../../src/fhir/parameters';

const definition: OperationDefinition = {
  resourceType: 'OperationDefinition',
  name: 'Lookup',
  status: 'active',
  kind: 'operation',
  code: 'lookup',
  system: false,
  type: true,
  instance: true,
  parameter: [
    { name: 'code', use: 'in', min: 0, max: '1', type: 'code' },
    { name: 'coding', use: 'in', min: 0, max: '1', type: 'Coding' },
    { name: 'property', use: 'in', min: 0, max: '*', type: 'code' },
    { name: 'count', use: 'in', min: 0, max: '1', type: 'integer' },
    { name: 'result', use: 'out', min: 1, max: '1', type: 'boolean' },
  ],
};
const operation = compileOperation(definition);

interface Input {
  code?: string;
  coding?: { system?: string; code?: string };
  property?: string[];
  count?: number;
  activeOnly?: boolean;
}

describe('parseInputParameters', () => {
  it('reads each parameter by its definition: single values, arrays for repeating ones, the ecosystem parameters too', () => {
    const input = parseInputParameters<Input>(operation, { method: 'GET', strict: false, query: { code: 'a', property: ['x', 'y'], count: '3', coding: 'http://s|c', activeOnly: 'true' } });
    expect(input).toEqual({ code: 'a', property: ['x', 'y'], count: 3, coding: { system: 'http://s', code: 'c' }, activeOnly: true });
  });

  it('reads a POST Parameters body the same way', () => {
    const body = { resourceType: 'Parameters', parameter: [{ name: 'code', valueCode: 'a' }, { name: 'property', valueCode: 'x' }, { name: 'count', valueInteger: 3 }] };
    expect(parseInputParameters<Input>(operation, { method: 'POST', strict: false, query: {}, body })).toEqual({ code: 'a', property: ['x'], count: 3 });
  });

  it('ignores a parameter the definition does not define (or defines as output), unless strict', () => {
    const query = { code: 'a', colour: 'blue', result: 'true' };
    expect(parseInputParameters<Input>(operation, { method: 'GET', strict: false, query })).toEqual({ code: 'a' });
    expect(() => parseInputParameters<Input>(operation, { method: 'GET', strict: true, query })).toThrow(new FhirError('PARAMETER_UNDEFINED', ['colour', '$lookup'], { expression: 'colour' }));
  });

  it('refuses a value of the wrong type, and a single-valued parameter given twice, naming it', () => {
    expect(() => parseInputParameters<Input>(operation, { method: 'GET', strict: false, query: { count: 'many' } })).toThrow(/Parameter 'count' must be an integer, not 'many'/);
    expect(() => parseInputParameters<Input>(operation, { method: 'GET', strict: false, query: { code: ['a', 'b'] } })).toThrow(/Parameter 'code' may be given only once/);
  });
});
