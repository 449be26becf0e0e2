// Validate each object of a Kubernetes manifest against the schema of its kind (the kubernetes-models
// validators: kubeconform's check, from npm). Usage: node scripts/check-manifest.mjs [deploy/kubernetes.yaml]
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';

const MODELS = { Deployment, Service, PersistentVolumeClaim, HorizontalPodAutoscaler };
const file = process.argv[2] ?? 'deploy/kubernetes.yaml';
let failed = 0;
for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
  const object = doc.toJS();
  const Model = MODELS[object?.kind];
  try {
    if (!Model) throw new Error(`no schema here for kind ${object?.kind}`);
    new Model(object).validate();
    console.log(`valid: ${object.kind} ${object.metadata?.name}`);
  } catch (e) {
    failed++;
    console.log(`INVALID: ${object?.kind} ${object?.metadata?.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
process.exit(failed ? 1 : 0);
