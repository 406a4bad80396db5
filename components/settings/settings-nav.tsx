import Link from "next/link";

import { cn, focusRing } from "@/components/ui/cn";

/** The sub-pages of a project's settings. */
export function SettingsNav({
  projectKey,
  current,
}: {
  projectKey: string;
  current: "general" | "integrations" | "history";
}) {
  const base = `/projects/${projectKey}/settings`;
  const links = [
    { id: "general", href: base, label: "General" },
    { id: "integrations", href: `${base}/integrations`, label: "Integrations" },
    { id: "history", href: `${base}/history`, label: "History" },
  ] as const;
  return (
    <nav aria-label="Settings" className="flex gap-1">
      {links.map((l) => (
        <Link
          key={l.id}
          href={l.href}
          aria-current={l.id === current ? "page" : undefined}
          className={cn(
            "rounded-md px-2.5 py-1.5 text-[13px] font-medium transition-colors",
            focusRing,
            l.id === current
              ? "bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50"
              : "text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/50 dark:hover:text-zinc-100",
          )}
        >
          {l.label}
        </Link>
      ))}
    </nav>
  );
}
