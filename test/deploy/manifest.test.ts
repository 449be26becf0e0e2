import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { execFileSync, spawnSync } from 'node:child_process';
import type { IDeployment as Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { testApp } from '../api/test-app';

/**
 * deploy/kubernetes.yaml as shipped: each object valid against the Kubernetes schema of its kind,
 * and consistent with the Dockerfile and the server (user, image tag, probes, imported content).
 */

const ROOT = path.resolve(__dirname, '../..');
const manifest = parseAllDocuments(readFileSync(path.join(ROOT, 'deploy/kubernetes.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

function deployment(): Deployment {
  return manifest.find((o) => o.kind === 'Deployment') as unknown as Deployment;
}

describe('deploy/kubernetes.yaml', () => {
  it('is valid against the Kubernetes schema of each kind (scripts/check-manifest.mjs)', () => {
    const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts/check-manifest.mjs'), path.join(ROOT, 'deploy/kubernetes.yaml')], { encoding: 'utf8' });
    expect(out.match(/^valid: /gm)).toHaveLength(manifest.length);
  });

  it('rejects a manifest that breaks the schema', () => {
    const broken = path.join(tmpdir(), `broken-${process.pid}.yaml`);
    writeFileSync(broken, 'apiVersion: v1\nkind: Service\nmetadata: { name: x }\nspec: { ports: [{ port: "eighty" }] }\n');
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts/check-manifest.mjs'), broken], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/INVALID: Service x/);
  });

  it("runs as the Dockerfile's numeric non-root user", () => {
    const user = /^USER (\d+):(\d+)$/m.exec(dockerfile);
    expect(user).not.toBeNull();
    const pod = deployment().spec?.template.spec?.securityContext;
    expect(pod?.runAsNonRoot).toBe(true);
    expect(pod?.runAsUser).toBe(Number(user?.[1]));
    expect(pod?.runAsGroup).toBe(Number(user?.[2]));
    expect(Number(user?.[1])).toBeGreaterThan(0);
  });

  it('pins every image to the version in package.json', () => {
    const spec = deployment().spec?.template.spec;
    const images = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(new RegExp(`:${version.replace(/\./g, '\\.')}$`));
  });

  it('probes addresses the server answers, each with a timeout', async () => {
    const server = deployment().spec?.template.spec?.containers.find((c) => c.name === 'server');
    const probes = [server?.startupProbe, server?.readinessProbe, server?.livenessProbe];
    for (const probe of probes) {
      expect(probe?.timeoutSeconds).toBeGreaterThanOrEqual(2);
      const probePath = probe?.httpGet?.path as string;
      await request(testApp()).get(probePath).expect(200);
    }
  });

  it('brings imported code sets to the server: the init container imports into the volume CONTENT_DIRS names', () => {
    const spec = deployment().spec?.template.spec;
    const server = spec?.containers.find((c) => c.name === 'server');
    const dirs = server?.env?.find((e) => e.name === 'CONTENT_DIRS')?.value;
    expect(dirs).toBeDefined();
    const mount = server?.volumeMounts?.find((m) => m.mountPath === dirs);
    expect(mount).toBeDefined();
    const importer = spec?.initContainers?.find((c) => c.volumeMounts?.some((m) => m.name === mount?.name && !m.readOnly));
    expect(importer?.args?.join(' ')).toContain(`--out ${dirs}`);
  });
});
