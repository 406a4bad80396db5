"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useState } from "react";

import { Avatar } from "@/components/avatar";
import { SearchIcon, UsersIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { useDebounced } from "@/components/use-debounced";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

const PAGE_SIZE = 50;

type User = RouterOutputs["user"]["list"]["items"][number];

export function UsersTable({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [search, setSearch] = useState("");
  const query = useDebounced(search.trim());
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pendingId, setPendingId] = useState<string | null>(null);
  // The chosen role shows at once; the server's answer (or an error) settles it.
  const [optimistic, setOptimistic] = useState<Record<string, "ADMIN" | "USER">>({});
  const [deactivating, setDeactivating] = useState<User | null>(null);

  const users = useInfiniteQuery(
    trpc.user.list.infiniteQueryOptions(
      { limit: PAGE_SIZE, ...(query ? { query } : {}) },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, placeholderData: (prev) => prev, staleTime: 0 },
    ),
  );
  const items = users.data?.pages.flatMap((p) => p.items) ?? [];

  const setRole = useMutation(
    trpc.user.setRole.mutationOptions({
      onMutate: (vars) => {
        setError(null);
        setNotice(null);
        setPendingId(vars.userId);
        setOptimistic((o) => ({ ...o, [vars.userId]: vars.role }));
      },
      onSuccess: async (u) => {
        setNotice(
          u.role === "ADMIN" ? `${u.name} is now an instance admin.` : `${u.name} is no longer an instance admin.`,
        );
        await queryClient.invalidateQueries({ queryKey: trpc.user.list.pathKey() });
        setOptimistic(({ [u.id]: _settled, ...rest }) => rest);
        router.refresh();
      },
      onError: (err, vars) => {
        setError(errorMessage(err));
        setOptimistic(({ [vars.userId]: _dropped, ...rest }) => rest);
      },
      onSettled: () => setPendingId(null),
    }),
  );

  const setActive = useMutation(
    trpc.user.setActive.mutationOptions({
      onMutate: () => {
        setError(null);
        setNotice(null);
      },
      onSuccess: async (u) => {
        // Deactivating yourself ended this session on the server; clear its cookie and leave.
        if (u.id === currentUserId && u.deactivatedAt) {
          void signOut({ callbackUrl: "/sign-in" });
          return;
        }
        setDeactivating(null);
        setNotice(
          u.deactivatedAt
            ? `${u.name} was deactivated and signed out everywhere.`
            : `${u.name} was reactivated and can sign in again.`,
        );
        await queryClient.invalidateQueries({ queryKey: trpc.user.list.pathKey() });
      },
      // Deactivating shows its error in the confirmation dialog; reactivating, above the table.
      onError: (err, vars) => {
        if (vars.active) setError(errorMessage(err));
      },
    }),
  );
  const deactivatingMe = deactivating?.id === currentUserId;
  const leaving = setActive.isSuccess && setActive.data.id === currentUserId && Boolean(setActive.data.deactivatedAt);

  return (
    <Card>
      <div className="flex flex-col gap-3 border-b border-zinc-200 px-5 py-4 sm:flex-row sm:items-center sm:justify-between dark:border-zinc-800">
        <div>
          <h2 className="text-[15px] font-semibold text-zinc-900 dark:text-zinc-50">Users</h2>
          <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">
            Instance admins can open every project, manage users and read the full audit log.
          </p>
        </div>
        <div className="relative sm:w-72">
          <label htmlFor="user-search" className="sr-only">
            Search users
          </label>
          <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-zinc-400" />
          <Input
            id="user-search"
            type="search"
            placeholder="Search by name or email"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            className="pl-9 [&::-webkit-search-cancel-button]:appearance-none"
          />
        </div>
      </div>
      {error ? (
        <div className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
          <Alert>{error}</Alert>
        </div>
      ) : notice ? (
        <p
          role="status"
          className="border-b border-zinc-200 bg-emerald-50/60 px-5 py-2 text-[13px] text-emerald-800 dark:border-zinc-800 dark:bg-emerald-500/10 dark:text-emerald-300"
        >
          {notice}
        </p>
      ) : null}

      {users.isPending ? (
        <div className="flex justify-center py-16 text-zinc-400">
          <Spinner className="size-5" label="Loading users" />
        </div>
      ) : users.isError ? (
        <div className="p-5">
          <Alert
            action={
              <Button size="sm" onClick={() => void users.refetch()}>
                Try again
              </Button>
            }
          >
            {errorMessage(users.error)}
          </Alert>
        </div>
      ) : items.length === 0 ? (
        <EmptyState
          icon={<UsersIcon className="size-5" />}
          title="No users match"
          description={query ? `Nobody's name or email contains “${query}”.` : "No users yet."}
        />
      ) : (
        <Table
          aria-label="Users"
          aria-busy={users.isFetching || undefined}
          className={cn("transition-opacity", users.isPlaceholderData && "opacity-60")}
        >
          <THead>
            <tr>
              <Th>User</Th>
              <Th>Instance role</Th>
              <Th className="hidden text-right sm:table-cell">Projects</Th>
              <Th className="hidden md:table-cell">Joined</Th>
              <Th className="text-right">
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {items.map((u) => {
              const isMe = u.id === currentUserId;
              const deactivated = u.deactivatedAt !== null;
              return (
                <Tr key={u.id} className={cn(deactivated && "bg-zinc-50/70 dark:bg-zinc-900/40")}>
                  <Td className="w-full max-w-0">
                    <div className="flex items-center gap-3">
                      <span className="hidden sm:contents">
                        <Avatar
                          name={u.name}
                          email={u.email}
                          seed={u.id}
                          className={cn(deactivated && "opacity-50 grayscale")}
                        />
                      </span>
                      <div className="min-w-0">
                        <p
                          className={cn(
                            "flex items-center gap-1.5 font-medium",
                            deactivated ? "text-zinc-500 dark:text-zinc-400" : "text-zinc-900 dark:text-zinc-100",
                          )}
                        >
                          <span className="truncate">{u.name}</span>
                          {isMe ? <Badge>You</Badge> : null}
                          {deactivated ? <Badge>Deactivated</Badge> : null}
                        </p>
                        <p
                          className={cn(
                            "truncate text-[13px]",
                            deactivated ? "text-zinc-400 dark:text-zinc-500" : "text-zinc-500 dark:text-zinc-400",
                          )}
                        >
                          {u.email}
                        </p>
                      </div>
                    </div>
                  </Td>
                  <Td>
                    <div className="flex items-center gap-2">
                      <Select
                        compact
                        className="w-28"
                        aria-label={`Instance role for ${u.name}`}
                        value={optimistic[u.id] ?? u.role}
                        disabled={isMe || pendingId === u.id}
                        title={isMe ? "Ask another instance admin to change your own role" : undefined}
                        onChange={(e) => setRole.mutate({ userId: u.id, role: e.target.value as "ADMIN" | "USER" })}
                      >
                        <option value="USER">User</option>
                        <option value="ADMIN">Admin</option>
                      </Select>
                      {pendingId === u.id ? <Spinner className="size-3.5 text-zinc-400" label="Saving role" /> : null}
                    </div>
                  </Td>
                  <Td className="hidden text-right text-zinc-700 tabular-nums sm:table-cell dark:text-zinc-300">
                    {u._count.memberships}
                  </Td>
                  <Td className="hidden text-[13px] whitespace-nowrap text-zinc-600 md:table-cell dark:text-zinc-400">
                    <LocalTime date={u.createdAt} />
                  </Td>
                  <Td className="text-right">
                    {deactivated ? (
                      <Button
                        size="sm"
                        variant="ghost"
                        loading={setActive.isPending && setActive.variables?.userId === u.id}
                        aria-label={`Reactivate ${u.name}`}
                        onClick={() => setActive.mutate({ userId: u.id, active: true })}
                      >
                        Reactivate
                      </Button>
                    ) : (
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-zinc-600 hover:text-red-700 dark:text-zinc-400 dark:hover:text-red-400"
                        aria-label={`Deactivate ${u.name}`}
                        onClick={() => {
                          setActive.reset();
                          setDeactivating(u);
                        }}
                      >
                        Deactivate
                      </Button>
                    )}
                  </Td>
                </Tr>
              );
            })}
          </TBody>
        </Table>
      )}
      {users.hasNextPage ? (
        <div className="flex justify-center border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">
          <Button size="sm" loading={users.isFetchingNextPage} onClick={() => void users.fetchNextPage()}>
            Load more
          </Button>
        </div>
      ) : null}
      <Dialog
        open={deactivating !== null}
        onClose={() => !setActive.isPending && !leaving && setDeactivating(null)}
        title={deactivatingMe ? "Deactivate your own account?" : `Deactivate ${deactivating?.name}?`}
        description={
          deactivatingMe ? "Only another instance admin can reactivate you." : "You can reactivate them at any time."
        }
        footer={
          <>
            <Button onClick={() => setDeactivating(null)} disabled={setActive.isPending || leaving}>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={setActive.isPending || leaving}
              onClick={() => deactivating && setActive.mutate({ userId: deactivating.id, active: false })}
            >
              {deactivatingMe ? "Deactivate my account" : "Deactivate"}
            </Button>
          </>
        }
      >
        <div className="space-y-3 text-sm text-zinc-700 dark:text-zinc-300">
          {deactivatingMe ? (
            <ul className="list-disc space-y-1 pl-5 marker:text-zinc-400">
              <li>You are signed out everywhere at once, this browser included.</li>
              <li>You cannot sign in, with a password or a sign-in provider.</li>
              <li>You get no notifications.</li>
              <li>Your name stays on everything you wrote.</li>
            </ul>
          ) : (
            <ul className="list-disc space-y-1 pl-5 marker:text-zinc-400">
              <li>They are signed out everywhere at once.</li>
              <li>They cannot sign in, with a password or a sign-in provider.</li>
              <li>They get no notifications.</li>
              <li>Their name stays on everything they wrote.</li>
            </ul>
          )}
          {setActive.error ? <Alert>{errorMessage(setActive.error)}</Alert> : null}
        </div>
      </Dialog>
    </Card>
  );
}
