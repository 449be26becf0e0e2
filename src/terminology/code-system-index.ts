import type {
  CodeSystem,
  CodeSystemConcept,
  CodeSystemConceptDesignation,
  CodeSystemConceptProperty,
  CodeSystemProperty,
  Coding,
  Extension,
} from 'fhir/r4';
import { conceptStatus, STANDARDS_STATUS } from './concept-status';
import { checkDeadline } from './deadline';
import { canonicalOf } from './versions';

/** A concept property value, typed as the CodeSystem declares it. */
export type PropertyValue =
  | { type: 'code'; value: string }
  | { type: 'Coding'; value: Coding }
  | { type: 'string'; value: string }
  | { type: 'integer'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'dateTime'; value: string }
  | { type: 'decimal'; value: number };

export interface ConceptProperty {
  code: string;
  value: PropertyValue;
}

export interface Designation {
  language?: string;
  use?: Coding;
  value: string;
  extension?: Extension[];
}

/**
 * The one empty list that concepts without designations, properties, parents or children share: a
 * full ICD-10-CM has some 300,000 such lists, which would otherwise each be an object for the
 * garbage collector to walk. Frozen, so that nothing can add to it by mistake.
 */
const NONE: never[] = Object.freeze([]) as unknown as never[];

export interface Concept {
  code: string;
  display?: string;
  definition?: string;
  designations: Designation[];
  properties: ConceptProperty[];
  parents: string[];
  children: string[];
  /** 'retired', 'deprecated', 'inactive', ... from the status property or the standards-status extension. */
  status?: string;
  /** Decided by conceptStatus (concept-status.ts), the one rule for what is inactive. */
  inactive: boolean;
  deprecated: boolean;
  notSelectable: boolean;
  extension?: Extension[];
}

/** Concept properties with standard meanings (http://hl7.org/fhir/concept-properties) that the index reads itself. */
export type StandardProperty = 'status' | 'inactive' | 'notSelectable';
const STANDARD_PROPERTIES: readonly StandardProperty[] = ['status', 'inactive', 'notSelectable'];


function propertyValue(p: CodeSystemConceptProperty): PropertyValue | undefined {
  if (p.valueCode !== undefined) return { type: 'code', value: p.valueCode };
  if (p.valueCoding !== undefined) return { type: 'Coding', value: p.valueCoding };
  if (p.valueString !== undefined) return { type: 'string', value: p.valueString };
  if (p.valueInteger !== undefined) return { type: 'integer', value: p.valueInteger };
  if (p.valueBoolean !== undefined) return { type: 'boolean', value: p.valueBoolean };
  if (p.valueDateTime !== undefined) return { type: 'dateTime', value: p.valueDateTime };
  if (p.valueDecimal !== undefined) return { type: 'decimal', value: p.valueDecimal };
  return undefined;
}

/** The text form of a property value, as filters and renderers compare it. */
export function propertyValueText(value: PropertyValue): string {
  switch (value.type) {
    case 'Coding':
      return value.value.code ?? '';
    case 'boolean':
    case 'integer':
    case 'decimal':
      return String(value.value);
    default:
      return value.value;
  }
}

function toDesignation(d: CodeSystemConceptDesignation): Designation {
  const out: Designation = { value: d.value };
  if (d.language) out.language = d.language;
  if (d.use) out.use = d.use;
  if (d.extension) out.extension = d.extension;
  return out;
}

/**
 * An in-memory index of one CodeSystem (one url|version): concepts by code, the is-a hierarchy,
 * properties and designations. Built once per resource and then only read.
 */
export class CodeSystemIndex {
  readonly url: string;
  readonly version?: string;
  /** url|version (url alone without a version), as answers name the code system. */
  readonly canonical: string;
  readonly content: CodeSystem['content'];
  readonly caseSensitive: boolean;
  readonly language?: string;
  readonly propertyDefinitions = new Map<string, CodeSystemProperty>();
  /** Every concept in definition order (depth first). */
  readonly concepts: Concept[] = [];
  readonly roots: string[] = [];
  private readonly byCode = new Map<string, Concept>();
  private readonly byFoldedCode?: Map<string, Concept>;
  private positions?: Map<Concept, number>;
  private readonly propertyCodesByUri = new Map<string, string>();
  /** The property codes this system uses for the standard status, inactive and notSelectable properties (declared by uri, else the standard names). */
  readonly standardCodes: Readonly<Record<StandardProperty, string>>;

  constructor(readonly resource: CodeSystem) {
    this.url = resource.url ?? '';
    this.version = resource.version;
    this.canonical = canonicalOf(this);
    this.content = resource.content;
    this.caseSensitive = resource.caseSensitive === true;
    this.language = resource.language;
    for (const p of resource.property ?? []) {
      this.propertyDefinitions.set(p.code, p);
      if (p.uri) this.propertyCodesByUri.set(p.uri, p.code);
    }
    this.standardCodes = {
      status: this.propertyCode('http://hl7.org/fhir/concept-properties#status', 'status'),
      inactive: this.propertyCode('http://hl7.org/fhir/concept-properties#inactive', 'inactive'),
      notSelectable: this.propertyCode('http://hl7.org/fhir/concept-properties#notSelectable', 'notSelectable'),
    };
    const walk = (list: CodeSystemConcept[], parent: Concept | undefined): void => {
      for (const c of list) {
        checkDeadline();
        const concept = this.add(c);
        if (parent) link(parent, concept);
        else if (!concept.parents.length) this.roots.push(concept.code);
        if (c.concept) walk(c.concept, concept);
      }
    };
    walk(resource.concept ?? [], undefined);
    this.linkPropertyHierarchy();
    // Arrays grown by push keep room for 16 entries: trimmed, a full ICD-10-CM index is ~40 % smaller.
    for (const c of this.concepts) {
      if (c.parents.length) c.parents = c.parents.slice();
      if (c.children.length) c.children = c.children.slice();
    }
    if (!this.caseSensitive) {
      this.byFoldedCode = new Map();
      for (const c of this.concepts) {
        const folded = c.code.toLowerCase();
        if (!this.byFoldedCode.has(folded)) this.byFoldedCode.set(folded, c);
      }
    }
  }

  /** The property code this system uses for a standard property uri (e.g. concept-properties#status). */
  propertyCode(uri: string, fallback: string): string {
    return this.propertyCodesByUri.get(uri) ?? fallback;
  }

  /** The standard property a filter or request names, by its standard name or by this system's code for it. */
  standardProperty(property: string): StandardProperty | undefined {
    return STANDARD_PROPERTIES.find((name) => property === name || property === this.standardCodes[name]);
  }

  /** Where a concept of this code system is in `concepts` (-1: not one of its concepts). */
  positionOf(concept: Concept): number {
    if (!this.positions) {
      const positions = new Map<Concept, number>();
      this.concepts.forEach((c, i) => positions.set(c, i));
      this.positions = positions;
    }
    return this.positions.get(concept) ?? -1;
  }

  get(code: string): Concept | undefined {
    return this.byCode.get(code) ?? this.byFoldedCode?.get(code.toLowerCase());
  }

  /** True when `code` exists only with a different case in a case-insensitive system. */
  has(code: string): boolean {
    return this.get(code) !== undefined;
  }

  /** Why `code` is not a code of this system, where the system can say more than "unknown". */
  whyNotACode(_code: string): string | undefined {
    return undefined;
  }

  get size(): number {
    return this.concepts.length;
  }

  get hasHierarchy(): boolean {
    return this.concepts.some((c) => c.children.length > 0);
  }

  /** Is `code` equal to or a descendant of `ancestor`? */
  subsumedBy(code: string, ancestor: string): boolean {
    const target = this.get(ancestor)?.code;
    const start = this.get(code);
    if (!target || !start) return false;
    const seen = new Set<string>();
    const stack = [start.code];
    while (stack.length) {
      const current = stack.pop() as string;
      if (current === target) return true;
      if (seen.has(current)) continue;
      seen.add(current);
      for (const p of this.byCode.get(current)?.parents ?? []) stack.push(p);
    }
    return false;
  }

  /** Descendants of `code` (not itself), each once, in hierarchy order. */
  descendants(code: string): Concept[] {
    const out: Concept[] = [];
    const seen = new Set<string>();
    const start = this.get(code);
    // depth-first with a stack of its own: a sent hierarchy may be deeper than the call stack
    const stack = start ? [{ children: start.children, next: 0 }] : [];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next >= top.children.length) {
        stack.pop();
        continue;
      }
      const childCode = top.children[top.next++];
      if (seen.has(childCode)) continue;
      seen.add(childCode);
      const child = this.byCode.get(childCode);
      if (child) {
        checkDeadline();
        out.push(child);
        stack.push({ children: child.children, next: 0 });
      }
    }
    return out;
  }

  ancestors(code: string): Concept[] {
    const out: Concept[] = [];
    const seen = new Set<string>();
    const stack = [...(this.get(code)?.parents ?? [])];
    while (stack.length) {
      const current = stack.shift() as string;
      if (seen.has(current)) continue;
      seen.add(current);
      const c = this.byCode.get(current);
      if (c) {
        out.push(c);
        stack.push(...c.parents);
      }
    }
    return out;
  }

  propertyValues(concept: Concept, code: string): PropertyValue[] {
    return concept.properties.filter((p) => p.code === code).map((p) => p.value);
  }

  private add(c: CodeSystemConcept): Concept {
    const existing = this.byCode.get(c.code);
    if (existing) return existing;
    const properties: ConceptProperty[] = [];
    let statusProperty: PropertyValue | undefined;
    let inactiveFlag: PropertyValue | undefined;
    let notSelectable = false;
    for (const p of c.property ?? []) {
      const value = propertyValue(p);
      if (!value) continue;
      properties.push({ code: p.code, value });
      if (p.code === this.standardCodes.status) statusProperty ??= value;
      if (p.code === this.standardCodes.inactive && value.type === 'boolean') inactiveFlag ??= value;
      if (p.code === this.standardCodes.notSelectable && value.value === true) notSelectable = true;
    }
    const statusExtension = c.extension?.find((e) => e.url === STANDARDS_STATUS)?.valueCode;
    const { status, inactive, deprecated } = conceptStatus(statusProperty ? propertyValueText(statusProperty) : statusExtension, inactiveFlag?.value === true);
    const concept: Concept = {
      code: c.code,
      display: c.display,
      definition: c.definition,
      designations: c.designation ? c.designation.map(toDesignation) : NONE,
      properties: properties.length ? properties : NONE,
      parents: NONE,
      children: NONE,
      status,
      inactive,
      deprecated,
      notSelectable,
      extension: c.extension,
    };
    this.byCode.set(c.code, concept);
    this.concepts.push(concept);
    return concept;
  }

  /** Hierarchy stated with `parent`/`child` properties (flat code systems) rather than nesting. */
  private linkPropertyHierarchy(): void {
    const parentCode = this.propertyCode('http://hl7.org/fhir/concept-properties#parent', 'parent');
    const childCode = this.propertyCode('http://hl7.org/fhir/concept-properties#child', 'child');
    let linked = false;
    for (const concept of this.concepts) {
      for (const p of concept.properties) {
        if (p.code !== parentCode && p.code !== childCode) continue;
        const other = this.byCode.get(propertyValueText(p.value));
        if (!other) continue;
        if (p.code === parentCode) link(other, concept);
        else link(concept, other);
        linked = true;
      }
    }
    if (linked) {
      this.roots.length = 0;
      for (const c of this.concepts) if (!c.parents.length) this.roots.push(c.code);
    }
  }
}

function link(parent: Concept, child: Concept): void {
  if (!parent.children.includes(child.code)) {
    if (parent.children === NONE) parent.children = [];
    parent.children.push(child.code);
  }
  if (!child.parents.includes(parent.code)) {
    if (child.parents === NONE) child.parents = [];
    child.parents.push(parent.code);
  }
}

/** Merge supplements (designations and properties) into a copy of the base index. */
export function applySupplements(base: CodeSystem, supplements: CodeSystem[]): CodeSystem {
  if (!supplements.length) return base;
  const extra = new Map<string, CodeSystemConcept[]>();
  const collect = (list: CodeSystemConcept[] | undefined): void => {
    for (const c of list ?? []) {
      const bucket = extra.get(c.code) ?? [];
      bucket.push(c);
      extra.set(c.code, bucket);
      collect(c.concept);
    }
  };
  for (const s of supplements) collect(s.concept);
  const merge = (list: CodeSystemConcept[] | undefined): CodeSystemConcept[] | undefined =>
    list?.map((c) => {
      const adds = extra.get(c.code) ?? [];
      const merged: CodeSystemConcept = { ...c, concept: merge(c.concept) };
      if (!merged.concept) delete merged.concept;
      if (adds.length) {
        merged.designation = [...(c.designation ?? []), ...adds.flatMap((a) => a.designation ?? [])];
        merged.property = [...(c.property ?? []), ...adds.flatMap((a) => a.property ?? [])];
        merged.extension = [...(c.extension ?? []), ...adds.flatMap((a) => a.extension ?? [])];
        if (!merged.extension.length) delete merged.extension;
      }
      return merged;
    });
  const properties = [...(base.property ?? [])];
  for (const s of supplements) {
    for (const p of s.property ?? []) if (!properties.some((q) => q.code === p.code)) properties.push(p);
  }
  return { ...base, property: properties, concept: merge(base.concept) };
}
