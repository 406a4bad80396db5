"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { EyeIcon, EyeOffIcon } from "@/components/icons";
import { errorMessage } from "@/components/trpc-errors";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc/react";

/**
 * Watch or unwatch a requirement (`PAY-12`) or an issue (`PAY-I-7`):
 * watchers are notified when it changes.
 */
export function WatchButton({ itemKey }: { itemKey: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const status = useQuery(trpc.subscription.status.queryOptions({ key: itemKey }));
  const set = useMutation(
    trpc.subscription.set.mutationOptions({
      onMutate: () => setError(null),
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.subscription.status.queryKey({ key: itemKey }) }),
      onError: (err) => setError(errorMessage(err)),
    }),
  );
  const watching = status.data?.watching ?? false;
  const viaProject = status.data?.viaProject ?? false;
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        size="sm"
        variant="secondary"
        aria-pressed={watching}
        loading={set.isPending}
        disabled={status.isPending}
        onClick={() => set.mutate({ key: itemKey, watching: !watching })}
        title={
          watching
            ? "Stop getting notifications about this"
            : viaProject
              ? "You watch the whole project; watch this to keep it after unwatching the project"
              : "Get notified when this changes"
        }
      >
        {watching ? <EyeOffIcon /> : <EyeIcon />}
        {watching ? "Unwatch" : "Watch"}
      </Button>
      {error ? (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </span>
      ) : null}
    </span>
  );
}
