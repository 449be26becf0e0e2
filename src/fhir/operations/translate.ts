import type { Coding, ConceptMap, OperationDefinitionParameter, Parameters, ParametersParameter } from 'fhir/r4';
import { compileValueSet, type CompiledValueSet } from '../../terminology/compiled-value-set';
import { resolveValueSet } from '../../terminology/compose';
import { TerminologyError } from '../../terminology/issues';
import type { TerminologyRegistry } from '../../terminology/registry';
import { candidateMaps, translate, TranslateMatch, TranslateResult } from '../../terminology/translate';
import { badRequest, notFound } from '../operation-outcome';
import type { OperationInput } from '../parameters';
import { parameters, parts } from '../parameters';
import { OperationRequest, requestRegistry, sentResource } from './context';

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
  reverse: boolean;
  /** R5 style reverse: the answer is reported as the mapping, the named concept as `concept` and the found one as `source`. */
  byTargetConcept: boolean;
  targetSystem?: string;
  /** The value sets the map must be declared for, in the map's own direction (source -> target). */
  sourceScope?: string;
  targetScope?: string;
  /** Asked with R5 parameter names: answered in R5 terms (originMap) rather than R4's (match.source = the map). */
  r5: boolean;
}

const R5_NAMES = ['sourceCode', 'sourceSystem', 'sourceVersion', 'sourceCoding', 'sourceCodeableConcept', 'sourceScope', 'targetScope', 'targetSystem', 'targetCode', 'targetCoding', 'targetCodeableConcept'];

function first(input: OperationInput, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = input.string(name);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

function codingsFrom(input: OperationInput, ccName: string, codingName: string, code: string | undefined, system: string | undefined, version: string | undefined): Question['codings'] | undefined {
  const cc = input.codeableConcept(ccName);
  if (cc) {
    if (!cc.coding?.some((c) => c.code)) throw badRequest(`Parameter '${ccName}' has no coding with a code`, ccName);
    return cc.coding;
  }
  const c = input.coding(codingName);
  if (c) {
    if (!c.code) throw badRequest(`Parameter '${codingName}' has no code`, codingName);
    return [c];
  }
  if (code !== undefined) return [{ code, system, version }];
  return undefined;
}

function questionOf(input: OperationInput): Question {
  const reverseParam = input.boolean('reverse') ?? false;
  const sourceScope = first(input, 'sourceScope', 'source');
  const targetScope = first(input, 'targetScope', 'target');
  const sourceCode = first(input, 'sourceCode', 'code');
  const sourceSystem = first(input, 'sourceSystem', 'system');
  const forward = codingsFrom(
    input,
    input.has('sourceCodeableConcept') ? 'sourceCodeableConcept' : 'codeableConcept',
    input.has('sourceCoding') ? 'sourceCoding' : 'coding',
    sourceCode,
    sourceSystem,
    first(input, 'sourceVersion', 'version'),
  );
  if (forward) {
    if (sourceCode !== undefined && !input.has('sourceCoding') && !input.has('coding') && !input.has('codeableConcept') && !input.has('sourceCodeableConcept') && !sourceSystem) {
      throw badRequest(`Parameter '${input.has('sourceCode') ? 'sourceSystem' : 'system'}' is required with '${input.has('sourceCode') ? 'sourceCode' : 'code'}'`, input.has('sourceCode') ? 'sourceSystem' : 'system');
    }
    // R4: reverse=true makes 'source' the value set of the concept named, i.e. the map's target scope
    return {
      codings: forward,
      reverse: reverseParam,
      byTargetConcept: false,
      targetSystem: first(input, 'targetsystem', 'targetSystem'),
      sourceScope: reverseParam ? targetScope : sourceScope,
      targetScope: reverseParam ? sourceScope : targetScope,
      r5: R5_NAMES.some((n) => input.has(n)),
    };
  }
  const targetSystem = first(input, 'targetSystem', 'targetsystem');
  const byTarget = codingsFrom(input, 'targetCodeableConcept', 'targetCoding', first(input, 'targetCode'), targetSystem, undefined);
  if (byTarget) {
    if (reverseParam) throw badRequest("Parameter 'reverse' cannot be combined with targetCode, targetCoding or targetCodeableConcept: they already ask for the sources of a target concept", 'reverse');
    if (input.has('targetCode') && !targetSystem) throw badRequest("Parameter 'targetSystem' is required with 'targetCode'", 'targetSystem');
    // sourceSystem (or system) then names the code system the answers come from
    return { codings: byTarget, reverse: true, byTargetConcept: true, targetSystem: sourceSystem, sourceScope, targetScope, r5: true };
  }
  throw badRequest(
    "One of the parameters 'code' (with 'system'), 'coding' or 'codeableConcept' is required (R5 names: sourceCode with sourceSystem, sourceCoding, sourceCodeableConcept, or targetCode with targetSystem, targetCoding, targetCodeableConcept)",
    'code',
  );
}

function matchParameter(m: TranslateMatch, question: Question): ParametersParameter {
  if (question.byTargetConcept) {
    const target: Coding | undefined = m.mapping.target;
    return {
      name: 'match',
      part: parts([
        { name: 'equivalence', valueCode: m.mapping.equivalence },
        target && { name: 'concept', valueCoding: target },
        { name: 'source', valueCoding: m.mapping.source },
        { name: 'originMap', valueCanonical: m.originMap },
        m.comment !== undefined && { name: 'comment', valueString: m.comment },
      ]),
    };
  }
  return {
    name: 'match',
    part: parts([
      { name: 'equivalence', valueCode: m.equivalence },
      m.concept && { name: 'concept', valueCoding: m.concept },
      question.r5 ? { name: 'originMap', valueCanonical: m.originMap } : { name: 'source', valueUri: m.originMap },
      m.comment !== undefined && { name: 'comment', valueString: m.comment },
    ]),
  };
}

function render(result: TranslateResult, question: Question): Parameters {
  return parameters([
    { name: 'result', valueBoolean: result.result },
    result.message !== undefined && { name: 'message', valueString: result.message },
    ...result.matches.map((m) => matchParameter(m, question)),
  ]);
}

/**
 * The value set the answers must belong to, when the request names one the server knows: the
 * target scope (or, read backwards, the source scope). Asked through the compiled value set, as
 * $expand and $validate-code ask it.
 */
function answerValueSet(registry: TerminologyRegistry, question: Question): CompiledValueSet | undefined {
  const scope = question.reverse ? question.sourceScope : question.targetScope;
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
export function translateOperation(request: OperationRequest): Parameters {
  const { input } = request;
  const registry = requestRegistry(request);
  const question = questionOf(input);
  let maps: ConceptMap[];
  const sent = sentResource<ConceptMap>(input, 'conceptMap') ?? (request.instance as ConceptMap | undefined);
  const url = input.string('url');
  if (sent) maps = [sent];
  else if (url) {
    const version = input.string('conceptMapVersion');
    const found = registry.resolve('ConceptMap', url, version);
    if (!found) throw notFound(`ConceptMap '${version ? `${url}|${version}` : url}' is not known to this server`);
    maps = [found];
  } else {
    // the maps sent along count even when two share a url|version (the registry keeps one of them)
    const sentMaps = input.resources('tx-resource').filter((r): r is ConceptMap => r.resourceType === 'ConceptMap');
    const known = registry.all('ConceptMap').filter((cm) => !sentMaps.includes(cm));
    maps = candidateMaps([...sentMaps, ...known], { source: question.sourceScope, target: question.targetScope });
  }
  const result = translate({ conceptMaps: maps, codings: question.codings, targetSystem: question.targetSystem, reverse: question.reverse, answersFrom: answerValueSet(registry, question) });
  return render(result, question);
}
