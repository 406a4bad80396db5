"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";

import { cn, focusRing } from "@/components/ui/cn";

export function ProjectTabs({
  projectKey,
  canImport,
  canManage,
}: {
  projectKey: string;
  canImport: boolean;
  canManage: boolean;
}) {
  const pathname = usePathname();
  const base = `/projects/${projectKey}`;
  const tabs = [
    { href: base, label: "Overview", active: pathname === base },
    { href: `${base}/requirements`, label: "Requirements", active: pathname.startsWith(`${base}/requirements`) },
    { href: `${base}/baselines`, label: "Baselines", active: pathname.startsWith(`${base}/baselines`) },
    { href: `${base}/issues`, label: "Issues", active: pathname.startsWith(`${base}/issues`) },
    { href: `${base}/traceability`, label: "Traceability", active: pathname.startsWith(`${base}/traceability`) },
    { href: `${base}/dashboard`, label: "Dashboard", active: pathname.startsWith(`${base}/dashboard`) },
    ...(canImport ? [{ href: `${base}/import`, label: "Import", active: pathname.startsWith(`${base}/import`) }] : []),
    ...(canManage
      ? [{ href: `${base}/settings`, label: "Settings", active: pathname.startsWith(`${base}/settings`) }]
      : []),
  ];
  // Where the tabs run past the screen (a phone), the cut edge fades out: there is more to scroll to.
  const navRef = useRef<HTMLElement>(null);
  const [more, setMore] = useState({ left: false, right: false });
  const measure = useCallback(() => {
    const nav = navRef.current;
    if (!nav) return;
    const left = nav.scrollLeft > 1;
    const right = nav.scrollLeft + nav.clientWidth < nav.scrollWidth - 1;
    setMore((m) => (m.left === left && m.right === right ? m : { left, right }));
  }, []);
  const activeHref = tabs.find((t) => t.active)?.href;
  useEffect(() => {
    // The tab of this page in view, after each navigation.
    const nav = navRef.current;
    const active = activeHref ? nav?.querySelector<HTMLElement>(`a[href="${activeHref}"]`) : null;
    active?.scrollIntoView({ block: "nearest", inline: "nearest" });
    measure();
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, [measure, activeHref]);
  const fade =
    more.left && more.right
      ? "[mask-image:linear-gradient(to_right,transparent,black_28px,black_calc(100%-28px),transparent)]"
      : more.right
        ? "[mask-image:linear-gradient(to_right,black_calc(100%-28px),transparent)]"
        : more.left
          ? "[mask-image:linear-gradient(to_right,transparent,black_28px)]"
          : "";
  return (
    <nav
      ref={navRef}
      onScroll={measure}
      aria-label="Project"
      data-more={[more.left && "left", more.right && "right"].filter(Boolean).join(" ") || undefined}
      className={cn("-mx-4 -mb-px flex gap-5 overflow-x-auto px-4 [scrollbar-width:none] sm:mx-0 sm:px-0", fade)}
    >
      {tabs.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          aria-current={t.active ? "page" : undefined}
          className={cn(
            "shrink-0 rounded-t-sm border-b-2 px-0.5 pt-1 pb-2.5 text-sm font-medium whitespace-nowrap transition-colors",
            focusRing,
            "focus-visible:ring-inset focus-visible:ring-offset-0",
            t.active
              ? "border-indigo-600 text-zinc-900 dark:border-indigo-400 dark:text-zinc-50"
              : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900 dark:text-zinc-400 dark:hover:border-zinc-600 dark:hover:text-zinc-100",
          )}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
