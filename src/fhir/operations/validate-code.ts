import type { CodeSystem, Parameters, ValueSet } from 'fhir/r4';
import { declaredParameters } from '../../terminology/declared-parameters';
import { parseLanguages } from '../../terminology/languages';
import { toOperationOutcome } from '../../terminology/issues';
import { CodingToValidate, validateCode, ValidateCodeInput, ValidateCodeResult } from '../../terminology/validate-code';
import { badRequest } from '../operation-outcome';
import { parameters } from '../parameters';
import { displayLanguageOf, OperationRequest, requestRegistry, sentResource, targetValueSet, valueSetVersionsOf, versionRulesOf } from './context';

function render(result: ValidateCodeResult): Parameters {
  return parameters([
    { name: 'result', valueBoolean: result.result },
    result.code !== undefined && { name: 'code', valueCode: result.code },
    result.system !== undefined && { name: 'system', valueUri: result.system },
    result.version !== undefined && { name: 'version', valueString: result.version },
    result.display !== undefined && { name: 'display', valueString: result.display },
    result.message !== undefined && { name: 'message', valueString: result.message },
    result.inactive !== undefined && { name: 'inactive', valueBoolean: result.inactive },
    result.status !== undefined && { name: 'status', valueCode: result.status },
    result.normalizedCode !== undefined && { name: 'normalized-code', valueCode: result.normalizedCode },
    result.codeableConcept !== undefined && { name: 'codeableConcept', valueCodeableConcept: result.codeableConcept },
    ...result.unknownSystems.map((s) => ({ name: 'x-caused-by-unknown-system', valueCanonical: s })),
    ...result.otherUnknownSystems.map((s) => ({ name: 'x-unknown-system', valueCanonical: s })),
    result.issues.length > 0 && { name: 'issues', resource: toOperationOutcome(result.issues) },
  ]);
}

/** The codings to check and the form they came in: code(+system), coding, or codeableConcept. */
function codingsOf(request: OperationRequest, systemParam: string, versionParam: string): Pick<ValidateCodeInput, 'form' | 'codings' | 'text'> {
  const { input } = request;
  const cc = input.codeableConcept('codeableConcept');
  if (cc) {
    if (!cc.coding?.length) throw badRequest("Parameter 'codeableConcept' has no coding to validate", 'codeableConcept');
    const codings = cc.coding.map((c) => ({ system: c.system, version: c.version, code: c.code, display: c.display }));
    return cc.text !== undefined ? { form: 'codeableConcept', codings, text: cc.text } : { form: 'codeableConcept', codings };
  }
  const coding = input.coding('coding');
  if (coding) {
    if (!coding.code) throw badRequest("Parameter 'coding' has no code", 'coding');
    const display = coding.display ?? input.string('display');
    return { form: 'coding', codings: [{ system: coding.system, version: coding.version, code: coding.code, display }] };
  }
  const code = input.string('code');
  if (!code) throw badRequest("One of the parameters 'code', 'coding' or 'codeableConcept' is required", 'code');
  const c: CodingToValidate = { code, system: input.string(systemParam), version: input.string(versionParam), display: input.string('display') };
  return { form: 'code', codings: [c] };
}

/**
 * The display languages: displayLanguage, else Accept-Language, else the value set's own language.
 * A malformed displayLanguage is a client error.
 */
function languagesFor(request: OperationRequest, valueSet?: ValueSet): Pick<ValidateCodeInput, 'languages' | 'languageSummary'> {
  const displayLanguage = displayLanguageOf(request);
  const source = (displayLanguage || declaredParameters(valueSet).find((p) => p.name === 'displayLanguage' && p.text)?.text || request.acceptLanguage || valueSet?.language)?.trim();
  const languages = parseLanguages(source);
  if (!source || !languages.length) return { languages: [] };
  return { languages, languageSummary: source };
}

function common(request: OperationRequest, valueSet?: ValueSet): Omit<ValidateCodeInput, 'target' | 'form' | 'codings'> {
  const { input } = request;
  const mode = input.string('valueSetMode') ?? input.string('mode');
  return {
    ...languagesFor(request, valueSet),
    membershipOnly: input.boolean('membershipOnly') ?? input.boolean('valueset-membership-only') ?? mode === 'CHECK_MEMBERSHIP_ONLY',
    // abstract concepts are valid codes unless the caller says the context forbids them
    abstractAllowed: input.boolean('abstract') ?? true,
    activeOnly: input.boolean('activeOnly') ?? false,
    inferSystem: input.boolean('inferSystem') ?? false,
    lenientDisplay: input.boolean('lenient-display-validation') ?? false,
    versionRules: versionRulesOf(input),
    valueSetVersions: valueSetVersionsOf(input),
    useSupplements: input.strings('useSupplement'),
    ...(mode === 'NO_MEMBERSHIP_CHECK' ? { abstractAllowed: true } : {}),
  };
}

/** CodeSystem/$validate-code: the code system comes from url (or system), codeSystem, or the instance. */
export function codeSystemValidateCodeOperation(request: OperationRequest): Parameters {
  const { input } = request;
  const sent = sentResource<CodeSystem>(input, 'codeSystem');
  const registry = requestRegistry(request).overlay(sent ? [sent] : []);
  const instance = request.instance as CodeSystem | undefined;
  const { form, codings, text } = codingsOf(request, 'system', 'version');
  const url = input.string('url') ?? sent?.url ?? instance?.url;
  const version = input.string('version') ?? sent?.version ?? instance?.version;
  for (const c of codings) {
    if (!c.system) c.system = url;
    if (!c.version && c.system === url) c.version = version;
  }
  if (!codings.some((c) => c.system)) throw badRequest("Parameter 'url' (the code system) is required", 'url');
  return render(validateCode(registry, { target: { kind: 'code-system' }, form, codings, text, ...common(request) }));
}

/** ValueSet/$validate-code: the value set comes from url(+valueSetVersion), valueSet, or the instance. */
export function valueSetValidateCodeOperation(request: OperationRequest): Parameters {
  const registry = requestRegistry(request);
  const valueSet = targetValueSet(request, registry, 'to validate against');
  const { form, codings, text } = codingsOf(request, 'system', 'systemVersion');
  return render(validateCode(registry, { target: { kind: 'value-set', valueSet }, form, codings, text, ...common(request, valueSet) }));
}
