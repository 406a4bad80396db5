"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";

import { Avatar } from "@/components/avatar";
import { GlobeIcon, MailIcon, TrashIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { PROJECT_ROLE_OPTIONS, type ProjectRole, projectRoleLabel } from "@/components/role-badge";
import { errorCode, errorMessage, type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { PersonName } from "@/components/ui/person-name";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import { membersAddInput } from "@/lib/schemas/project";
import { useTRPC } from "@/lib/trpc/react";

import { type Invitation, PendingInvitations } from "./pending-invitations";
import { SettingsSection } from "./settings-section";

interface Member {
  id: string;
  role: ProjectRole;
  createdAt: Date;
  user: { id: string; email: string; name: string; deactivatedAt: Date | null };
}

export function MembersSection({
  projectKey,
  currentUserId,
  initialMembers,
  initialInvitations,
  archived,
  openReporting,
}: {
  projectKey: string;
  currentUserId: string;
  initialMembers: { items: Member[]; nextCursor: string | null };
  /** null for an archived project: nobody can be invited to it, and its invitations are closed. */
  initialInvitations: Invitation[] | null;
  archived: boolean;
  /** Anyone signed in reports issues here as a reporter, without being a member. */
  openReporting: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const listInput = { projectKey, limit: 100 };
  const members = useQuery(trpc.project.members.list.queryOptions(listInput, { initialData: initialMembers }));
  const items = members.data?.items ?? [];

  const [rowError, setRowError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pendingRole, setPendingRole] = useState<string | null>(null);
  // The chosen role shows at once; the server's answer (or an error) settles it.
  const [optimistic, setOptimistic] = useState<Record<string, ProjectRole>>({});
  const [removing, setRemoving] = useState<Member | null>(null);

  async function refreshMembers() {
    await queryClient.invalidateQueries({ queryKey: trpc.project.members.list.pathKey() });
    router.refresh();
  }

  const setRole = useMutation(
    trpc.project.members.setRole.mutationOptions({
      onMutate: (vars) => {
        setRowError(null);
        setNotice(null);
        setPendingRole(vars.userId);
        setOptimistic((o) => ({ ...o, [vars.userId]: vars.role }));
      },
      onSuccess: async (m) => {
        setNotice(`${m.user.name} is now ${projectRoleLabel(m.role)}.`);
        await refreshMembers();
        setOptimistic(({ [m.user.id]: _settled, ...rest }) => rest);
      },
      onError: (err, vars) => {
        setRowError(errorMessage(err));
        setOptimistic(({ [vars.userId]: _dropped, ...rest }) => rest);
      },
      onSettled: () => setPendingRole(null),
    }),
  );

  const remove = useMutation(
    trpc.project.members.remove.mutationOptions({
      onSuccess: async () => {
        setNotice(removing ? `${removing.user.name} was removed from the project.` : null);
        setRemoving(null);
        await refreshMembers();
      },
    }),
  );

  const adminCount = items.filter((m) => m.role === "ADMIN").length;

  return (
    <SettingsSection
      id="members"
      title="Members"
      description={
        <>
          People who can see this project. They join by accepting an invitation.{" "}
          <strong className="font-medium text-zinc-800 dark:text-zinc-200">Reporters</strong> view and report,{" "}
          <strong className="font-medium text-zinc-800 dark:text-zinc-200">maintainers</strong> do the work,{" "}
          <strong className="font-medium text-zinc-800 dark:text-zinc-200">admins</strong> manage settings and members.
        </>
      }
    >
      <Card>
        <CardHeader
          title={
            <span className="flex items-center gap-2">
              {items.length} {items.length === 1 ? "member" : "members"}
              {members.isFetching ? <Spinner className="size-3.5 text-zinc-400" label="Refreshing members" /> : null}
            </span>
          }
        />
        {openReporting ? (
          <div className="flex items-start gap-2.5 border-b border-zinc-200 bg-sky-50/60 px-5 py-2.5 text-[13px] text-sky-900 dark:border-zinc-800 dark:bg-sky-500/10 dark:text-sky-200">
            <GlobeIcon className="mt-0.5 size-3.5 shrink-0" />
            <p className="min-w-0">
              Anyone signed in can report issues in this project. They are reporters without being members, so they are
              not listed here.{" "}
              <a
                href="#reporting"
                className="font-medium whitespace-nowrap underline underline-offset-2 hover:no-underline focus-visible:rounded-sm focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none"
              >
                Change
              </a>
            </p>
          </div>
        ) : null}
        {!archived ? (
          <InviteForm
            projectKey={projectKey}
            onStart={() => {
              setRowError(null);
              setNotice(null);
            }}
            onInvited={async (email) => {
              setNotice(`Invitation sent to ${email}. They join once they accept it.`);
              await queryClient.invalidateQueries({ queryKey: trpc.project.invitations.list.pathKey() });
            }}
          />
        ) : null}
        {rowError ? (
          <div className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
            <Alert>{rowError}</Alert>
          </div>
        ) : notice ? (
          <p
            role="status"
            className="border-b border-zinc-200 bg-emerald-50/60 px-5 py-2 text-[13px] text-emerald-800 dark:border-zinc-800 dark:bg-emerald-500/10 dark:text-emerald-300"
          >
            {notice}
          </p>
        ) : null}
        <Table aria-label="Project members">
          <THead>
            <tr>
              <Th>Member</Th>
              <Th>Role</Th>
              <Th className="hidden w-32 md:table-cell">Joined</Th>
              {!archived ? (
                <Th className="w-12">
                  <span className="sr-only">Actions</span>
                </Th>
              ) : null}
            </tr>
          </THead>
          <TBody>
            {items.map((m) => {
              const isMe = m.user.id === currentUserId;
              const lastAdmin = m.role === "ADMIN" && adminCount <= 1;
              return (
                <Tr key={m.id} data-testid={`member-row-${m.user.email}`}>
                  <Td className="w-full max-w-0">
                    <div className="flex items-center gap-3">
                      <span className="hidden sm:contents">
                        <Avatar name={m.user.name} email={m.user.email} seed={m.user.id} />
                      </span>
                      <div className="min-w-0">
                        <p className="flex items-center gap-1.5 truncate font-medium text-zinc-900 dark:text-zinc-100">
                          <PersonName person={m.user} className="truncate" />
                          {isMe ? <Badge>You</Badge> : null}
                        </p>
                        <p className="truncate text-[13px] text-zinc-500 dark:text-zinc-400">{m.user.email}</p>
                      </div>
                    </div>
                  </Td>
                  <Td>
                    <div className="flex items-center gap-2">
                      <Select
                        compact
                        className="w-32 sm:w-36"
                        aria-label={`Role for ${m.user.name}`}
                        value={optimistic[m.user.id] ?? m.role}
                        disabled={archived || pendingRole === m.user.id}
                        title={lastAdmin ? "A project must keep at least one admin" : undefined}
                        onChange={(e) =>
                          setRole.mutate({ projectKey, userId: m.user.id, role: e.target.value as ProjectRole })
                        }
                      >
                        {PROJECT_ROLE_OPTIONS.map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </Select>
                      {pendingRole === m.user.id ? (
                        <Spinner className="size-3.5 text-zinc-400" label="Saving role" />
                      ) : null}
                    </div>
                  </Td>
                  <Td className="hidden text-[13px] whitespace-nowrap text-zinc-600 md:table-cell dark:text-zinc-400">
                    <LocalTime date={m.createdAt} />
                  </Td>
                  {!archived ? (
                    <Td className="text-right">
                      <Button
                        size="sm"
                        variant="ghost"
                        className="px-2 text-zinc-500 hover:text-red-600 dark:text-zinc-400 dark:hover:text-red-400"
                        aria-label={`Remove ${m.user.name}`}
                        title={lastAdmin ? "A project must keep at least one admin" : `Remove ${m.user.name}`}
                        onClick={() => {
                          remove.reset();
                          setRemoving(m);
                        }}
                      >
                        <TrashIcon />
                      </Button>
                    </Td>
                  ) : null}
                </Tr>
              );
            })}
          </TBody>
        </Table>
      </Card>

      {initialInvitations ? (
        <PendingInvitations projectKey={projectKey} initialInvitations={initialInvitations} />
      ) : null}

      <Dialog
        open={removing !== null}
        onClose={() => !remove.isPending && setRemoving(null)}
        title={
          removing?.user.id === currentUserId ? "Leave this project?" : `Remove ${removing?.user.name ?? "member"}?`
        }
        description={
          openReporting
            ? removing?.user.id === currentUserId
              ? "You will lose your role immediately. The project is open for reporting, so you can still report issues in it."
              : `${removing?.user.name ?? "They"} will lose their role immediately. The project is open for reporting, so they can still report issues in it.`
            : removing?.user.id === currentUserId
              ? "You will lose access to this project immediately."
              : `${removing?.user.name ?? "They"} will lose access to this project immediately. You can invite them again later.`
        }
        footer={
          <>
            <Button onClick={() => setRemoving(null)} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={remove.isPending}
              onClick={() => removing && remove.mutate({ projectKey, userId: removing.user.id })}
            >
              {removing?.user.id === currentUserId ? "Leave project" : "Remove member"}
            </Button>
          </>
        }
      >
        {remove.error ? <Alert>{errorMessage(remove.error)}</Alert> : null}
      </Dialog>
    </SettingsSection>
  );
}

/** Invites an address with a role; they join when they accept. */
function InviteForm({
  projectKey,
  onStart,
  onInvited,
}: {
  projectKey: string;
  onStart: () => void;
  onInvited: (email: string) => Promise<void>;
}) {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<ProjectRole>("REPORTER");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const invite = useMutation(
    trpc.project.members.add.mutationOptions({
      onSuccess: async (invitation) => {
        setEmail("");
        setRole("REPORTER");
        await onInvited(invitation.email);
      },
      onError: (err) => {
        const code = errorCode(err);
        if (code === "CONFLICT") {
          setErrors({ email: err.message });
          focusFirstInvalid(formRef.current);
          return;
        }
        const fields = serverFieldErrors(err);
        if (Object.values(fields).some(Boolean)) {
          setErrors(fields);
          focusFirstInvalid(formRef.current);
        } else setFormError(errorMessage(err));
      },
    }),
  );

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFormError(null);
    onStart();
    const checked = validate(membersAddInput, { projectKey, email, role });
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    invite.mutate(checked.data);
  }

  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="invite-heading"
      className="border-b border-zinc-200 bg-zinc-50/60 px-5 py-4 dark:border-zinc-800 dark:bg-zinc-900/40"
    >
      <h3 id="invite-heading" className="mb-3 text-[13px] font-semibold text-zinc-900 dark:text-zinc-100">
        Invite people
      </h3>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <div className="flex-1 space-y-1.5">
          <Label htmlFor="invite-email">Email address</Label>
          <Input
            id="invite-email"
            type="email"
            name="email"
            autoComplete="off"
            placeholder="teammate@company.com"
            value={email}
            invalid={Boolean(errors.email)}
            aria-describedby={errors.email ? "invite-email-error" : "invite-email-hint"}
            onChange={(e) => {
              setEmail(e.target.value);
              if (errors.email) setErrors({});
            }}
          />
          {errors.email ? (
            <p id="invite-email-error" className="text-[13px] text-red-600 dark:text-red-400">
              {errors.email}
            </p>
          ) : (
            <p id="invite-email-hint" className="text-[13px] text-zinc-500 dark:text-zinc-400">
              We email them a link to join. Without an account, they can create one from it.
            </p>
          )}
        </div>
        <div className="space-y-1.5 sm:w-40">
          <Label htmlFor="invite-role">Role</Label>
          <Select id="invite-role" name="role" value={role} onChange={(e) => setRole(e.target.value as ProjectRole)}>
            {PROJECT_ROLE_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        </div>
        <div className="sm:pt-[1.625rem]">
          <Button type="submit" variant="primary" loading={invite.isPending} className="w-full sm:w-auto">
            {invite.isPending ? null : <MailIcon />}
            Send invitation
          </Button>
        </div>
      </div>
      {formError ? <Alert className="mt-3">{formError}</Alert> : null}
    </form>
  );
}
