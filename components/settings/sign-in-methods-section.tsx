"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

import { GitHubMark, GoogleMark, LockIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import type { RouterOutputs } from "@/lib/trpc/types";

export type AccountSecurity = RouterOutputs["user"]["security"];

/** Names of providers that may still be connected after the instance stopped offering them. */
const KNOWN_PROVIDERS: Record<string, string> = { github: "GitHub", google: "Google" };

/** A provider's name, as the instance offers it or as it is known. */
export function providerName(id: string, security: AccountSecurity): string {
  return security.available.find((p) => p.id === id)?.name ?? KNOWN_PROVIDERS[id] ?? id;
}

function ProviderMark({ id }: { id: string }) {
  if (id === "github") return <GitHubMark />;
  if (id === "google") return <GoogleMark />;
  return <LockIcon />;
}

function MethodRow({
  icon,
  name,
  detail,
  action,
}: {
  icon: React.ReactNode;
  name: string;
  detail: React.ReactNode;
  action: React.ReactNode;
}) {
  return (
    <li className="flex items-center gap-3 px-5 py-3.5">
      <span className="flex size-8 shrink-0 items-center justify-center rounded-md border border-zinc-200 bg-white text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300">
        {icon}
      </span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100">{name}</p>
        <p className="mt-0.5 truncate text-[13px] text-zinc-500 dark:text-zinc-400">{detail}</p>
      </div>
      <div className="shrink-0">{action}</div>
    </li>
  );
}

/**
 * The ways into the account: the password and each sign-in provider. Connecting
 * a provider is an OAuth sign-in from this signed-in browser, which the server
 * links to this account; it comes back here.
 */
export function SignInMethodsSection({ security }: { security: AccountSecurity }) {
  const [pending, setPending] = useState<string | null>(null);
  const connectedAt = new Map(security.connected.map((c) => [c.provider, c.connectedAt]));
  const providers = [
    ...security.available.map((p) => ({ ...p, offered: true })),
    ...security.connected
      .filter((c) => !security.available.some((p) => p.id === c.provider))
      .map((c) => ({ id: c.provider, name: providerName(c.provider, security), offered: false })),
  ];
  const offeredNames = security.available.map((p) => p.name);

  return (
    <section aria-labelledby="sign-in-methods-heading">
      <Card>
        <CardHeader
          id="sign-in-methods-heading"
          title="Sign-in methods"
          description={
            offeredNames.length > 0
              ? `Connect ${offeredNames.join(" or ")} to sign in with it as well as your email address.`
              : "How you sign in to this account."
          }
        />
        <ul aria-labelledby="sign-in-methods-heading" className="divide-y divide-zinc-200 dark:divide-zinc-800">
          <MethodRow
            icon={<LockIcon />}
            name="Email and password"
            detail={security.email}
            action={security.hasPassword ? <Badge tone="green">Password set</Badge> : <Badge>No password</Badge>}
          />
          {providers.map((p) => {
            const since = connectedAt.get(p.id);
            return (
              <MethodRow
                key={p.id}
                icon={<ProviderMark id={p.id} />}
                name={p.name}
                detail={
                  since ? (
                    <>
                      Connected <LocalTime date={since} />
                      {p.offered ? null : " · no longer offered on this instance"}
                    </>
                  ) : (
                    "Not connected"
                  )
                }
                action={
                  since ? (
                    <Badge tone="green">Connected</Badge>
                  ) : (
                    <Button
                      size="sm"
                      loading={pending === p.id}
                      disabled={pending !== null}
                      onClick={() => {
                        setPending(p.id);
                        void signIn(p.id, { callbackUrl: "/settings/security" });
                      }}
                    >
                      Connect {p.name}
                    </Button>
                  )
                }
              />
            );
          })}
        </ul>
      </Card>
    </section>
  );
}
