import type { Metadata } from "next";
import { headers } from "next/headers";

import { ApiReference, type OpenApiDoc } from "@/components/api-docs/api-reference";
import { openApiDocument } from "@/server/api/openapi";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "REST API reference · Specline" };

/** The REST API reference, public like the document it is rendered from (/api/openapi.json). */
export default async function ApiReferencePage() {
  const doc = openApiDocument(await headers()) as unknown as OpenApiDoc;
  return <ApiReference doc={doc} documentUrl="/api/openapi.json" />;
}
