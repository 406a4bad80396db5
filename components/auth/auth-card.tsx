import { errorCode, errorDetails, errorMessage } from "@/components/trpc-errors";
import { cn } from "@/components/ui/cn";

/**
 * The card every signed-out page is built from. `titleRef` makes the heading
 * focusable, so a form that gives way to its outcome can move focus there
 * and screen readers start reading at the new title.
 */
export function AuthCard({
  title,
  description,
  children,
  footer,
  titleRef,
}: {
  title: string;
  description?: React.ReactNode;
  children: React.ReactNode;
  footer?: React.ReactNode;
  titleRef?: React.Ref<HTMLHeadingElement>;
}) {
  return (
    <div>
      <div className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm sm:p-8 dark:border-zinc-800 dark:bg-zinc-900">
        <h1
          ref={titleRef}
          tabIndex={titleRef ? -1 : undefined}
          className={cn(
            "text-lg font-semibold tracking-tight text-zinc-900 dark:text-zinc-50",
            Boolean(titleRef) && "focus:outline-none",
          )}
        >
          {title}
        </h1>
        {description ? <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</p> : null}
        <div className="mt-6">{children}</div>
      </div>
      {footer ? <p className="mt-6 text-center text-sm text-zinc-600 dark:text-zinc-400">{footer}</p> : null}
    </div>
  );
}

export const authLinkClass =
  "font-medium text-indigo-600 underline-offset-4 hover:underline focus-visible:rounded-sm focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none dark:text-indigo-400";

/**
 * What to say when an auth call fails. The auth procedures share a small
 * hourly budget per network, so running out says how long to wait rather
 * than the raw "try again in 2400 s".
 */
export function authErrorMessage(err: unknown): string {
  if (errorCode(err) === "TOO_MANY_REQUESTS") {
    const seconds = errorDetails(err)?.retryAfterSeconds;
    if (typeof seconds !== "number") return "Too many attempts from this network. Wait a while, then try again.";
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    return `Too many attempts from this network. Try again in ${minutes === 1 ? "a minute" : `${minutes} minutes`}.`;
  }
  return errorMessage(err);
}
