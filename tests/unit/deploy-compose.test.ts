/**
 * deploy/docker-compose.yml and deploy/nginx.conf: the "replicas" profile
 * runs two app containers alike in all but their name, behind a proxy with
 * a pinned image whose config lets live updates (Server-Sent Events on
 * /api/trpc) through unbuffered; the single `app` service is untouched by it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { parseEnv } from "@/lib/env.mjs";

const deploy = path.join(import.meta.dirname, "../../deploy");

interface Service {
  image?: string;
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  [key: string]: unknown;
}

const compose = parse(readFileSync(path.join(deploy, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const inProfile = (name: string) =>
  Object.entries(services).filter(([, service]) => service.profiles?.includes(name) ?? false);
const appImage = services.app?.image;
const replicas = inProfile("replicas").filter(([, service]) => service.image === appImage);
const proxy = services.proxy;
const config = () => readFileSync(path.join(deploy, "nginx.conf"), "utf8");
const dockerfile = readFileSync(path.join(deploy, "../Dockerfile"), "utf8");
/** DATA_DIR as the image sets it. */
const imageDataDir = /^\s*DATA_DIR=(\S+)/m.exec(dockerfile)?.[1];

/** The default of a `${NAME:-default}` value. */
const defaultOf = (value: string | undefined) => /^\$\{[A-Z0-9_]+:-([^}]*)\}$/.exec(value ?? "")?.[1];

/** The text of `name {…}` in an nginx config (comments removed), braces balanced. */
function block(config: string, name: string): string {
  const text = config.replace(/#[^\n]*/g, "");
  const start = text.indexOf(`${name} {`);
  if (start < 0) throw new Error(`no "${name}" block`);
  let depth = 0;
  for (let i = text.indexOf("{", start); i < text.length; i++) {
    if (text[i] === "{") depth++;
    if (text[i] === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`unbalanced "${name}" block`);
}

/** The directives of a block that are not inside a nested block, e.g. `proxy_buffering off`. */
function directives(body: string): string[] {
  const inner = body.slice(body.indexOf("{") + 1, body.lastIndexOf("}"));
  const flat = inner.replace(/\{[^{}]*\}/g, ";").replace(/\{[^{}]*\}/g, ";");
  return flat
    .split(";")
    .map((d) => d.trim().replace(/\s+/g, " "))
    .filter(Boolean);
}

describe("the replicas profile", () => {
  it("runs two app containers with the same image, build and environment", () => {
    expect(replicas.map(([name]) => name).sort()).toEqual(["app-1", "app-2"]);
    const [[, first], [, second]] = replicas as [[string, Service], [string, Service]];
    expect(first.environment).toBeDefined();
    expect(second.environment).toEqual(first.environment);
    expect(second.build).toEqual(first.build);
    expect(second.volumes).toEqual(first.volumes);
  });

  it("gives the replicas the app's environment, counting the bundled proxy as one more in front", () => {
    const app = services.app?.environment ?? {};
    for (const [, replica] of replicas) {
      const { TRUSTED_PROXIES: replicaProxies, ...rest } = replica.environment ?? {};
      const { TRUSTED_PROXIES: appProxies, ...appRest } = app;
      expect(rest).toEqual(appRest);
      expect(Number(defaultOf(replicaProxies))).toBe(Number(defaultOf(appProxies)) + 1);
    }
  });

  it("shares one named volume for DATA_DIR between the replicas", () => {
    for (const [, replica] of replicas) {
      const mount = replica.volumes?.find((v) => v.split(":")[1] === imageDataDir);
      expect(mount, `a volume at ${imageDataDir}`).toBeDefined();
      expect(compose.volumes).toHaveProperty(mount?.split(":")[0] ?? "");
    }
  });

  it("puts a proxy with a pinned image in front of both replicas", () => {
    expect(proxy?.profiles).toEqual(["replicas"]);
    const [image, tag] = (proxy?.image ?? "").split(":");
    expect(image).toMatch(/^(nginx|caddy)$/);
    expect(tag).toMatch(/^\d+\.\d+/);
    expect(tag).not.toMatch(/latest/);
    expect(Object.keys(proxy?.depends_on ?? {}).sort()).toEqual(["app-1", "app-2"]);
    expect(proxy?.volumes).toContain("./nginx.conf:/etc/nginx/nginx.conf:ro");
    // Users reach the replicas where they reached `app`.
    const published = (mapping: string | undefined) => mapping?.slice(0, mapping.lastIndexOf(":"));
    expect(published(proxy?.ports?.[0])).toBe(published(services.app?.ports?.[0]));
    expect(proxy?.ports?.[0]).toMatch(/:8080$/);
    expect(config()).toMatch(/listen 8080;/);
  });

  it("leaves the single app service out of the profile, publishing its port", () => {
    expect(services.app?.profiles).toBeUndefined();
    expect(services.app?.ports).toHaveLength(1);
    expect(services.app?.ports?.[0]).toMatch(/:3000$/);
    expect(services.app?.volumes).toContain(`app-data:${imageDataDir}`);
  });
});

describe("one container", () => {
  it("keeps DATA_DIR in a volume the image's user owns, so a new named volume takes that owner", () => {
    expect(imageDataDir).toBe("/data");
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/chown node:node [^\n]*\/data/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it("runs tini as PID 1, in front of the entrypoint", () => {
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "\/app\/docker-entrypoint.sh"\]$/m);
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends tini/);
    // Docker's own init on top would be a second one.
    for (const [, service] of Object.entries(services)) expect(service.init).toBeUndefined();
  });

  it("passes mail and attachment storage settings through to the app", () => {
    const environment = services.app?.environment ?? {};
    for (const name of ["SMTP_URL", "MAIL_FROM", "S3_BUCKET", "S3_ENDPOINT", "S3_REGION", "S3_ACCESS_KEY_ID"]) {
      expect(environment, name).toHaveProperty(name);
    }
    expect(environment).toHaveProperty("S3_SECRET_ACCESS_KEY");
    // Empty unless set: compose must start without them.
    expect(defaultOf(environment.SMTP_URL)).toBe("");
    expect(defaultOf(environment.S3_BUCKET)).toBe("");
  });

  it("pins every third-party image", () => {
    for (const [name, service] of Object.entries(services)) {
      if (!service.image || service.image === appImage) continue;
      const image = service.image.replace(/^\$\{[A-Z_]+:-([^}]*)\}$/, "$1");
      expect(image, name).toMatch(/:[^:]+$/);
      expect(image, name).not.toMatch(/:latest$/);
    }
  });
});

describe("deploy/nginx.conf", () => {
  const text = config();
  const server = directives(block(text, "server"));
  const trpc = directives(block(text, "location /api/trpc"));
  /** A directive set in the tRPC location, or inherited from the server block. */
  const effective = (name: string) =>
    trpc.find((d) => d.startsWith(`${name} `)) ?? server.find((d) => d.startsWith(`${name} `));

  it("balances over both replicas", () => {
    const upstream = directives(block(text, "upstream specline"));
    expect(upstream.filter((d) => d.startsWith("server ")).map((d) => d.split(" ")[1])).toEqual([
      "app-1:3000",
      "app-2:3000",
    ]);
    expect(trpc).toContain("proxy_pass http://specline");
    expect(directives(block(text, "location /"))).toContain("proxy_pass http://specline");
  });

  it("passes the tRPC path's event streams through unbuffered, uncached, over HTTP/1.1, for an hour", () => {
    expect(trpc).toContain("proxy_buffering off");
    expect(trpc).toContain("proxy_cache off");
    expect(effective("proxy_http_version")).toBe("proxy_http_version 1.1");
    expect(server).toContain('proxy_set_header Connection ""');
    expect(effective("proxy_read_timeout")).toBe("proxy_read_timeout 1h");
  });

  it("passes the client's host (with its port), address and scheme on", () => {
    expect(server).toContain("proxy_set_header Host $http_host");
    expect(server).toContain("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for");
    expect(server.some((d) => d.startsWith("proxy_set_header X-Forwarded-Proto "))).toBe(true);
    // proxy_set_header in a location would replace every one of the server's.
    expect(trpc.some((d) => d.startsWith("proxy_set_header "))).toBe(false);
  });

  it("accepts an upload of the largest attachment the app accepts", () => {
    const size = /^client_max_body_size (\d+)k$/.exec(effective("client_max_body_size") ?? "")?.[1];
    // The app's limit plus the 64 KiB it allows for the multipart envelope.
    expect(Number(size) * 1024).toBe(parseEnv({}).ATTACHMENT_MAX_BYTES + 64 * 1024);
  });
});
