import type { CodeableConcept, Coding, ConceptMap, OperationDefinitionParameter, Parameters, ParametersParameter } from 'fhir/r4';
import { compileValueSet, type CompiledValueSet } from '../../terminology/compiled-value-set';
import { resolveValueSet } from '../../terminology/compose';
import { TerminologyError } from '../../terminology/issues';
import type { TerminologyRegistry } from '../../terminology/registry';
import { BoundedCache } from '../../terminology/bounded-cache';
import { answerScope, candidateMaps, MapDependency, MapTargetElement, readsBackwards, translate, TranslateDirection, TranslateMatch, TranslateResult, TranslateScope } from '../../terminology/translate';
import { codeHint } from '../error-hints';
import { jsonTextLength, withText } from '../json-text';
import { clientError } from '../operation-outcome';
import { partValue } from '../parameters';
import { codingFrom } from './coding-input';
import { EcosystemInput, OperationRequest, requestRegistry, sentResource } from './context';

/**
 * The R5 names of the $translate parameters, which the HL7 terminology ecosystem (and its test
 * suite) sends to R4 servers too. They are read as aliases of the R4 ones; `targetCode`,
 * `targetCoding` and `targetCodeableConcept` name a target concept and ask for its sources
 * (R4's reverse=true).
 */
export const TRANSLATE_R5_PARAMETERS: OperationDefinitionParameter[] = [
  { name: 'sourceCode', use: 'in', min: 0, max: '1', type: 'code' },
  { name: 'sourceSystem', use: 'in', min: 0, max: '1', type: 'uri' },
  { name: 'sourceVersion', use: 'in', min: 0, max: '1', type: 'string' },
  { name: 'sourceCoding', use: 'in', min: 0, max: '1', type: 'Coding' },
  { name: 'sourceCodeableConcept', use: 'in', min: 0, max: '1', type: 'CodeableConcept' },
  { name: 'sourceScope', use: 'in', min: 0, max: '1', type: 'uri' },
  { name: 'targetCode', use: 'in', min: 0, max: '1', type: 'code' },
  { name: 'targetCoding', use: 'in', min: 0, max: '1', type: 'Coding' },
  { name: 'targetCodeableConcept', use: 'in', min: 0, max: '1', type: 'CodeableConcept' },
  { name: 'targetScope', use: 'in', min: 0, max: '1', type: 'uri' },
  { name: 'targetSystem', use: 'in', min: 0, max: '1', type: 'uri' },
];

/** How the concept to translate was named: R4 style (source concept, or reverse=true) or R5 style by its target. */
interface Question {
  codings: Array<{ system?: string; version?: string; code?: string }>;
  direction: TranslateDirection;
  targetSystem?: string;
  /** The value sets named by source/target (sourceScope/targetScope), as the request names them. */
  scope: TranslateScope;
  /** Asked with R5 parameter names: answered in R5 terms (originMap) rather than R4's (match.source = the map). */
  r5: boolean;
}

/** The input of ConceptMap/$translate: R4's parameters (its OperationDefinition), R5's names, and the ecosystem's. */
export interface TranslateParameters extends EcosystemInput {
  url?: string;
  conceptMap?: ConceptMap;
  conceptMapVersion?: string;
  code?: string;
  system?: string;
  version?: string;
  source?: string;
  coding?: Coding;
  codeableConcept?: CodeableConcept;
  target?: string;
  targetsystem?: string;
  dependency?: ParametersParameter[][];
  reverse?: boolean;
  sourceCode?: string;
  sourceSystem?: string;
  sourceVersion?: string;
  sourceCoding?: Coding;
  sourceCodeableConcept?: CodeableConcept;
  sourceScope?: string;
  targetCode?: string;
  targetCoding?: Coding;
  targetCodeableConcept?: CodeableConcept;
  targetScope?: string;
  targetSystem?: string;
}

/** Each R4 parameter and the R5 name that means the same: read in one order, the R5 name first. */
const given = (r5: string | undefined, r4: string | undefined): string | undefined => (r5 !== undefined && r5 !== '' ? r5 : r4 !== undefined && r4 !== '' ? r4 : undefined);

function questionOf(input: TranslateParameters): Question {
  const reverseParam = input.reverse ?? false;
  const sourceSystem = given(input.sourceSystem, input.system);
  const targetSystem = given(input.targetSystem, input.targetsystem);
  const r5 = TRANSLATE_R5_PARAMETERS.some((p) => input[p.name as keyof TranslateParameters] !== undefined);
  const sourceNames = input.sourceCode !== undefined || input.sourceCoding || input.sourceCodeableConcept;
  const forward = codingFrom(
    {
      code: given(input.sourceCode, input.code),
      system: sourceSystem,
      version: given(input.sourceVersion, input.version),
      coding: input.sourceCoding ?? input.coding,
      codeableConcept: input.sourceCodeableConcept ?? input.codeableConcept,
    },
    sourceNames ? { code: 'sourceCode', coding: 'sourceCoding', codeableConcept: 'sourceCodeableConcept' } : { code: 'code', coding: 'coding', codeableConcept: 'codeableConcept' },
  );
  const scope = { source: given(input.sourceScope, input.source), target: given(input.targetScope, input.target) };
  if (forward) {
    if (forward.form === 'code' && !sourceSystem) {
      const [codeName, systemName] = input.sourceCode !== undefined ? ['sourceCode', 'sourceSystem'] : ['code', 'system'];
      throw clientError('SYSTEM_REQUIRED_WITH_CODE', [systemName, codeName], systemName);
    }
    return { codings: forward.codings, direction: reverseParam ? 'reverse' : 'forward', targetSystem, scope, r5 };
  }
  const byTarget = codingFrom(
    { code: input.targetCode, system: targetSystem, coding: input.targetCoding, codeableConcept: input.targetCodeableConcept },
    { code: 'targetCode', coding: 'targetCoding', codeableConcept: 'targetCodeableConcept' },
  );
  if (byTarget) {
    if (reverseParam) throw clientError('TRANSLATE_REVERSE_WITH_TARGET', [], 'reverse');
    if (byTarget.form === 'code' && !targetSystem) throw clientError('SYSTEM_REQUIRED_WITH_CODE', ['targetSystem', 'targetCode'], 'targetSystem');
    // sourceSystem (or system) then names the code system the answers come from
    return { codings: byTarget.codings, direction: 'by-target', targetSystem: sourceSystem, scope, r5: true };
  }
  throw clientError('TRANSLATE_CONCEPT_REQUIRED', [], 'code');
}

/**
 * A match as a parameter: a function of the engine's match (made once per mapping and direction)
 * and of how the question was asked, so made once for each and its JSON text kept (withText), for
 * the matches used most recently: bounded in bytes, as a map of 100,000 mappings asked in every
 * way would otherwise keep the text of each.
 */
export const matchParameterCache = new BoundedCache<Partial<Record<string, ParametersParameter>>, TranslateMatch>('translate-match-parameters', 16 * 1024 * 1024);
export const MATCH_PARAMETER_CACHE_BYTES = matchParameterCache.stats().maxBytes;

/** What a kept match parameter costs: its text, and its objects at about twice that. */
const BYTES_PER_TEXT_CHARACTER = 3;

function matchParameter(m: TranslateMatch, question: Question): ParametersParameter {
  const asked = question.r5 ? `${question.direction} r5` : question.direction;
  const made = matchParameterCache.get(m) ?? {};
  let parameter = made[asked];
  if (!parameter) {
    parameter = withText(newMatchParameter(m, question));
    made[asked] = parameter;
    const bytes = Object.values(made).reduce((sum, p) => sum + jsonTextLength(p as ParametersParameter), 0) * BYTES_PER_TEXT_CHARACTER;
    matchParameterCache.set(m, made, bytes);
  }
  return parameter;
}

function newMatchParameter(m: TranslateMatch, question: Question): ParametersParameter {
  const part: ParametersParameter[] = [];
  if (question.direction === 'by-target') {
    part.push({ name: 'equivalence', valueCode: m.mapping.equivalence });
    if (m.mapping.target) part.push({ name: 'concept', valueCoding: m.mapping.target });
    part.push({ name: 'source', valueCoding: m.mapping.source }, { name: 'originMap', valueCanonical: m.originMap });
  } else {
    part.push({ name: 'equivalence', valueCode: m.equivalence });
    if (m.concept) part.push({ name: 'concept', valueCoding: m.concept });
    part.push(question.r5 ? { name: 'originMap', valueCanonical: m.originMap } : { name: 'source', valueUri: m.originMap });
  }
  // what a mapping produces goes with its target: answered forwards, or as the map states it (not read backwards)
  if (question.direction !== 'reverse') for (const product of m.products ?? []) part.push(mapElementParameter('product', product, question.r5));
  // what it holds under: R5's match.dependsOn (R4 has no such part; its message names the conditions)
  if (question.r5 && question.direction !== 'reverse') for (const condition of m.dependsOn ?? []) part.push(mapElementParameter('dependsOn', condition, true));
  if (m.comment !== undefined) part.push({ name: 'comment', valueString: m.comment });
  return { name: 'match', part };
}

/**
 * Another element of a mapping (what it produces, what it depends on): R4's (element, concept), or
 * asked with R5 names R5's (attribute, value). A value without a code system is a code in R4, a string in R5.
 */
function mapElementParameter(name: 'product' | 'dependsOn', element: MapTargetElement, r5: boolean): ParametersParameter {
  const coding: Coding = element.system ? { system: element.system, code: element.value } : { code: element.value };
  if (element.display) coding.display = element.display;
  if (!r5) return { name, part: [{ name: 'element', valueUri: element.property }, { name: 'concept', valueCoding: coding }] };
  return { name, part: [{ name: 'attribute', valueUri: element.property }, element.system ? { name: 'value', valueCoding: coding } : { name: 'value', valueString: element.value }] };
}

/**
 * The dependency parameters: R4's (element, concept) and R5's (attribute, value[x]), each an element
 * and the values it has. One without an element or a value, or with a part of another datatype, is a 400.
 */
function dependenciesOf(input: TranslateParameters): MapDependency[] | undefined {
  return input.dependency?.map((parts) => {
    const elementPart = parts.find((p) => p.name === 'element' || p.name === 'attribute');
    const element = elementPart ? (partValue('dependency', elementPart, 'uri') as string) : undefined;
    const valuePart = parts.find((p) => p.name === 'concept' || p.name === 'value');
    const values = valuePart ? dependencyValues(valuePart) : [];
    if (!element || values.length === 0) throw clientError('TRANSLATE_DEPENDENCY_INCOMPLETE', [element ? 'a value (concept or value[x])' : 'an element (element or attribute)'], 'dependency');
    return { element, values };
  });
}

/** The codes a dependency's value stands for: its codings, or its text (a code, string, boolean or integer). */
function dependencyValues(part: ParametersParameter): MapDependency['values'] {
  const type = part.valueCodeableConcept !== undefined ? 'CodeableConcept' : part.valueCoding !== undefined ? 'Coding' : part.valueBoolean !== undefined ? 'boolean' : part.valueInteger !== undefined ? 'integer' : 'string';
  const value = partValue('dependency', part, type);
  if (typeof value !== 'object') return [{ code: String(value) }];
  const codings: Coding[] = 'coding' in value ? ((value as CodeableConcept).coding ?? []) : [value as Coding];
  return codings.filter((c): c is Coding & { code: string } => typeof c.code === 'string' && c.code !== '').map((c) => ({ system: c.system, code: c.code }));
}

function render(result: TranslateResult, question: Question): Parameters {
  const parameter: ParametersParameter[] = [{ name: 'result', valueBoolean: result.result }];
  if (result.message !== undefined) parameter.push({ name: 'message', valueString: result.message });
  for (const m of result.matches) parameter.push(matchParameter(m, question));
  return { resourceType: 'Parameters', parameter };
}

/**
 * The value set the answers must belong to, when the request names one the server knows: the
 * target scope (or, read backwards, the source scope). Asked through the compiled value set, as
 * $expand and $validate-code ask it.
 */
function answerValueSet(registry: TerminologyRegistry, question: Question): CompiledValueSet | undefined {
  const scope = answerScope(question.scope, question.direction);
  const valueSet = scope ? resolveValueSet(registry, scope) : undefined;
  if (!valueSet) return undefined;
  try {
    return compileValueSet(registry, valueSet, { maxEntries: Number.MAX_SAFE_INTEGER });
  } catch (e) {
    // A scope whose members cannot be known (a code system this server lacks) still selects maps.
    if (e instanceof TerminologyError) return undefined;
    throw e;
  }
}

/**
 * ConceptMap/$translate, forward or reverse, with one map (conceptMap, url, or the instance in
 * the path) or with every map whose declared source and target value sets fit the request.
 * Each match names the map it comes from (url|version): as R4's match.source when asked with R4
 * names, as `originMap` when asked with R5 names (as the HL7 terminology ecosystem does).
 */
export function translateOperation(request: OperationRequest<TranslateParameters>): Parameters {
  const { input } = request;
  const registry = requestRegistry(request);
  const question = questionOf(input);
  let maps: ConceptMap[];
  const sent = sentResource(input.conceptMap, 'conceptMap') ?? (request.instance as ConceptMap | undefined);
  const url = input.url;
  if (sent) maps = [sent];
  else if (url) {
    const version = input.conceptMapVersion;
    const found = registry.resolve('ConceptMap', url, version);
    if (!found) throw clientError('CONCEPT_MAP_UNKNOWN', [version ? `${url}|${version}` : url]);
    maps = [found];
  } else {
    // the maps sent along count even when two share a url|version (the registry keeps one of them)
    const sentMaps = (input['tx-resource'] ?? []).filter((r): r is ConceptMap => r.resourceType === 'ConceptMap').map((cm) => sentResource(cm, 'tx-resource') as ConceptMap);
    const known = registry.all('ConceptMap');
    maps = candidateMaps(sentMaps.length ? [...sentMaps, ...known.filter((cm) => !sentMaps.includes(cm))] : known, question.scope, question.direction);
  }
  const result = translate({
    conceptMaps: maps,
    codings: question.codings,
    targetSystem: question.targetSystem,
    reverse: readsBackwards(question.direction),
    answersFrom: answerValueSet(registry, question),
    otherMap: (canonical) => registry.resolve('ConceptMap', canonical),
    dependencies: dependenciesOf(input),
  });
  if (!result.result && result.message !== undefined) {
    // no translation for a code the code system has in another form (0556t, M810): say which
    const hint = question.codings.map((c) => codeHint(registry, c)).find((h) => h !== undefined);
    if (hint) result.message = `${result.message}. ${hint}`;
  }
  return render(result, question);
}
