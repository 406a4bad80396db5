import type { Metadata } from "next";

import { NotificationsView } from "@/components/notifications/notifications-view";
import { PageHeader } from "@/components/page-header";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Notifications" };

export default function NotificationsPage() {
  return (
    <div className="mx-auto max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
      <PageHeader
        title="Notifications"
        description="Changes to what you watch, assignments and mentions. Watch or unwatch any requirement or issue from its page."
      />
      <div className="mt-6">
        <NotificationsView />
      </div>
    </div>
  );
}
