/**
 * Exports a baseline (or the current state) as JSON, CSV or a readable
 * Markdown specification: sections follow the hierarchy, each requirement
 * shows its key, title, statement and attributes.
 */
import { getEnv } from "@/lib/env.mjs";
import type { BaselineExportInput } from "@/lib/schemas/baseline";
import { inTreeOrder, siblingOrder } from "@/lib/tree-order";
import type { ProjectScope } from "@/server/auth/project-scope";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { toCsv } from "@/server/services/csv";
import { attributeDefinitions } from "@/server/services/requirements/attributes";

import { frozenRequirements } from "./baselines";

function humanize(value: string): string {
  return value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, " ");
}

export async function exportBaseline({
  scope,
  input,
  signal,
}: {
  scope: ProjectScope;
  input: BaselineExportInput;
  signal?: AbortSignal;
}) {
  const { id, format } = input;
  const project = await db.project.findUniqueOrThrow({
    where: { id: scope.projectId },
    select: { key: true, name: true, settings: true },
  });
  let meta: { name: string; note: string; createdAt: Date; author: string | null };
  if (id === "HEAD") {
    meta = { name: "Current state", note: "", createdAt: new Date(), author: null };
  } else {
    const b = await db.baseline.findUnique({
      where: { id },
      select: { projectId: true, name: true, note: true, createdAt: true, author: { select: { name: true } } },
    });
    if (!b || b.projectId !== scope.projectId) throw new AppError("NOT_FOUND", "Baseline not found in this project");
    meta = { name: b.name, note: b.note, createdAt: b.createdAt, author: b.author?.name ?? null };
  }
  const rows = await frozenRequirements(scope.projectId, id, {
    signal,
    timeoutMs: getEnv().LONG_STATEMENT_TIMEOUT_MS,
  });
  const defs = attributeDefinitions(project.settings);
  const slug = `${project.key}-${meta.name}`.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/-+/g, "-");

  if (format === "json") {
    const content = JSON.stringify(
      {
        project: { key: project.key, name: project.name },
        baseline: { id, ...meta, createdAt: meta.createdAt.toISOString() },
        requirements: rows.map((r) => ({
          key: r.key,
          version: r.version,
          parentKey: r.parentKey,
          title: r.title,
          statement: r.statement,
          rationale: r.rationale,
          type: r.type,
          priority: r.priority,
          status: r.status,
          tags: r.tags,
          attributes: r.attributes,
        })),
      },
      null,
      2,
    );
    return { filename: `${slug}.json`, contentType: "application/json" as const, content };
  }

  if (format === "csv") {
    const header = [
      "Key",
      "Version",
      "Parent",
      "Title",
      "Type",
      "Priority",
      "Status",
      "Tags",
      "Statement",
      "Rationale",
      ...defs.map((d) => d.label),
    ];
    const records = rows.map((r) => [
      r.key,
      String(r.version),
      r.parentKey ?? "",
      r.title,
      r.type,
      r.priority,
      r.status,
      r.tags.join(", "),
      r.statement,
      r.rationale,
      ...defs.map((d) => (r.attributes[d.key] === undefined ? "" : String(r.attributes[d.key]))),
    ]);
    return { filename: `${slug}.csv`, contentType: "text/csv" as const, content: toCsv([header, ...records]) };
  }

  const lines: string[] = [
    `# ${project.name} — ${meta.name}`,
    "",
    `- Project: ${project.key}`,
    `- Baseline: ${meta.name}${id === "HEAD" ? "" : ` (${meta.createdAt.toISOString().slice(0, 10)}${meta.author ? `, by ${meta.author}` : ""})`}`,
    `- Requirements: ${rows.length}`,
  ];
  if (meta.note) lines.push("", meta.note);
  for (const { node: r, depth } of inTreeOrder(rows, {
    id: (row) => row.requirementId,
    parentId: (row) => row.parentId,
    compare: siblingOrder,
  })) {
    const level = "#".repeat(Math.min(2 + depth, 6));
    lines.push("", `${level} ${r.key} ${r.title}`, "");
    const facts = [
      `**Type:** ${humanize(r.type)}`,
      `**Priority:** ${r.priority}`,
      `**Status:** ${humanize(r.status)}`,
      `**Version:** ${r.version}`,
    ];
    if (r.tags.length) facts.push(`**Tags:** ${r.tags.join(", ")}`);
    lines.push(facts.join(" · "));
    if (r.statement.trim()) lines.push("", r.statement.trim());
    if (r.rationale.trim()) lines.push("", `*Rationale:* ${r.rationale.trim()}`);
    const attrs = defs.filter((d) => r.attributes[d.key] !== undefined);
    if (attrs.length) {
      lines.push("", "| Attribute | Value |", "|---|---|");
      for (const d of attrs) lines.push(`| ${d.label} | ${String(r.attributes[d.key]).replace(/\|/g, "\\|")} |`);
    }
  }
  return { filename: `${slug}.md`, contentType: "text/markdown" as const, content: `${lines.join("\n")}\n` };
}
