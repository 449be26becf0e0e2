import type { CodeSystem, ConceptMap, Resource, ValueSet } from 'fhir/r4';
import { noVersionRules, SystemVersionRules } from '../../terminology/compose';
import { LanguagePreference, parseLanguages } from '../../terminology/displays';
import type { TerminologyRegistry, TerminologyResource } from '../../terminology/registry';
import { splitCanonical } from '../../terminology/versions';
import { badRequest } from '../operation-outcome';
import type { OperationInput } from '../parameters';

/** What every operation gets from the edge: its parsed input, the registry, and request context. */
export interface OperationRequest {
  input: OperationInput;
  registry: TerminologyRegistry;
  acceptLanguage?: string;
  /** The resource named in the path for instance-level calls (/CodeSystem/{id}/$lookup). */
  instance?: CodeSystem | ValueSet | ConceptMap;
}

const TERMINOLOGY_TYPES = new Set(['CodeSystem', 'ValueSet', 'ConceptMap']);

/** The request's own registry: the server's content plus the resources sent as tx-resource. */
export function requestRegistry(request: OperationRequest): TerminologyRegistry {
  const sent: TerminologyResource[] = [];
  for (const r of request.input.resources('tx-resource') as Resource[]) {
    if (TERMINOLOGY_TYPES.has(r.resourceType)) sent.push(r as TerminologyResource);
  }
  return request.registry.overlay(sent);
}

export function languagesOf(request: OperationRequest): LanguagePreference[] {
  return parseLanguages(request.input.string('displayLanguage') ?? request.acceptLanguage);
}

export function versionRulesOf(input: OperationInput): SystemVersionRules {
  const rules = noVersionRules();
  const fill = (name: string, target: Map<string, string>): void => {
    for (const canonical of input.strings(name)) {
      const { url, version } = splitCanonical(canonical);
      if (!version) throw badRequest(`Parameter '${name}' must be a canonical with a version (system|version), not '${canonical}'`, name);
      target.set(url, version);
    }
  };
  fill('force-system-version', rules.force);
  fill('system-version', rules.fallback);
  fill('check-system-version', rules.check);
  return rules;
}

export function requireString(input: OperationInput, name: string, why: string): string {
  const v = input.string(name);
  if (v === undefined || v === '') throw badRequest(`Parameter '${name}' is required ${why}`, name);
  return v;
}
