import type { ConceptMap, Parameters } from 'fhir/r4';
import { candidateMaps, translate, TranslateResult } from '../../terminology/translate';
import { badRequest, notFound } from '../operation-outcome';
import { parameters, parts } from '../parameters';
import { OperationRequest, requestRegistry, sentResource } from './context';

function render(result: TranslateResult): Parameters {
  return parameters([
    { name: 'result', valueBoolean: result.result },
    result.message !== undefined && { name: 'message', valueString: result.message },
    ...result.matches.map((m) => ({
      name: 'match',
      part: parts([
        { name: 'equivalence', valueCode: m.equivalence },
        m.concept && { name: 'concept', valueCoding: m.concept },
        { name: 'source', valueUri: m.source },
        m.comment !== undefined && { name: 'comment', valueString: m.comment },
      ]),
    })),
  ]);
}

/** ConceptMap/$translate, forward or reverse, with one map (url, conceptMap, instance) or all that fit. */
export function translateOperation(request: OperationRequest): Parameters {
  const { input } = request;
  const registry = requestRegistry(request);
  const reverse = input.boolean('reverse') ?? false;
  const codings = (() => {
    const cc = input.codeableConcept('codeableConcept');
    if (cc) return cc.coding ?? [];
    const coding = input.coding('coding');
    if (coding) return [coding];
    const code = input.string('code');
    return code ? [{ code, system: input.string('system'), version: input.string('version') }] : [];
  })();
  if (!codings.some((c) => c.code)) throw badRequest("One of the parameters 'code', 'coding' or 'codeableConcept' is required", 'code');
  if (input.has('code') && !input.string('system')) throw badRequest("Parameter 'system' is required with 'code'", 'system');
  let maps: ConceptMap[];
  const sent = sentResource<ConceptMap>(input, 'conceptMap') ?? (request.instance as ConceptMap | undefined);
  const url = input.string('url');
  if (sent) maps = [sent];
  else if (url) {
    const found = registry.resolve('ConceptMap', url, input.string('conceptMapVersion'));
    if (!found) throw notFound(`ConceptMap '${url}' is not known to this server`);
    maps = [found];
  } else {
    maps = candidateMaps(registry, { source: input.string('source'), target: input.string('target'), reverse });
  }
  return render(
    translate({
      conceptMaps: maps,
      codings,
      source: input.string('source'),
      target: input.string('target'),
      targetSystem: input.string('targetsystem'),
      reverse,
    }),
  );
}
