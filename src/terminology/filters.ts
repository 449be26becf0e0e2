import type { ValueSetComposeIncludeFilter } from 'fhir/r4';
import { CodeSystemIndex, Concept, propertyValueText } from './code-system-index';
import { checkDeadline } from './deadline';
import { issue, TerminologyError } from './issues';
import { ClientRegex, compileSafeRegex, safeTest, UnsafePatternError } from './safe-regex';

/**
 * A compiled ValueSet.compose filter: `candidates` narrows the search where the filter can
 * (hierarchy filters) and lists exactly the concepts that pass it; `test` decides membership of
 * one concept.
 */
export interface CompiledFilter {
  candidates?: () => Concept[];
  test: (concept: Concept) => boolean;
}

type FilterOp = ValueSetComposeIncludeFilter['op'] | 'child-of' | 'descendent-leaf';

function filterError(cs: CodeSystemIndex, f: ValueSetComposeIncludeFilter, unknownProperty = false): TerminologyError {
  return new TerminologyError(issue(unknownProperty ? 'FILTER_PROPERTY_UNKNOWN' : 'FILTER_NOT_UNDERSTOOD', [f.property, f.op, f.value, cs.url]));
}

function splitValues(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

const HIERARCHY_PROPERTIES = new Set(['concept', 'code']);

/** The text values a concept has for a property (standard pseudo-properties included). */
function valuesOf(cs: CodeSystemIndex, concept: Concept, property: string): string[] {
  switch (cs.standardProperty(property) ?? property) {
    case 'code':
      return [concept.code];
    case 'display':
      return concept.display !== undefined ? [concept.display] : [];
    case 'definition':
      return concept.definition !== undefined ? [concept.definition] : [];
    case 'parent':
      return concept.parents.length ? concept.parents : cs.propertyValues(concept, 'parent').map(propertyValueText);
    case 'child':
      return concept.children.length ? concept.children : cs.propertyValues(concept, 'child').map(propertyValueText);
    case 'inactive':
      return [String(concept.inactive)];
    case 'notSelectable':
      return [String(concept.notSelectable)];
    case 'status':
      return concept.status !== undefined ? [concept.status] : [];
    default:
      return cs.propertyValues(concept, property).map(propertyValueText);
  }
}

/** Does the concept state the property? inactive and notSelectable have a value (false) even when not stated. */
function states(cs: CodeSystemIndex, concept: Concept, property: string): boolean {
  const standard = cs.standardProperty(property);
  if (standard === 'inactive' || standard === 'notSelectable') return cs.propertyValues(concept, cs.standardCodes[standard]).length > 0;
  return valuesOf(cs, concept, property).length > 0;
}

function isKnownProperty(cs: CodeSystemIndex, property: string): boolean {
  return (
    cs.propertyDefinitions.has(property) ||
    cs.standardProperty(property) !== undefined ||
    ['code', 'display', 'definition', 'parent', 'child', 'inactive', 'notSelectable', 'status', 'concept'].includes(property)
  );
}

const FILTER_OP_EXTENSION = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.compose.include.filter.op';

/** The filter's operator; R4 carries the R5-only ones (child-of, descendent-leaf) in an extension on `op`. */
function operatorOf(f: ValueSetComposeIncludeFilter): FilterOp {
  const carried = f._op?.extension?.find((e) => e.url === FILTER_OP_EXTENSION)?.valueCode;
  return (carried ?? f.op) as FilterOp;
}

export function compileFilter(cs: CodeSystemIndex, raw: ValueSetComposeIncludeFilter): CompiledFilter {
  const op = operatorOf(raw);
  const f: ValueSetComposeIncludeFilter = { ...raw, op: op as ValueSetComposeIncludeFilter['op'] };
  const value = f.value;
  if (value === undefined || value === '') {
    if (op !== 'exists') {
      throw new TerminologyError(issue('UNABLE_TO_HANDLE_SYSTEM_FILTER_WITH_NO_VALUE', [cs.url, f.property, f.op]),
      );
    }
  }
  if (HIERARCHY_PROPERTIES.has(f.property) && ['is-a', 'descendent-of', 'is-not-a', 'generalizes', 'child-of', 'descendent-leaf'].includes(op)) {
    return hierarchyFilter(cs, f, op);
  }
  switch (op) {
    case '=': {
      if (!isKnownProperty(cs, f.property)) throw filterError(cs, f, true);
      return { test: (c) => valuesOf(cs, c, f.property).includes(value) };
    }
    case 'in':
    case 'not-in': {
      const set = new Set(splitValues(value));
      if (!isKnownProperty(cs, f.property)) throw filterError(cs, f, true);
      const inSet = (c: Concept): boolean => valuesOf(cs, c, f.property).some((v) => set.has(v));
      return op === 'in' ? { test: inSet } : { test: (c) => !inSet(c) };
    }
    case 'regex': {
      let regex: ClientRegex;
      try {
        regex = compileSafeRegex(value);
      } catch (e) {
        const why = e instanceof UnsafePatternError ? e.message : 'invalid pattern';
        throw new TerminologyError(issue('FILTER_REGEX_INVALID', [f.property, f.op, value, cs.url, why]));
      }
      return { test: (c) => valuesOf(cs, c, f.property).some((v) => safeTest(regex, v)) };
    }
    case 'exists': {
      const wanted = value !== 'false';
      return { test: (c) => states(cs, c, f.property) === wanted };
    }
    default:
      throw filterError(cs, f);
  }
}

function hierarchyFilter(cs: CodeSystemIndex, f: ValueSetComposeIncludeFilter, op: FilterOp): CompiledFilter {
  const value = f.value;
  const root = cs.get(value);
  const none: CompiledFilter = { candidates: () => [], test: () => false };
  switch (op) {
    case 'is-a':
      if (!root) return none;
      return { candidates: () => [root, ...cs.descendants(root.code)], test: (c) => cs.subsumedBy(c.code, root.code) };
    case 'descendent-of':
      if (!root) return none;
      return { candidates: () => cs.descendants(root.code), test: (c) => c.code !== root.code && cs.subsumedBy(c.code, root.code) };
    case 'descendent-leaf':
      if (!root) return none;
      return {
        candidates: () => cs.descendants(root.code).filter((c) => !c.children.length),
        test: (c) => c.code !== root.code && !c.children.length && cs.subsumedBy(c.code, root.code),
      };
    case 'child-of':
      if (!root) return none;
      return { candidates: () => root.children.map((k) => cs.get(k)).filter((c): c is Concept => !!c), test: (c) => c.parents.includes(root.code) };
    case 'is-not-a':
      if (!root) return { test: () => true };
      return { test: (c) => !cs.subsumedBy(c.code, root.code) };
    case 'generalizes':
      if (!root) return none;
      return { candidates: () => [root, ...cs.ancestors(root.code)], test: (c) => cs.subsumedBy(root.code, c.code) };
    default:
      throw filterError(cs, f);
  }
}

/** All concepts matching every filter (AND), each once, using the narrowest candidate list available. */
export function applyFilters(cs: CodeSystemIndex, filters: CompiledFilter[]): Concept[] {
  const seeded = filters.find((f) => f.candidates);
  // candidates may name a concept twice (a concept under two parents); the code system's list does not
  const base = seeded?.candidates ? [...new Set(seeded.candidates())] : cs.concepts;
  // the seeded filter's candidates pass it by construction: testing them again walks a deep hierarchy once per concept
  const rest = filters.filter((f) => f !== seeded);
  return base.filter((c) => {
    checkDeadline();
    return rest.every((f) => f.test(c));
  });
}
