"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";

import { PasswordInput } from "@/components/auth/password-input";
import { errorMessage, type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardFooter, CardHeader } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { PASSWORD_MIN } from "@/lib/schemas/auth";
import { changePasswordInput } from "@/lib/schemas/user";
import { useTRPC } from "@/lib/trpc/react";

import { type AccountSecurity, providerName } from "./sign-in-methods-section";

/** The caller's password: change it, or, for an account that signs in through a provider only, how to set one. */
export function PasswordSection({ security }: { security: AccountSecurity }) {
  const { email, hasPassword } = security;
  const providerNames = security.connected.map((c) => providerName(c.provider, security));
  return (
    <section aria-labelledby="password-heading">
      <Card>
        <CardHeader
          id="password-heading"
          title="Password"
          description={
            hasPassword
              ? "Changing your password signs you out on every other browser. This one stays signed in."
              : "Your account has no password yet."
          }
        />
        {hasPassword ? (
          <ChangePasswordForm email={email} />
        ) : (
          <NoPassword email={email} providerNames={providerNames} />
        )}
      </Card>
    </section>
  );
}

/**
 * An account made through a provider sets its first password with the same
 * emailed link as a forgotten one: the link proves the address. It is sent
 * from here because the forgotten-password page is for signed-out visitors.
 */
function NoPassword({ email, providerNames }: { email: string; providerNames: string[] }) {
  const trpc = useTRPC();
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const via = providerNames.length > 0 ? providerNames.join(" or ") : "a sign-in provider";
  return (
    <>
      <CardBody className="space-y-3">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          You sign in through {via}. To sign in with your email address as well, set a password from a link we send to{" "}
          <span className="font-medium text-zinc-900 dark:text-zinc-100">{email}</span>.
        </p>
        {request.error ? <Alert>{errorMessage(request.error)}</Alert> : null}
      </CardBody>
      <CardFooter className="justify-between">
        <p role="status" className="min-w-0 flex-1 text-[13px] text-emerald-700 dark:text-emerald-400">
          {request.isSuccess ? "Link sent. It works once, for 30 minutes." : null}
        </p>
        <Button size="sm" variant="primary" loading={request.isPending} onClick={() => request.mutate({ email })}>
          {request.isSuccess ? "Send again" : "Email me a link"}
        </Button>
      </CardFooter>
    </>
  );
}

const EMPTY = { currentPassword: "", newPassword: "", confirmPassword: "" };
type Values = typeof EMPTY;

function changedMessage(endedSessions: number): string {
  if (endedSessions === 0) return "Password changed. You were not signed in anywhere else.";
  return `Password changed. Signed out of ${endedSessions} other ${endedSessions === 1 ? "session" : "sessions"}.`;
}

function ChangePasswordForm({ email }: { email: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const change = useMutation(
    trpc.user.changePassword.mutationOptions({
      onSuccess: async ({ endedSessions }) => {
        setValues(EMPTY);
        setStatus(changedMessage(endedSessions));
        await queryClient.invalidateQueries({ queryKey: trpc.user.sessions.list.pathKey() });
      },
      onError: (err) => {
        const fields = serverFieldErrors(err);
        if (Object.values(fields).some(Boolean)) {
          setErrors(fields);
          focusFirstInvalid(formRef.current);
        } else {
          setFormError(errorMessage(err));
        }
      },
    }),
  );

  function update(field: keyof Values, value: string) {
    setValues((v) => ({ ...v, [field]: value }));
    setStatus(null);
    if (errors[field]) setErrors(({ [field]: _fixed, ...rest }) => rest);
  }

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setStatus(null);
    setFormError(null);
    const checked = validate(changePasswordInput, {
      currentPassword: values.currentPassword,
      newPassword: values.newPassword,
    });
    const found: FieldErrors = checked.ok ? {} : { ...checked.errors };
    if (!values.confirmPassword) found.confirmPassword = "Enter the new password again";
    else if (values.confirmPassword !== values.newPassword) found.confirmPassword = "The passwords do not match";
    if (!checked.ok || Object.values(found).some(Boolean)) {
      setErrors(found);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    change.mutate(checked.data);
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate>
      {/* Tells password managers whose password this is. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <CardBody className="space-y-4 py-5">
        {formError ? <Alert>{formError}</Alert> : null}
        <Field id="current-password" label="Current password" error={errors.currentPassword}>
          <PasswordInput
            name="currentPassword"
            autoComplete="current-password"
            value={values.currentPassword}
            onChange={(e) => update("currentPassword", e.target.value)}
          />
        </Field>
        <Field
          id="new-password"
          label="New password"
          hint={`At least ${PASSWORD_MIN} characters.`}
          error={errors.newPassword}
        >
          <PasswordInput
            name="newPassword"
            autoComplete="new-password"
            value={values.newPassword}
            onChange={(e) => update("newPassword", e.target.value)}
          />
        </Field>
        <Field id="confirm-password" label="Confirm new password" error={errors.confirmPassword}>
          <PasswordInput
            name="confirmPassword"
            autoComplete="new-password"
            value={values.confirmPassword}
            onChange={(e) => update("confirmPassword", e.target.value)}
          />
        </Field>
      </CardBody>
      <CardFooter className="justify-between">
        <p role="status" className="min-w-0 flex-1 text-[13px] text-emerald-700 dark:text-emerald-400">
          {status}
        </p>
        <Button type="submit" size="sm" variant="primary" loading={change.isPending}>
          Change password
        </Button>
      </CardFooter>
    </form>
  );
}
