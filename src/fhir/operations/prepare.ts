import type { Deadline } from '../../terminology/deadline';
import { TimeSlices } from '../../terminology/deadline';
import { contentHash, isTerminologyResource, type TerminologyRegistry, type TerminologyResource } from '../../terminology/registry';
import { mapIndexSteps } from '../../terminology/translate';
import { checkParameterCount } from '../parameters';
import { problemOfSentResource } from './context';

/**
 * What a request with a large body sends, made ready before the operation runs, a step at a time
 * with a turn of the event loop between steps once 10 ms have passed: each resource hashed and
 * checked (both kept by content, so the operation finds them done), each code system indexed (the
 * index held until the answer, whatever the index cache's bound) and each map indexed 20,000
 * elements at a time. The operation then answers exactly as it would have; the other clients wait
 * for one step rather than for the whole.
 */

/** The terminology resources a Parameters body carries (tx-resource, valueSet, conceptMap, ...), in order; more parameters than MAX_PARAMETERS is a 422. */
export function resourcesSent(body: unknown): TerminologyResource[] {
  const parameters = (body as { parameter?: unknown } | null)?.parameter;
  if (!Array.isArray(parameters)) return [];
  checkParameterCount(parameters); // refused before anything is prepared
  const sent: TerminologyResource[] = [];
  for (const p of parameters as unknown[]) {
    const resource = (p as { resource?: unknown } | null)?.resource;
    if (typeof resource === 'object' && resource !== null && isTerminologyResource(resource)) sent.push(resource);
  }
  return sent;
}

/** Prepare what the body sends against the server's registry; the returned release ends the holds (call it once answered). */
export async function prepareSent(body: unknown, registry: TerminologyRegistry, deadline: Deadline | undefined): Promise<() => void> {
  const underDeadline = <T>(work: () => T): T => (deadline ? deadline.run(work) : work());
  const sent = underDeadline(() => resourcesSent(body));
  const overlay = registry.overlay(sent, { check: problemOfSentResource });
  const releases: Array<() => void> = [];
  const release = (): void => {
    for (const r of releases.splice(0)) r();
  };
  try {
    const slices = new TimeSlices();
    for (const resource of sent) {
      await slices.pause();
      underDeadline(() => contentHash(resource));
      await slices.pause();
      if (underDeadline(() => problemOfSentResource(resource)) !== undefined) continue; // the operation says what is wrong with it
      if (resource.resourceType === 'CodeSystem') {
        await slices.pause();
        releases.push(underDeadline(() => overlay.hold(resource)));
      } else if (resource.resourceType === 'ConceptMap') {
        const steps = mapIndexSteps(resource);
        while (!underDeadline(() => steps.next()).done) await slices.pause();
      }
    }
    await slices.pause();
    return release;
  } catch (e) {
    release();
    throw e;
  }
}
