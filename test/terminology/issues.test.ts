import { issue, toOperationOutcomeIssue } from '../../src/terminology/issues';

describe('the issue catalogue', () => {
  it('gives each message id its severity, issue type, tx-issue-type and text', () => {
    expect(issue('Unknown_Code_in', ['x', 'http://s'], 'code')).toEqual({
      severity: 'error',
      type: 'code-invalid',
      txType: 'invalid-code',
      messageId: 'Unknown_Code_in',
      text: "Unknown code 'x' in the CodeSystem 'http://s'",
      expression: ['code'],
    });
  });

  it('lets the request decide the severity only', () => {
    expect(issue('UNKNOWN_CODE_IN_FRAGMENT', ['x', 'http://s', '1'], undefined, 'error')).toMatchObject({ severity: 'error', type: 'code-invalid', txType: 'invalid-code' });
  });

  it('carries the ecosystem message id that several entries share', () => {
    expect(issue('Display_Name_for__should_be_one_of__instead_of_other', [2, 'http://s', 'x', "'A' or 'B'", 'C', 'en']).messageId).toBe('Display_Name_for__should_be_one_of__instead_of');
    expect(issue('THIS_CODE_NOT_IN_VS', ["'x'", 'http://vs']).messageId).toBe('None_of_the_provided_codes_are_in_the_value_set_one');
  });

  it('renders as an OperationOutcome issue with the message id and tx-issue-type', () => {
    const out = toOperationOutcomeIssue(issue('VALUESET_CIRCULAR_REFERENCE', ['a', 'b']));
    expect(out.extension?.[0]?.valueString).toBe('VALUESET_CIRCULAR_REFERENCE');
    expect(out.details?.coding?.[0]?.code).toBe('vs-invalid');
  });
});
