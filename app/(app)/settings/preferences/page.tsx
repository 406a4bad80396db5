import type { Metadata } from "next";

import { PageHeader } from "@/components/page-header";
import { PreferencesSection } from "@/components/settings/preferences-section";
import { getApi } from "@/lib/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Preferences" };

export default async function PreferencesSettingsPage() {
  const api = await getApi();
  const me = await api.user.me();
  return (
    <div className="mx-auto max-w-2xl px-4 py-8 sm:px-6 sm:py-10">
      <PageHeader title="Preferences" description="How Specline shows things to you." />
      <div className="mt-8 space-y-6">
        <PreferencesSection timeZone={me.timeZone} />
      </div>
    </div>
  );
}
