"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

import { GitHubMark, GoogleMark } from "@/components/icons";
import { Button } from "@/components/ui/button";

export interface OAuthProvider {
  id: string;
  name: string;
}

export function OAuthButtons({ providers, callbackUrl }: { providers: OAuthProvider[]; callbackUrl: string }) {
  const [pending, setPending] = useState<string | null>(null);
  if (providers.length === 0) return null;
  return (
    <div className="mt-6">
      <div className="relative flex items-center py-1">
        <hr className="flex-1 border-zinc-200 dark:border-zinc-800" />
        <span className="px-3 text-xs text-zinc-500 dark:text-zinc-400">or</span>
        <hr className="flex-1 border-zinc-200 dark:border-zinc-800" />
      </div>
      <div className="mt-4 grid gap-2">
        {providers.map((p) => (
          <Button
            key={p.id}
            className="w-full"
            loading={pending === p.id}
            disabled={pending !== null}
            onClick={() => {
              setPending(p.id);
              void signIn(p.id, { callbackUrl });
            }}
          >
            {pending === p.id ? null : p.id === "github" ? <GitHubMark /> : p.id === "google" ? <GoogleMark /> : null}
            Continue with {p.name}
          </Button>
        ))}
      </div>
    </div>
  );
}
