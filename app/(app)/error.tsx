"use client";
import { useEffect } from "react";

import { StatusView } from "@/components/status-view";
import { Button } from "@/components/ui/button";

export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <StatusView
      eyebrow="Error"
      title="Something went wrong"
      description={
        <>
          This page failed to load. Try again in a moment; if it keeps happening, share the reference below with your
          administrator.
          {digest ? <span className="mt-2 block font-mono text-xs text-zinc-500">Reference: {digest}</span> : null}
        </>
      }
      actions={
        <Button variant="primary" onClick={() => retry()}>
          Try again
        </Button>
      }
    />
  );
}
