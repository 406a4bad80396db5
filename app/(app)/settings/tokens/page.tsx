import type { Metadata } from "next";

import { PageHeader } from "@/components/page-header";
import { ApiTokenUsage } from "@/components/settings/api-token-usage";
import { ApiTokensSection } from "@/components/settings/api-tokens-section";
import { appUrl, getEnv } from "@/lib/env.mjs";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "API tokens" };

export default async function ApiTokensSettingsPage() {
  const api = await getApi();
  const tokens = await api.apiToken.list();
  // The address other programs reach this instance at, as the example shows it.
  const origin = appUrl(getEnv()).replace(/\/+$/, "");
  return (
    <div className="mx-auto max-w-2xl px-4 py-8 sm:px-6 sm:py-10">
      <PageHeader
        title="API tokens"
        description="Let scripts and other programs use Specline as you, with your permissions. A token can be read only or read and write, and cannot manage your account."
      />
      <div className="mt-8 space-y-6">
        <ApiTokensSection initialTokens={tokens} />
        <ApiTokenUsage origin={origin} />
      </div>
    </div>
  );
}
