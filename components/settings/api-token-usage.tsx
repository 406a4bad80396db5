import { Card, CardBody, CardHeader } from "@/components/ui/card";

/** How another program sends a token, with this instance's own address in the example. */
export function ApiTokenUsage({ origin }: { origin: string }) {
  return (
    <section aria-labelledby="api-token-usage-heading">
      <Card>
        <CardHeader
          id="api-token-usage-heading"
          title="How to use"
          description="Send the token in the Authorization header of each call to the API."
        />
        <CardBody className="space-y-3">
          <pre className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2.5 font-mono text-[12px] leading-relaxed break-all whitespace-pre-wrap text-zinc-900 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-100">
            <code>{`curl -H "Authorization: Bearer <token>" ${origin}/api/trpc/user.me`}</code>
          </pre>
          <p className="text-[13px] text-zinc-600 dark:text-zinc-400">
            This answers with your own account. Every other procedure under{" "}
            <code className="font-mono text-[12px]">/api/trpc</code> works the same way, as you and with your
            permissions. A read-only token is refused any change, and no token can manage your account: its tokens,
            password, sessions or two-factor sign-in.
          </p>
        </CardBody>
      </Card>
    </section>
  );
}
