import Link from "next/link";

import { buttonStyles } from "@/components/ui/button";

/** Full-width message for not-found, forbidden and error states. */
export function StatusView({
  icon,
  eyebrow,
  title,
  description,
  actions,
}: {
  icon?: React.ReactNode;
  eyebrow?: string;
  title: string;
  description: React.ReactNode;
  actions?: React.ReactNode;
}) {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center px-6 py-20 text-center sm:py-28">
      {icon ? (
        <div className="mb-5 flex size-12 items-center justify-center rounded-xl border border-zinc-200 bg-white text-zinc-500 shadow-xs dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400">
          {icon}
        </div>
      ) : null}
      {eyebrow ? (
        <p className="font-mono text-xs font-medium tracking-wider text-indigo-600 uppercase dark:text-indigo-400">
          {eyebrow}
        </p>
      ) : null}
      <h1 className="mt-2 text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">{title}</h1>
      <p className="mt-2 text-sm text-balance text-zinc-600 dark:text-zinc-400">{description}</p>
      {actions ? <div className="mt-6 flex flex-wrap justify-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function NotFoundView() {
  return (
    <StatusView
      icon={
        <svg
          aria-hidden="true"
          viewBox="0 0 16 16"
          className="size-5"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d="M7.25 12.25a5 5 0 1 0 0-10 5 5 0 0 0 0 10ZM13.75 13.75l-3-3" />
        </svg>
      }
      eyebrow="404"
      title="We couldn't find that page"
      description="It may have been moved or archived, or you may not have access to it. If someone shared this link, ask them to add you to the project."
      actions={
        <Link href="/projects" className={buttonStyles({ variant: "primary" })}>
          Go to projects
        </Link>
      }
    />
  );
}

export function ForbiddenView({ title, description }: { title: string; description: React.ReactNode }) {
  return (
    <StatusView
      icon={
        <svg
          aria-hidden="true"
          viewBox="0 0 16 16"
          className="size-5"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d="M4.25 7.25V5a3.75 3.75 0 0 1 7.5 0v2.25M3.5 7.25h9a1 1 0 0 1 1 1v5a1 1 0 0 1-1 1h-9a1 1 0 0 1-1-1v-5a1 1 0 0 1 1-1Z" />
        </svg>
      }
      title={title}
      description={description}
      actions={
        <Link href="/projects" className={buttonStyles()}>
          Back to projects
        </Link>
      }
    />
  );
}
