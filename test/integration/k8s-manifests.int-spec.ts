import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { validateEnvironment } from '../../src/config/env.validation';
import { OUTBOX_TOPICS } from '../../src/modules/outbox';

const DIR = path.resolve(__dirname, '..', '..', 'deploy', 'k8s');

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata?: { name: string; labels?: Record<string, string> };
  [key: string]: any;
}

function load(): Manifest[] {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((document) => {
        if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map(String).join('; ')}`);
        return { ...(document.toJS() as object), file } as Manifest;
      }),
    );
}

/** The deploy/k8s manifests parse, fit together, and give each process an environment the service accepts. */
describe('deploy/k8s manifests', () => {
  const manifests = load();
  const find = (kind: string, name: string) => {
    const found = manifests.find((m) => m.kind === kind && m.metadata?.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
    return found;
  };
  const config = find('ConfigMap', 'volna-config');
  const secret = find('Secret', 'volna-secrets');
  const api = find('Deployment', 'volna-api');
  const worker = find('Deployment', 'volna-worker');
  const containerOf = (deployment: Manifest) => deployment.spec.template.spec.containers[0];
  const envOf = (deployment: Manifest): Record<string, string> =>
    Object.fromEntries(containerOf(deployment).env.map((e: { name: string; value: string }) => [e.name, e.value]));

  it('every document parses and names its apiVersion, kind and name', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(8);
    for (const manifest of manifests.filter((m) => m.kind !== 'Kustomization')) {
      expect(manifest).toMatchObject({
        apiVersion: expect.any(String),
        kind: expect.any(String),
        metadata: { name: expect.any(String) },
      });
    }
  });

  it('api and worker run the same image with their APP_ROLE, env from the ConfigMap and the Secret', () => {
    expect(containerOf(api).image).toBe(containerOf(worker).image);
    expect(envOf(api).APP_ROLE).toBe('api');
    expect(envOf(worker).APP_ROLE).toBe('worker');
    for (const deployment of [api, worker]) {
      expect(containerOf(deployment).envFrom).toEqual([
        { configMapRef: { name: config.metadata!.name } },
        { secretRef: { name: secret.metadata!.name } },
      ]);
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
      expect(deployment.spec.selector.matchLabels).toEqual(
        expect.objectContaining(deployment.spec.template.metadata.labels),
      );
    }
  });

  it('the environment of each Deployment passes the service validation', () => {
    for (const deployment of [api, worker]) {
      const env = validateEnvironment({ ...config.data, ...secret.stringData, ...envOf(deployment) });
      const needed = env.QUEUE_CONCURRENCY * OUTBOX_TOPICS.length + env.TRIAGE_CONCURRENCY + 5;
      if (env.APP_ROLE === 'worker') expect(env.DATABASE_POOL_SIZE).toBeGreaterThanOrEqual(needed);
      // The drain and the rest of the stop fit in the grace period.
      expect(env.SHUTDOWN_DRAIN_MS).toBeLessThan(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000);
    }
  });

  it('the api is probed on /health/live (liveness, startup) and /health/ready (readiness); the Service reaches it', () => {
    const container = containerOf(api);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.ports).toEqual([{ name: 'http', containerPort: Number(envOf(api).PORT) }]);
    const service = find('Service', 'volna-api');
    expect(service.spec.selector).toEqual(api.spec.template.metadata.labels);
    expect(service.spec.ports[0].targetPort).toBe('http');
  });

  it('resources are sized for a 2-core node', () => {
    expect(containerOf(api).resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    });
    expect(containerOf(worker).resources).toEqual({
      requests: { cpu: '500m', memory: '768Mi' },
      limits: { cpu: '1500m', memory: '768Mi' },
    });
    const millicores = (cpu: string) => (cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000);
    const requested =
      api.spec.replicas * millicores(containerOf(api).resources.requests.cpu) +
      worker.spec.replicas * millicores(containerOf(worker).resources.requests.cpu);
    expect(requested).toBeLessThanOrEqual(1500); // room left on 2 cores for the system and a rolling update
  });

  it('the example Secret holds placeholders only', () => {
    for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) {
      expect(`${key}=${value}`).toMatch(/CHANGE-ME/);
    }
  });

  it('the kustomization lists files that exist, and leaves out the example Secret and the optional Job', () => {
    const kustomization = manifests.find((m) => m.kind === 'Kustomization');
    const files = manifests.map((m) => m.file);
    expect(kustomization?.resources.every((file: string) => files.includes(file))).toBe(true);
    expect(kustomization?.resources).not.toContain('secret.example.yaml');
    expect(kustomization?.resources).not.toContain('migrate-job.yaml');
    expect(files).toContain('migrate-job.yaml');
  });
});
