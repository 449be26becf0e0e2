import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkJsonDepth, jsonDepth, jsonLength } from '../../src/fhir/json-measure';
import { DEFAULT_LIMITS, limitsFromEnvironment, SETTINGS } from '../../src/http/limits';

describe('limits', () => {
  it('come from the environment, with defaults; a malformed value names its variable', () => {
    const limits = limitsFromEnvironment({ REQUEST_DEADLINE_MS: '250', CACHE_UCUM_BYTES: '1024' });
    expect(limits.request.requestDeadlineMs).toBe(250);
    expect(limits.caches.ucumUnits).toBe(1024);
    expect(limits.request.maxBatchEntries).toBe(DEFAULT_LIMITS.request.maxBatchEntries);
    expect(() => limitsFromEnvironment({ MAX_BATCH_ENTRIES: '-3' })).toThrow(/MAX_BATCH_ENTRIES must be a positive whole number, not '-3'/);
  });

  it('are each in the README table with their default', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    for (const group of Object.values(SETTINGS)) {
      for (const setting of Object.values(group)) {
        const row = readme.split('\n').find((line) => line.includes(`\`${setting.variable}\``));
        const shown = setting.unit === 'bytes' ? `${setting.default / 1024 / 1024} MiB` : setting.default.toLocaleString('en-US');
        expect(row).toContain(shown);
      }
    }
  });
});

describe('JSON measures', () => {
  it('depth without recursion', () => {
    expect(jsonDepth('x')).toBe(0);
    expect(jsonDepth({ a: [{ b: 1 }] })).toBe(3);
    let deep: unknown = {};
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(jsonDepth(deep, 1000)).toBe(1001);
    expect(() => checkJsonDepth(deep, 128)).toThrow(/MAX_JSON_DEPTH/);
  });

  it('length close to JSON.stringify for plain text', () => {
    for (const v of [{}, [], { a: 1, b: [true, null, 'x'], c: { d: 'text' } }, [1, 2, 3], 'abc', 12.5]) {
      expect(jsonLength(v)).toBe(JSON.stringify(v).length);
    }
  });
});
