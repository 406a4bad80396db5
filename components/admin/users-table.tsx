"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
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
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { useDebounced } from "@/components/use-debounced";
import { useTRPC } from "@/lib/trpc/react";

const PAGE_SIZE = 50;

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
            </tr>
          </THead>
          <TBody>
            {items.map((u) => {
              const isMe = u.id === currentUserId;
              return (
                <Tr key={u.id}>
                  <Td className="w-full max-w-0">
                    <div className="flex items-center gap-3">
                      <span className="hidden sm:contents">
                        <Avatar name={u.name} email={u.email} seed={u.id} />
                      </span>
                      <div className="min-w-0">
                        <p className="flex items-center gap-1.5 font-medium text-zinc-900 dark:text-zinc-100">
                          <span className="truncate">{u.name}</span>
                          {isMe ? <Badge>You</Badge> : null}
                        </p>
                        <p className="truncate text-[13px] text-zinc-500 dark:text-zinc-400">{u.email}</p>
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
    </Card>
  );
}
