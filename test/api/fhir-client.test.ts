import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Client from 'fhir-kit-client';
import type { Bundle, CapabilityStatement, OperationOutcome, Parameters, ValueSet } from 'fhir/r4';
import { loadResources } from '../../src/content/load-resources';
import { createApp } from '../../src/http/app';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { quietLogger, RESOURCES_DIR } from './test-app';

/**
 * The server as a FHIR client library (fhir-kit-client) sees it: capabilities, read, search with
 * the paging links followed as the library follows them, operations by GET and by POST, batch, and
 * errors. The server listens on a real port and knows its own address, so its links can be followed.
 */

const CPT = 'http://www.ama-assn.org/go/cpt';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const VS = 'http://fhir.bone-strength.org/ValueSet';

let server: Server;
let client: Client;

beforeAll(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  const app = createApp(new TerminologyRegistry(loadResources([RESOURCES_DIR])), { baseUrl, softwareVersion: 'test', logger: quietLogger });
  server.on('request', app);
  client = new Client({ baseUrl });
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const valueOf = (p: Parameters, name: string) => p.parameter?.find((x) => x.name === name);

/** What fhir-kit-client rejects with when the server answers an error. */
interface ClientError {
  response: { status: number; data: OperationOutcome };
}

describe('a FHIR client library', () => {
  it('reads the capability statement and a value set', async () => {
    const capabilities = (await client.capabilityStatement()) as CapabilityStatement;
    expect(capabilities.fhirVersion).toBe('4.0.1');
    const operations = capabilities.rest?.[0].resource?.find((r) => r.type === 'ValueSet')?.operation?.map((o) => o.name);
    expect(operations).toEqual(expect.arrayContaining(['expand', 'validate-code']));
    const vs = (await client.read({ resourceType: 'ValueSet', id: 'cpt-0556t-diagnoses' })) as ValueSet;
    expect(vs.url).toBe(`${VS}/cpt-0556t-diagnoses`);
  });

  it('pages through a search by following next to the end and previous back, each entry once', async () => {
    const first = (await client.search({ resourceType: 'ValueSet', searchParams: { _count: 7, _elements: 'url' } })) as Bundle;
    const seen: string[] = [];
    let page: Bundle | undefined = first;
    let pages = 0;
    while (page) {
      pages++;
      for (const e of page.entry ?? []) seen.push(e.resource?.id ?? '');
      page = page.link?.some((l) => l.relation === 'next') ? ((await client.nextPage({ bundle: page as Bundle & { type: 'searchset' } })) as Bundle) : undefined;
    }
    expect(pages).toBe(Math.ceil((first.total ?? 0) / 7));
    expect(new Set(seen).size).toBe(first.total);
    const second = (await client.nextPage({ bundle: first as Bundle & { type: 'searchset' } })) as Bundle;
    const back = (await client.prevPage({ bundle: second as Bundle & { type: 'searchset' } })) as Bundle;
    expect(back.entry?.map((e) => e.resource?.id)).toEqual(first.entry?.map((e) => e.resource?.id));
  });

  it('runs $lookup and $translate by GET and $validate-code by POST', async () => {
    const lookup = (await client.operation({ resourceType: 'CodeSystem', name: '$lookup', method: 'GET', input: { system: CPT, code: '0556T' } })) as Parameters;
    expect(valueOf(lookup, 'display')?.valueString).toMatch(/bone strength/i);
    const translate = (await client.operation({ resourceType: 'ConceptMap', name: '$translate', method: 'GET', input: { system: CPT, code: '0556T', targetsystem: ICD } })) as Parameters;
    expect(valueOf(translate, 'result')?.valueBoolean).toBe(true);
    const input: Parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'url', valueUri: `${VS}/cpt-0556t-diagnoses` },
        { name: 'coding', valueCoding: { system: ICD, code: 'M81.0' } },
      ],
    };
    const validated = (await client.operation({ resourceType: 'ValueSet', name: '$validate-code', input })) as Parameters;
    expect(valueOf(validated, 'result')?.valueBoolean).toBe(true);
  });

  it('sends a batch and gets each answer in order', async () => {
    const body = {
      resourceType: 'Bundle' as const,
      type: 'batch' as const,
      entry: [
        { request: { method: 'GET' as const, url: `CodeSystem/$lookup?system=${encodeURIComponent(ICD)}&code=M81.0` } },
        { request: { method: 'GET' as const, url: 'ValueSet/no-such-value-set' } },
      ],
    };
    const answer = (await client.batch({ body })) as Bundle;
    expect(answer.type).toBe('batch-response');
    expect(answer.entry?.map((e) => e.response?.status.slice(0, 3))).toEqual(['200', '404']);
  });

  it('gets an error as a status and an OperationOutcome it can read', async () => {
    const failure = (await client.read({ resourceType: 'ValueSet', id: 'no-such-value-set' }).catch((e: unknown) => e)) as ClientError;
    expect(failure.response.status).toBe(404);
    expect(failure.response.data.resourceType).toBe('OperationOutcome');
    expect(failure.response.data.issue[0].details?.text ?? failure.response.data.issue[0].diagnostics).toMatch(/no-such-value-set/);
  });
});
