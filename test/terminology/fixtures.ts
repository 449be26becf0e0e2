import type { CodeSystem, ValueSet } from 'fhir/r4';

/** A small code system with a hierarchy, an inactive and an abstract concept, used by the engine tests. */
export const shapes: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'http://example.org/shapes',
  version: '1.0.0',
  status: 'active',
  content: 'complete',
  caseSensitive: true,
  hierarchyMeaning: 'is-a',
  property: [
    { code: 'sides', type: 'integer' },
    { code: 'status', uri: 'http://hl7.org/fhir/concept-properties#status', type: 'code' },
    { code: 'notSelectable', uri: 'http://hl7.org/fhir/concept-properties#notSelectable', type: 'boolean' },
  ],
  concept: [
    {
      code: 'polygon',
      display: 'Polygon',
      property: [{ code: 'notSelectable', valueBoolean: true }],
      concept: [
        { code: 'triangle', display: 'Triangle', property: [{ code: 'sides', valueInteger: 3 }] },
        {
          code: 'quad',
          display: 'Quadrilateral',
          property: [{ code: 'sides', valueInteger: 4 }],
          concept: [
            { code: 'square', display: 'Square', designation: [{ language: 'de', value: 'Quadrat' }] },
            { code: 'rhombus', display: 'Rhombus' },
          ],
        },
      ],
    },
    { code: 'circle', display: 'Circle', definition: 'Round', property: [{ code: 'status', valueCode: 'retired' }] },
  ],
};

export const shapes2: CodeSystem = { ...shapes, version: '2.0.0', concept: [...(shapes.concept ?? []), { code: 'ellipse', display: 'Ellipse' }] };

export const quadValueSet: ValueSet = {
  resourceType: 'ValueSet',
  url: 'http://example.org/vs/quads',
  version: '1',
  status: 'active',
  compose: { include: [{ system: 'http://example.org/shapes', filter: [{ property: 'concept', op: 'is-a', value: 'quad' }] }] },
};
