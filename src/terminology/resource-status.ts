import type { CodeSystem, ValueSet } from 'fhir/r4';
import { STANDARDS_STATUS } from './concept-status';

/**
 * When an answer relies on a code system or value set whose status calls for a warning: the one
 * rule behind $expand's warning-* parameters and $validate-code's MSG_* status issues.
 */
export type ResourceStatusNote = 'deprecated' | 'withdrawn' | 'retired' | 'experimental' | 'draft';


const standardsStatus = (r: CodeSystem | ValueSet): string | undefined => r.extension?.find((e) => e.url === STANDARDS_STATUS)?.valueCode;

function noteOf(r: CodeSystem | ValueSet): ResourceStatusNote | undefined {
  const standards = standardsStatus(r);
  if (standards === 'deprecated' || standards === 'withdrawn') return standards;
  if (r.status === 'retired') return 'retired';
  if (r.experimental) return 'experimental';
  if (r.status === 'draft' || standards === 'draft') return 'draft';
  return undefined;
}

/**
 * The note for `used` in an answer about the value set `source`. The value set itself is noted
 * when it is deprecated, withdrawn or retired; anything else it draws on is noted when its status
 * (deprecated, withdrawn, retired, experimental, draft, in that order) is one the value set does
 * not share: a draft value set may use draft content without a warning.
 */
export function resourceStatusNote(used: CodeSystem | ValueSet, source: ValueSet): ResourceStatusNote | undefined {
  const note = noteOf(used);
  if (used === source) return note === 'deprecated' || note === 'withdrawn' || note === 'retired' ? note : undefined;
  if (!note) return undefined;
  const shared =
    note === 'deprecated' || note === 'withdrawn'
      ? standardsStatus(source) === note
      : note === 'retired'
        ? source.status === 'retired'
        : note === 'experimental'
          ? source.experimental === true
          : source.status === 'draft' || standardsStatus(source) === 'draft';
  return shared ? undefined : note;
}
