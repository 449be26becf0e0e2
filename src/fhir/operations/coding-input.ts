import type { CodeableConcept, Coding } from 'fhir/r4';
import { clientError } from '../operation-outcome';

/**
 * The forms a concept takes in an operation's parameters: a code (with system and version in
 * their own parameters), a Coding, or a CodeableConcept. $validate-code, $lookup, $subsumes and
 * $translate all read them here.
 */
export interface ConceptGiven {
  form: 'code' | 'coding' | 'codeableConcept';
  codings: Coding[];
  /** CodeableConcept.text */
  text?: string;
}

/** What one form of the concept is called in an operation (codeA/codingA, sourceCode/sourceCoding, ...). */
export interface ConceptParameters {
  code?: string;
  system?: string;
  version?: string;
  display?: string;
  coding?: Coding;
  codeableConcept?: CodeableConcept;
}

/** The parameter names of one form, for messages. */
export interface ConceptParameterNames {
  code: string;
  coding: string;
  codeableConcept?: string;
}

/**
 * The concept named by the parameters, in the order codeableConcept, coding, code: undefined when
 * none is given. A CodeableConcept with no coding, or a Coding with no code, is a 400 naming it.
 */
export function codingFrom(given: ConceptParameters, names: ConceptParameterNames): ConceptGiven | undefined {
  const cc = given.codeableConcept;
  if (cc) {
    const name = names.codeableConcept ?? 'codeableConcept';
    if (!cc.coding?.length) throw clientError('CODEABLE_CONCEPT_NO_CODING', [name], name);
    const codings = cc.coding.map((c) => ({ system: c.system, version: c.version, code: c.code, display: c.display }));
    return cc.text !== undefined ? { form: 'codeableConcept', codings, text: cc.text } : { form: 'codeableConcept', codings };
  }
  const coding = given.coding;
  if (coding) {
    if (!coding.code) throw clientError('CODING_NO_CODE', [names.coding], names.coding);
    return { form: 'coding', codings: [{ system: coding.system, version: coding.version, code: coding.code, display: coding.display ?? given.display }] };
  }
  if (given.code === undefined || given.code === '') return undefined;
  return { form: 'code', codings: [{ code: given.code, system: given.system, version: given.version, display: given.display }] };
}
