/**
 * deploy/kubernetes: every manifest is valid against the Kubernetes API schemas (kubernetes-models),
 * kustomization.yaml lists every file, and what the manifests tell the app matches what the app is:
 * the probe paths are its routes, the ports its port, every variable one it reads, the labels select
 * the pods, and migrations run in the Job rather than in each replica.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Secret, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

import { envSchema } from "@/lib/env.mjs";

const dir = path.join(import.meta.dirname, "../../deploy/kubernetes");
const root = path.join(import.meta.dirname, "../..");

// biome-ignore lint/suspicious/noExplicitAny: manifests are YAML of many shapes; each check says what it reads.
type Manifest = Record<string, any>;

// biome-ignore lint/suspicious/noExplicitAny: each model takes its own kind's shape; the YAML is checked by validate().
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/Ingress": Ingress,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
};

const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
const manifests: { file: string; doc: Manifest }[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(dir, file), "utf8")).map((d) => {
    expect(d.errors, file).toEqual([]);
    return { file, doc: d.toJS() as Manifest };
  }),
);
const one = (kind: string) => {
  const found = manifests.filter((m) => m.doc.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]?.doc as Manifest;
};

/** The variables the app reads: lib/env.mjs, the OpenTelemetry SDK's, and the image's entrypoint's. */
const KNOWN_VARIABLES = new Set([
  ...Object.keys(envSchema.shape),
  "SKIP_MIGRATIONS",
  "NEXTAUTH_URL",
  "HOSTNAME",
  "HOME",
  "NODE_OPTIONS",
]);
const isKnown = (name: string) => KNOWN_VARIABLES.has(name) || name.startsWith("OTEL_");

describe("deploy/kubernetes", () => {
  it("validates every manifest against the Kubernetes API schemas", () => {
    expect(manifests).toHaveLength(8);
    for (const { file, doc } of manifests) {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `${file}: ${doc.apiVersion} ${doc.kind} has no model here`).toBeDefined();
      expect(() => new (Model as NonNullable<typeof Model>)(doc).validate(), file).not.toThrow();
    }
  });

  it("fails validation for a manifest with a mistake (the check can fail)", () => {
    const broken = structuredClone(one("Deployment"));
    broken.spec.template.spec.containers[0].ports[0].containerPort = "three thousand";
    expect(() => new Deployment(broken).validate()).toThrow();
    const noSelector = structuredClone(one("Deployment"));
    delete noSelector.spec.selector;
    expect(() => new Deployment(noSelector).validate()).toThrow();
  });

  it("lists every manifest in kustomization.yaml, and nothing that is missing", () => {
    const kustomization = parseAllDocuments(readFileSync(path.join(dir, "kustomization.yaml"), "utf8"))[0]?.toJS();
    expect(kustomization.kind).toBe("Kustomization");
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
  });

  it("probes the app's own routes on its port, and the Service and Ingress reach that port", () => {
    const deployment = one("Deployment");
    const [container] = deployment.spec.template.spec.containers;
    const port = container.ports.find((p: Manifest) => p.name === "http");
    expect(port.containerPort).toBe(3000);
    const probes = {
      startup: container.startupProbe,
      readiness: container.readinessProbe,
      liveness: container.livenessProbe,
    };
    expect(probes.readiness.httpGet.path).toBe("/api/ready");
    expect(probes.liveness.httpGet.path).toBe("/api/health");
    expect(probes.startup.httpGet.path).toBe("/api/health");
    for (const probe of Object.values(probes)) {
      expect(probe.httpGet.port).toBe("http");
      const route = path.join(root, "app", probe.httpGet.path, "route.ts");
      expect(existsSync(route), route).toBe(true);
    }
    const env = Object.fromEntries(container.env.map((e: Manifest) => [e.name, e.value]));
    expect(env.PORT).toBe(String(port.containerPort));

    const service = one("Service");
    expect(service.spec.ports[0].targetPort).toBe("http");
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    const backend = one("Ingress").spec.rules[0].http.paths[0].backend.service;
    expect(backend).toEqual({ name: service.metadata.name, port: { name: service.spec.ports[0].name } });
    expect(one("PodDisruptionBudget").spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(one("HorizontalPodAutoscaler").spec.scaleTargetRef).toMatchObject({
      kind: "Deployment",
      name: deployment.metadata.name,
    });
  });

  it("runs migrations in the Job, not in each replica", () => {
    const [container] = one("Deployment").spec.template.spec.containers;
    expect(container.env).toContainEqual({ name: "SKIP_MIGRATIONS", value: "1" });
    const job = one("Job").spec.template.spec.containers[0];
    expect(job.workingDir).toBe("/app/migrator");
    expect(job.command).toEqual(["node", "scripts/migrate.mjs"]);
    // The image's migrator runs the same script (Dockerfile, docker-entrypoint.sh).
    expect(readFileSync(path.join(root, "deploy/docker-entrypoint.sh"), "utf8")).toContain(
      "(cd migrator && node scripts/migrate.mjs)",
    );
  });

  it("sets only variables the app reads, and takes the secrets from the Secret", () => {
    const names = [
      ...Object.keys(one("ConfigMap").data),
      ...Object.keys(one("Secret").stringData),
      ...one("Deployment").spec.template.spec.containers.flatMap((c: Manifest) => c.env.map((e: Manifest) => e.name)),
      ...one("Job").spec.template.spec.containers.flatMap((c: Manifest) => c.env.map((e: Manifest) => e.name)),
    ];
    expect(names.filter((n) => !isKnown(n))).toEqual([]);
    expect(Object.keys(one("ConfigMap").data)).not.toContain("DATABASE_URL");
    for (const secret of ["DATABASE_URL", "AUTH_SECRET", "S3_SECRET_ACCESS_KEY", "METRICS_TOKEN"]) {
      expect(Object.keys(one("Secret").stringData)).toContain(secret);
    }
    // Several replicas need the shared pieces: Redis for live updates and limits, S3 for attachments.
    expect(one("ConfigMap").data.REDIS_URL).toMatch(/^redis:\/\//);
    expect(one("ConfigMap").data.S3_BUCKET).toBeTruthy();
  });

  it("runs as the image's non-root user with a read-only root and writable folders where the app writes", () => {
    for (const kind of ["Deployment", "Job"]) {
      const pod = one(kind).spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
        expect(container.resources.requests).toBeDefined();
        expect(container.resources.limits).toBeDefined();
      }
    }
    const [container] = one("Deployment").spec.template.spec.containers;
    const mounts = container.volumeMounts.map((m: Manifest) => m.mountPath);
    const dataDir = container.env.find((e: Manifest) => e.name === "DATA_DIR").value;
    expect(mounts).toEqual(expect.arrayContaining([dataDir, "/app/.next/cache", "/tmp"]));
  });

  it("keeps live streams open through the ingress: no buffering, long reads", () => {
    const annotations = one("Ingress").metadata.annotations;
    expect(annotations["nginx.ingress.kubernetes.io/proxy-buffering"]).toBe("off");
    expect(Number(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"])).toBeGreaterThanOrEqual(3600);
  });
});
