import { issue, TerminologyError } from './issues';
import type { TerminologyRegistry } from './registry';

export type SubsumptionOutcome = 'equivalent' | 'subsumes' | 'subsumed-by' | 'not-subsumed';

export interface SubsumesInput {
  system: string;
  version?: string;
  codeA: string;
  codeB: string;
}

/** $subsumes: how code A relates to code B in the code system's is-a hierarchy. */
export function subsumes(registry: TerminologyRegistry, input: SubsumesInput): SubsumptionOutcome {
  const cs = registry.codeSystem(input.system, input.version);
  if (!cs) throw new TerminologyError(issue('UNKNOWN_CODESYSTEM', [input.system], 'system'));
  for (const [code, name] of [
    [input.codeA, 'codeA'],
    [input.codeB, 'codeB'],
  ] as const) {
    if (!cs.get(code)) {
      throw new TerminologyError(issue('Unknown_Code_in', [code, cs.url], name),
      );
    }
  }
  const a = cs.get(input.codeA)?.code as string;
  const b = cs.get(input.codeB)?.code as string;
  if (a === b) return 'equivalent';
  if (cs.subsumedBy(b, a)) return 'subsumes';
  if (cs.subsumedBy(a, b)) return 'subsumed-by';
  return 'not-subsumed';
}
