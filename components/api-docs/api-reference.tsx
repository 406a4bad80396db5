/**
 * The REST API reference, rendered on the server from the OpenAPI document (server/api/openapi.ts): every
 * operation grouped by tag, with its parameters, request body, answer and errors, and a curl line to copy.
 * Plain server-rendered HTML under the app's nonce policy — no script from anywhere, nothing to load.
 */
import { Logo } from "@/components/logo";
import { Markdown } from "@/components/markdown";
import { Badge, type BadgeTone } from "@/components/ui/badge";

type Schema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
};

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  tags?: { name: string }[];
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHOD_TONES: Record<string, BadgeTone> = {
  get: "sky",
  post: "green",
  patch: "amber",
  put: "amber",
  delete: "red",
};

/** How deep a schema is unfolded inline before it is named and linked instead. */
const MAX_DEPTH = 3;

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}

function anchor(...parts: string[]): string {
  return parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** A short type label: `string`, `Requirement`, `Issue[]`, `"OPEN" | "DONE"`, `string | null`. */
function typeLabel(schema: Schema | undefined): string {
  if (!schema) return "any";
  if (schema.$ref) return refName(schema.$ref);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return [...new Set(union.map(typeLabel))].join(" | ");
  if (schema.allOf) return schema.allOf.map(typeLabel).join(" & ");
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const labels = types.map((t) => {
    if (t === "array") return `${typeLabel(schema.items)}[]`;
    if (t === "string" && schema.format) return `string (${schema.format})`;
    if (t === "object" && !schema.properties && typeof schema.additionalProperties === "object") {
      return `map of ${typeLabel(schema.additionalProperties)}`;
    }
    return t;
  });
  return labels.length ? labels.join(" | ") : "any";
}

function constraints(schema: Schema | undefined): string[] {
  if (!schema) return [];
  const out: string[] = [];
  if (schema.minLength !== undefined && schema.minLength > 0) out.push(`min ${schema.minLength} chars`);
  if (schema.maxLength !== undefined) out.push(`max ${schema.maxLength} chars`);
  if (schema.minimum !== undefined && Math.abs(schema.minimum) < 1e15) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined && Math.abs(schema.maximum) < 1e15) out.push(`≤ ${schema.maximum}`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

/** The object a schema describes, looking through one level of nullability. */
function objectOf(schema: Schema | undefined): Schema | null {
  if (!schema) return null;
  if (schema.properties) return schema;
  const union = schema.anyOf ?? schema.oneOf;
  const objects = union?.filter((s) => s.properties);
  return objects?.length === 1 ? (objects[0] ?? null) : null;
}

function itemsOf(schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  if (schema.items) return schema.items;
  return (schema.anyOf ?? schema.oneOf)?.find((s) => s.items)?.items;
}

function SchemaFields({ schema, depth }: { schema: Schema | undefined; depth: number }) {
  const object = objectOf(schema) ?? objectOf(itemsOf(schema));
  if (!object?.properties) return null;
  const required = new Set(object.required ?? []);
  return (
    <ul className="mt-1 space-y-1.5 border-l border-zinc-200 pl-3 dark:border-zinc-800">
      {Object.entries(object.properties).map(([name, field]) => (
        <li key={name} className="text-sm">
          <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
            <code className="font-mono text-[13px] font-medium text-zinc-900 dark:text-zinc-100">{name}</code>
            <TypeText schema={field} />
            {required.has(name) ? null : <span className="text-xs text-zinc-500">optional</span>}
            {constraints(field).map((c) => (
              <span key={c} className="text-xs text-zinc-500">
                {c}
              </span>
            ))}
          </div>
          {field.description ? <p className="text-xs text-zinc-600 dark:text-zinc-400">{field.description}</p> : null}
          {depth < MAX_DEPTH && !field.$ref ? <SchemaFields schema={field} depth={depth + 1} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** A type label whose named schemas link to their definition below. */
function TypeText({ schema }: { schema: Schema | undefined }) {
  const label = typeLabel(schema);
  const ref = schema?.$ref ?? itemsOf(schema)?.$ref ?? (schema?.anyOf ?? schema?.oneOf)?.find((s) => s.$ref)?.$ref;
  const className = "font-mono text-xs break-all text-indigo-700 dark:text-indigo-300";
  return ref ? (
    <a href={`#schema-${anchor(refName(ref))}`} className={`${className} underline-offset-2 hover:underline`}>
      {label}
    </a>
  ) : (
    <span className="font-mono text-xs break-all text-zinc-600 dark:text-zinc-400">{label}</span>
  );
}

function curlFor(base: string, method: string, path: string, operation: Operation): string {
  const example = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    name === "projectKey" ? "PAY" : name === "key" ? (path.startsWith("/issues") ? "PAY-I-7" : "PAY-12") : `<${name}>`,
  );
  const lines = [`curl -X ${method.toUpperCase()} "${base}${example}"`, `  -H "Authorization: Bearer $SPECLINE_TOKEN"`];
  if (operation.requestBody) {
    const object = objectOf(operation.requestBody.content?.["application/json"]?.schema);
    const required = (object?.required ?? []).filter((n) => !path.includes(`{${n}}`));
    const body = Object.fromEntries(required.map((n) => [n, `<${n}>`]));
    lines.push(`  -H "Content-Type: application/json"`, `  -d '${JSON.stringify(body)}'`);
  }
  return lines.join(" \\\n");
}

function OperationCard({
  base,
  method,
  path,
  operation,
}: {
  base: string;
  method: string;
  path: string;
  operation: Operation;
}) {
  const id = anchor(operation.operationId ?? `${method}-${path}`);
  const body = operation.requestBody?.content?.["application/json"]?.schema;
  const ok = operation.responses?.["200"]?.content?.["application/json"]?.schema;
  const errors = Object.entries(operation.responses ?? {}).filter(([status]) => status !== "200");
  return (
    <article id={id} className="scroll-mt-20 border-t border-zinc-200 py-8 first:border-t-0 dark:border-zinc-800">
      <h3 className="text-base font-semibold text-zinc-900 dark:text-zinc-50">{operation.summary ?? path}</h3>
      <div className="mt-2 flex min-w-0 items-center gap-2">
        <Badge tone={METHOD_TONES[method] ?? "neutral"} className="font-mono uppercase">
          {method}
        </Badge>
        <code className="min-w-0 font-mono text-sm break-all text-zinc-800 dark:text-zinc-200">{path}</code>
      </div>
      {operation.description ? (
        <Markdown className="mt-3 text-sm text-zinc-700 dark:text-zinc-300">{operation.description}</Markdown>
      ) : null}
      {operation.security?.length === 0 ? <p className="mt-2 text-xs text-zinc-500">No token needed.</p> : null}

      {operation.parameters?.length ? (
        <section className="mt-4">
          <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Parameters</h4>
          <ul className="mt-2 divide-y divide-zinc-100 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {operation.parameters.map((p) => (
              <li
                key={`${p.in}-${p.name}`}
                className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5 px-3 py-2 text-sm"
              >
                <code className="font-mono text-[13px] font-medium text-zinc-900 dark:text-zinc-100">{p.name}</code>
                <span className="text-xs text-zinc-500">{p.in}</span>
                <TypeText schema={p.schema} />
                {p.required ? (
                  <span className="text-xs font-medium text-amber-700 dark:text-amber-300">required</span>
                ) : null}
                {constraints(p.schema).map((c) => (
                  <span key={c} className="text-xs text-zinc-500">
                    {c}
                  </span>
                ))}
                {p.description ? (
                  <p className="w-full text-xs text-zinc-600 dark:text-zinc-400">{p.description}</p>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {body ? (
        <section className="mt-4">
          <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Request body</h4>
          <div className="mt-1 text-sm">
            <TypeText schema={body} />
            <SchemaFields schema={body} depth={1} />
          </div>
        </section>
      ) : null}

      <section className="mt-4">
        <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Answer (200)</h4>
        <div className="mt-1 text-sm">
          <TypeText schema={ok} />
          <SchemaFields schema={ok} depth={1} />
        </div>
      </section>

      {errors.length ? (
        <section className="mt-4">
          <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Errors</h4>
          <ul className="mt-1.5 grid gap-x-6 gap-y-1 text-xs text-zinc-600 sm:grid-cols-2 dark:text-zinc-400">
            {errors.map(([status, r]) => (
              <li key={status} className="flex gap-2">
                <code className="shrink-0 font-mono font-medium text-zinc-900 dark:text-zinc-100">{status}</code>
                <span>{r.description}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <pre className="mt-4 overflow-x-auto rounded-md bg-zinc-900 px-4 py-3 font-mono text-xs leading-relaxed text-zinc-100 dark:bg-black/60">
        {curlFor(base, method, path, operation)}
      </pre>
    </article>
  );
}

const METHOD_ORDER = ["get", "post", "patch", "put", "delete"];

export function ApiReference({ doc, documentUrl }: { doc: OpenApiDoc; documentUrl: string }) {
  const base = doc.servers?.[0]?.url ?? "/api/v1";
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHOD_ORDER.includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );
  const tags = [...(doc.tags?.map((t) => t.name) ?? []), ...operations.flatMap((o) => o.operation.tags ?? [])].filter(
    (t, i, all) => all.indexOf(t) === i,
  );
  const groups = tags
    .map((tag) => ({ tag, operations: operations.filter((o) => (o.operation.tags ?? [])[0] === tag) }))
    .filter((g) => g.operations.length > 0);
  const schemas = Object.entries(doc.components?.schemas ?? {}).filter(([name]) => !name.startsWith("error."));

  return (
    <div className="min-h-screen bg-white dark:bg-zinc-950">
      <header className="sticky top-0 z-10 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
        <div className="mx-auto flex h-14 max-w-6xl items-center justify-between gap-3 px-4">
          <a href="/" className="flex items-center gap-2">
            <Logo />
          </a>
          <nav className="flex items-center gap-4 text-sm">
            <span className="hidden text-zinc-500 sm:inline">REST API v{doc.info.version}</span>
            <a className="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href={documentUrl}>
              openapi.json
            </a>
          </nav>
        </div>
      </header>
      <div className="mx-auto flex max-w-6xl gap-10 px-4">
        <nav
          aria-label="Operations"
          className="sticky top-14 hidden h-[calc(100vh-3.5rem)] w-56 shrink-0 overflow-y-auto py-8 text-sm lg:block"
        >
          {groups.map((g) => (
            <div key={g.tag} className="mb-5">
              <a href={`#tag-${anchor(g.tag)}`} className="font-semibold text-zinc-900 dark:text-zinc-100">
                {g.tag}
              </a>
              <ul className="mt-1.5 space-y-1">
                {g.operations.map((o) => (
                  <li key={`${o.method} ${o.path}`}>
                    <a
                      href={`#${anchor(o.operation.operationId ?? `${o.method}-${o.path}`)}`}
                      className="block truncate text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
                    >
                      {o.operation.summary ?? o.path}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
          <a href="#schemas" className="font-semibold text-zinc-900 dark:text-zinc-100">
            Schemas
          </a>
        </nav>
        <main className="min-w-0 flex-1 py-8">
          <h1 className="text-2xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">{doc.info.title}</h1>
          <p className="mt-1 text-sm text-zinc-500">
            Version {doc.info.version} · Base URL <code className="font-mono break-all">{base}</code>
          </p>
          {doc.info.description ? (
            <Markdown className="mt-4 max-w-3xl text-sm text-zinc-700 dark:text-zinc-300">
              {doc.info.description}
            </Markdown>
          ) : null}

          {groups.map((g) => (
            <section key={g.tag} aria-labelledby={`tag-${anchor(g.tag)}`} className="mt-12">
              <h2
                id={`tag-${anchor(g.tag)}`}
                className="scroll-mt-20 text-lg font-semibold text-zinc-900 dark:text-zinc-50"
              >
                {g.tag}
              </h2>
              {g.operations.map((o) => (
                <OperationCard
                  key={`${o.method} ${o.path}`}
                  base={base}
                  method={o.method}
                  path={o.path}
                  operation={o.operation}
                />
              ))}
            </section>
          ))}

          <section aria-labelledby="schemas" className="mt-12">
            <h2 id="schemas" className="scroll-mt-20 text-lg font-semibold text-zinc-900 dark:text-zinc-50">
              Schemas
            </h2>
            {schemas.map(([name, schema]) => (
              <div
                key={name}
                id={`schema-${anchor(name)}`}
                className="scroll-mt-20 border-t border-zinc-200 py-6 first:border-t-0 dark:border-zinc-800"
              >
                <h3 className="font-mono text-sm font-semibold text-zinc-900 dark:text-zinc-50">{name}</h3>
                {schema.description ? (
                  <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{schema.description}</p>
                ) : null}
                <div className="mt-1 text-sm">
                  <TypeText schema={schema} />
                  <SchemaFields schema={schema} depth={1} />
                </div>
              </div>
            ))}
          </section>
        </main>
      </div>
    </div>
  );
}
