import type { CodeableConcept, CodeSystem, Coding, Parameters, ParametersParameter, ValueSet } from 'fhir/r4';
import { declaredParameters } from '../../terminology/declared-parameters';
import { othersRefused, parseLanguages } from '../../terminology/languages';
import { toOperationOutcome } from '../../terminology/issues';
import { validateCode, ValidateCodeInput, ValidateCodeResult } from '../../terminology/validate-code';
import type { TerminologyRegistry } from '../../terminology/registry';
import { hintingConcepts, withConceptHints } from '../error-hints';
import { clientError } from '../operation-outcome';
import { codingFrom } from './coding-input';
import { displayLanguageOf, EcosystemInput, OperationRequest, requestRegistry, sentResource, targetValueSet, ValueSetTargetInput, valueSetVersionsOf, versionRulesOf } from './context';

function render(result: ValidateCodeResult, registry: TerminologyRegistry, asked: Coding[]): Parameters {
  const parameter: ParametersParameter[] = [{ name: 'result', valueBoolean: result.result }];
  if (result.code !== undefined) parameter.push({ name: 'code', valueCode: result.code });
  if (result.system !== undefined) parameter.push({ name: 'system', valueUri: result.system });
  if (result.version !== undefined) parameter.push({ name: 'version', valueString: result.version });
  if (result.display !== undefined) parameter.push({ name: 'display', valueString: result.display });
  if (result.message !== undefined) parameter.push({ name: 'message', valueString: result.message });
  if (result.inactive !== undefined) parameter.push({ name: 'inactive', valueBoolean: result.inactive });
  if (result.status !== undefined) parameter.push({ name: 'status', valueCode: result.status });
  if (result.normalizedCode !== undefined) parameter.push({ name: 'normalized-code', valueCode: result.normalizedCode });
  if (result.codeableConcept !== undefined) parameter.push({ name: 'codeableConcept', valueCodeableConcept: result.codeableConcept });
  for (const s of result.unknownSystems) parameter.push({ name: 'x-caused-by-unknown-system', valueCanonical: s });
  for (const s of result.otherUnknownSystems) parameter.push({ name: 'x-unknown-system', valueCanonical: s });
  if (result.issues.length > 0) parameter.push({ name: 'issues', resource: withConceptHints(toOperationOutcome(result.issues), registry, asked) });
  return { resourceType: 'Parameters', parameter };
}

/** The input of CodeSystem/$validate-code and ValueSet/$validate-code (their OperationDefinitions, and the ecosystem's). */
export interface ValidateCodeParameters extends EcosystemInput, ValueSetTargetInput {
  codeSystem?: CodeSystem;
  code?: string;
  system?: string;
  version?: string;
  systemVersion?: string;
  display?: string;
  coding?: Coding;
  codeableConcept?: CodeableConcept;
  date?: string;
  abstract?: boolean;
  displayLanguage?: string;
  context?: string;
}

type ValidateCodeRequest = OperationRequest<ValidateCodeParameters>;

/** The codings to check and the form they came in: code(+system), coding, or codeableConcept. */
function codingsOf(input: ValidateCodeParameters, version: string | undefined): Pick<ValidateCodeInput, 'form' | 'codings' | 'text'> {
  const given = codingFrom({ ...input, version }, { code: 'code', coding: 'coding', codeableConcept: 'codeableConcept' });
  if (!given) throw clientError('CODE_REQUIRED', [], 'code');
  return given;
}

/**
 * The display languages: displayLanguage, else Accept-Language, else the value set's own language.
 * A malformed displayLanguage is a client error.
 */
function languagesFor(request: ValidateCodeRequest, valueSet?: ValueSet): Pick<ValidateCodeInput, 'languages' | 'languageSummary' | 'wildcardRefused'> {
  const displayLanguage = displayLanguageOf(request);
  const source = (displayLanguage || declaredParameters(valueSet).find((p) => p.name === 'displayLanguage' && p.text)?.text || request.acceptLanguage || valueSet?.language)?.trim();
  const languages = parseLanguages(source);
  if (!source || !languages.length) return { languages: [] };
  return { languages, languageSummary: source, wildcardRefused: othersRefused(source) };
}

function common(request: ValidateCodeRequest, valueSet?: ValueSet): Omit<ValidateCodeInput, 'target' | 'form' | 'codings'> {
  const { input } = request;
  const mode = input.valueSetMode ?? input.mode;
  return {
    ...languagesFor(request, valueSet),
    membershipOnly: input.membershipOnly ?? input['valueset-membership-only'] ?? mode === 'CHECK_MEMBERSHIP_ONLY',
    // abstract concepts are valid codes unless the caller says the context forbids them
    abstractAllowed: input.abstract ?? true,
    activeOnly: input.activeOnly ?? false,
    inferSystem: input.inferSystem ?? false,
    lenientDisplay: input['lenient-display-validation'] ?? false,
    versionRules: versionRulesOf(input),
    valueSetVersions: valueSetVersionsOf(input),
    useSupplements: input.useSupplement ?? [],
    ...(mode === 'NO_MEMBERSHIP_CHECK' ? { abstractAllowed: true } : {}),
  };
}

/** CodeSystem/$validate-code: the code system comes from url (or system), codeSystem, or the instance. */
export function codeSystemValidateCodeOperation(request: ValidateCodeRequest): Parameters {
  const { input } = request;
  const sent = sentResource(input.codeSystem, 'codeSystem');
  const registry = requestRegistry(request).overlay(sent ? [sent] : []);
  const instance = request.instance as CodeSystem | undefined;
  const { form, codings, text } = codingsOf(input, input.version);
  const url = input.url ?? sent?.url ?? instance?.url;
  const version = input.version ?? sent?.version ?? instance?.version;
  for (const c of codings) {
    if (!c.system) c.system = url;
    if (!c.version && c.system === url) c.version = version;
  }
  if (!codings.some((c) => c.system)) throw clientError('CODE_SYSTEM_REQUIRED', [], 'url');
  const result = hintingConcepts(registry, codings, () => validateCode(registry, { target: { kind: 'code-system' }, form, codings, text, ...common(request) }));
  return render(result, registry, codings);
}

/** ValueSet/$validate-code: the value set comes from url(+valueSetVersion), valueSet, or the instance. */
export function valueSetValidateCodeOperation(request: ValidateCodeRequest): Parameters {
  const registry = requestRegistry(request);
  const valueSet = targetValueSet(request, registry, 'to validate against');
  const { form, codings, text } = codingsOf(request.input, request.input.systemVersion);
  const result = hintingConcepts(registry, codings, () => validateCode(registry, { target: { kind: 'value-set', valueSet }, form, codings, text, ...common(request, valueSet) }));
  return render(result, registry, codings);
}
