import { cn } from "./cn";

/**
 * A person's name beside their work (author, reporter, assignee, member).
 * A deactivated account keeps its name on everything it did, greyed and
 * marked, so readers know the person can no longer act.
 */
export function PersonName({
  person,
  className,
}: {
  person: { name: string; deactivatedAt?: Date | string | null } | null | undefined;
  className?: string;
}) {
  if (!person) return <span className={cn("text-zinc-500 dark:text-zinc-400", className)}>a former member</span>;
  if (!person.deactivatedAt) return <span className={className}>{person.name}</span>;
  return (
    <span
      className={cn(className, "opacity-60")}
      title={`${person.name}'s account is deactivated`}
      data-deactivated="true"
    >
      {person.name}
      <span className="ml-1 text-[0.85em] font-normal">(deactivated)</span>
    </span>
  );
}
