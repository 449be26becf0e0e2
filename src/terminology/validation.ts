import type { CodeableConcept, CodeSystem, ValueSet } from 'fhir/r4';
import type { CodeSystemIndex, Concept } from './code-system-index';
import { ComposeContext, SystemVersionRules } from './compose';
import { inactiveStatusWord } from './concept-status';
import { ConceptDisplays } from './displays';
import type { LanguagePreference } from './languages';
import { issue, MessageId, TerminologyError, TerminologyIssue } from './issues';
import type { TerminologyRegistry } from './registry';
import { resourceStatusNote, type ResourceStatusNote } from './resource-status';
import { canonicalOf, presentVersionList } from './versions';
import { resolveCodingVersion, ruleVersion, versionCheckIssue } from './system-versions';

/** The input, result and shared state of one $validate-code (issues, messages, the code systems and findings met). */

const STATUS_MESSAGES: Record<ResourceStatusNote, MessageId> = {
  deprecated: 'MSG_DEPRECATED',
  withdrawn: 'MSG_WITHDRAWN',
  retired: 'MSG_RETIRED',
  experimental: 'MSG_EXPERIMENTAL',
  draft: 'MSG_DRAFT',
};

/** One coding to check, as the request gave it. */
export interface CodingToValidate {
  system?: string;
  version?: string;
  code?: string;
  display?: string;
}

export type ValidationTarget = { kind: 'code-system' } | { kind: 'value-set'; valueSet: ValueSet };

export interface ValidateCodeInput {
  target: ValidationTarget;
  /** How the codings were given: a bare code, a Coding, or a CodeableConcept. */
  form: 'code' | 'coding' | 'codeableConcept';
  codings: CodingToValidate[];
  /** CodeableConcept.text, echoed back with the codings. */
  text?: string;
  /** displayLanguage, else Accept-Language, else the value set's language. */
  languages: LanguagePreference[];
  /** `*;q=0`: no display at all rather than one outside the languages. */
  wildcardRefused?: boolean;
  /** How the languages were asked for, for messages ("de", "en-AU, en;q=0.8"); absent when none were. */
  languageSummary?: string;
  /** Accept abstract / not-selectable concepts (R4 `abstract` parameter). */
  abstractAllowed: boolean;
  activeOnly: boolean;
  inferSystem: boolean;
  /** Only membership matters: no reports about the code system or the code itself. */
  membershipOnly?: boolean;
  /** Wrong displays are warnings rather than errors. */
  lenientDisplay: boolean;
  versionRules?: SystemVersionRules;
  /** default-valueset-version: the version of each value set url imported without one. */
  valueSetVersions?: ReadonlyMap<string, string>;
  /** Supplements the request asks to be used (useSupplement): each must exist. */
  useSupplements?: string[];
}

export interface ValidateCodeResult {
  result: boolean;
  system?: string;
  version?: string;
  code?: string;
  display?: string;
  message?: string;
  issues: TerminologyIssue[];
  inactive?: boolean;
  status?: string;
  normalizedCode?: string;
  /** Code systems that could not be found and made the answer false (x-caused-by-unknown-system). */
  unknownSystems: string[];
  /** Code systems that could not be found for codes that were not in the value set anyway (x-unknown-system). */
  otherUnknownSystems: string[];
  codeableConcept?: CodeableConcept;
}

/** true: in the value set; false: not in it; null: cannot tell (an unknown code system). */
export type Verdict = boolean | null;

/** What checking one coding found out about it, beyond the verdict. */
export interface Found {
  cs?: CodeSystemIndex;
  displays?: ConceptDisplays;
}

/** The state of one $validate-code: the issues, messages and findings shared by all its codings. */
export class Validation {
  readonly issues: TerminologyIssue[] = [];
  readonly messages: string[] = [];
  readonly unknownSystems = new Set<string>();
  inactive?: { path: string; code: string; status?: string };
  normalForm?: string;
  /** Value sets being checked, outermost first, to stop import cycles. */
  private readonly stack: string[] = [];

  constructor(
    readonly ctx: ComposeContext,
    readonly input: ValidateCodeInput,
    readonly valueSet: ValueSet,
    /** The value set stands for a whole code system (CodeSystem/$validate-code). */
    readonly internal: boolean,
  ) {}

  get registry(): TerminologyRegistry {
    return this.ctx.registry;
  }

  add(i: TerminologyIssue, ifNew = false): boolean {
    if (ifNew && this.issues.some((x) => x.text === i.text)) return false;
    this.issues.push(i);
    return true;
  }

  message(text: string): void {
    if (!this.messages.includes(text)) this.messages.push(text);
  }

  hasErrors(): boolean {
    return this.issues.some((i) => i.severity === 'error');
  }

  /** The first inactive (or, failing that, deprecated) concept met, for the inactive/status report. */
  noteInactive(path: string, code: string, concept: Concept): void {
    if (this.inactive) return;
    if (concept.inactive) this.inactive = { path, code, status: inactiveStatusWord(concept) };
    else if (concept.deprecated && !this.deprecated) this.deprecated = { path, code };
  }

  deprecated?: { path: string; code: string };

  /** The version of `system` an include (or the coding) selects, honouring the request's version rules. */
  versionFor(system: string, includeVersion: string | undefined, codingVersion: string | undefined): string | undefined {
    return ruleVersion(this.ctx.versionRules, system, includeVersion ?? codingVersion);
  }

  /**
   * The code system an include checks the coding against (see system-versions.ts): the include's
   * version under the request rules, narrowed by the coding's; reports version mismatches, an
   * unknown coding version, and a version that check-system-version rejects.
   */
  includeCodeSystem(path: string, system: string, includeVersion: string | undefined, codingVersion: string | undefined): { cs?: CodeSystemIndex; version?: string } {
    const rules = this.ctx.versionRules;
    const resolved = resolveCodingVersion(this.registry, rules, system, includeVersion, codingVersion, path);
    for (const i of resolved.issues) {
      if (i.severity === 'error') this.message(i.text);
      this.add(i, true);
    }
    if (resolved.unknownCodingVersion) this.unknownSystems.add(resolved.unknownCodingVersion);
    const version = ruleVersion(rules, system, resolved.version);
    const cs = this.findCodeSystem(system, version);
    const rejected = cs && versionCheckIssue(rules, cs, at(path, 'version'));
    if (rejected) {
      this.message(rejected.text);
      this.add(rejected, true);
    }
    return { cs, version };
  }

  findCodeSystem(system: string, version: string | undefined): CodeSystemIndex | undefined {
    const cs = this.registry.codeSystem(system, version);
    if (!cs || cs.content === 'not-present' || cs.content === 'supplement') return undefined;
    this.ctx.usedCodeSystems.set(cs.canonical, cs);
    return cs;
  }

  /** Report a code system that cannot be found, once per system (and version). */
  unknownCodeSystem(path: string, system: string, version: string | undefined): void {
    const supplement = this.registry.resolve('CodeSystem', system, version);
    if (supplement?.content === 'supplement') {
      const i = issue('CODESYSTEM_CS_NO_SUPPLEMENT', [canonicalOf(supplement)], at(path, 'system'));
      this.message(i.text);
      if (!this.unknownSystems.has(system)) {
        this.unknownSystems.add(system);
        this.add(i);
      }
      return;
    }
    let id: MessageId = 'UNKNOWN_CODESYSTEM';
    let key = system;
    let args: string[] = [system];
    if (version) {
      const versions = this.registry.versionsOf('CodeSystem', system);
      id = versions.length ? 'UNKNOWN_CODESYSTEM_VERSION' : 'UNKNOWN_CODESYSTEM_VERSION_NONE';
      key = versions.length ? `${system}|${version}` : system;
      args = [system, version, presentVersionList(versions)];
    }
    const i = issue(id, args, at(path, 'system'));
    this.message(i.text);
    if (!this.unknownSystems.has(key)) {
      this.unknownSystems.add(key);
      this.add(i);
    }
  }

  /** Say when the answer relies on a code system or value set whose status calls for it (resource-status.ts). */
  checkStatus(resource: CodeSystem | ValueSet): void {
    const note = resourceStatusNote(resource, this.valueSet);
    if (note) this.add(issue(STATUS_MESSAGES[note], [resource.resourceType, canonicalOf(resource)]), true);
  }

  enter(vs: ValueSet): () => void {
    const key = canonicalOf(vs);
    if (this.stack.includes(key)) {
      throw new TerminologyError(issue('VALUESET_CIRCULAR_REFERENCE', [key, this.stack.join(', ')]));
    }
    this.stack.push(key);
    return () => this.stack.pop();
  }
}

/** A value set as messages name it: url|version, or '(unidentified)' for one without a url. */
export const vsLabel = (vs: ValueSet): string => (vs.url ? canonicalOf(vs) : '(unidentified)');

export const at = (path: string, element: string): string => (path ? `${path}.${element}` : element);

export function unknownCode(cs: CodeSystemIndex, code: string, path: string): TerminologyIssue {
  return cs.version
    ? issue('Unknown_Code_in_Version', [code, cs.url, cs.version], at(path, 'code'))
    : issue('Unknown_Code_in', [code, cs.url], at(path, 'code'));
}

/** Report an unknown code, with the code system's own explanation when it has one (UCUM's grammar). */
export function addUnknownCode(v: Validation, cs: CodeSystemIndex, code: string, path: string, inMessage = false, onlyIfNew = false): void {
  const i = unknownCode(cs, code, path);
  if (inMessage) v.message(i.text);
  v.add(i, onlyIfNew);
  const why = cs.whyNotACode(code);
  if (why) v.add(issue('CODE_PROBLEM', [code, why], at(path, 'code')), onlyIfNew);
}
