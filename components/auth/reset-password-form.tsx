"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState } from "react";
import { z } from "zod";
import { errorCode, errorDetails, type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button, buttonStyles } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { PASSWORD_MIN, password } from "@/lib/schemas/auth";
import { useTRPC } from "@/lib/trpc/react";

import { AuthCard, authErrorMessage, authLinkClass } from "./auth-card";
import { InvalidLink } from "./invalid-link";
import { PasswordInput } from "./password-input";

const schema = z
  .object({ password, confirm: z.string().min(1, "Enter the new password again") })
  .refine((v) => v.password === v.confirm, { message: "The two passwords do not match", path: ["confirm"] });

const signInLink = (
  <Link href="/sign-in" className={authLinkClass}>
    Back to sign in
  </Link>
);

/**
 * Sets a new password with the token from a reset email. `token` is null when
 * the link in the address bar cannot be one of ours, so the server is not asked.
 */
export function ResetPasswordForm({ token }: { token: string | null }) {
  const trpc = useTRPC();
  const [values, setValues] = useState({ password: "", confirm: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<"changed" | "invalid" | null>(token ? null : "invalid");
  const formRef = useRef<HTMLFormElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);

  function show(next: "changed" | "invalid") {
    setOutcome(next);
    requestAnimationFrame(() => titleRef.current?.focus());
  }

  const reset = useMutation(
    trpc.auth.resetPassword.mutationOptions({
      onError(err) {
        if (errorCode(err) === "BAD_REQUEST" && errorDetails(err)?.reason === "invalid_token") {
          show("invalid");
          return;
        }
        const fields = serverFieldErrors(err);
        if (fields.token) show("invalid");
        else if (fields.password) {
          setErrors({ password: fields.password });
          focusFirstInvalid(formRef.current);
        } else setFormError(authErrorMessage(err));
      },
      onSuccess() {
        show("changed");
      },
    }),
  );

  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    if (errors[key]) setErrors((prev) => ({ ...prev, [key]: undefined }));
  };

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!token) return;
    setFormError(null);
    const checked = validate(schema, values);
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    reset.mutate({ token, password: checked.data.password });
  }

  if (outcome === "invalid") {
    return (
      <InvalidLink
        description="Reset links work once, for 30 minutes. Ask for a new one and use the latest email."
        footer={signInLink}
        titleRef={titleRef}
      >
        <Link href="/forgot-password" className={buttonStyles({ variant: "primary", className: "w-full" })}>
          Ask for a new link
        </Link>
      </InvalidLink>
    );
  }

  if (outcome === "changed") {
    return (
      <AuthCard title="Password changed" titleRef={titleRef}>
        <div className="space-y-6">
          <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
            Your password was changed and you were signed out everywhere.
          </p>
          <Link href="/sign-in" className={buttonStyles({ variant: "primary", className: "w-full" })}>
            Sign in
          </Link>
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Choose a new password"
      description="Setting a new password signs you out on every device."
      footer={signInLink}
      titleRef={titleRef}
    >
      <form
        ref={formRef}
        onSubmit={onSubmit}
        noValidate
        className="space-y-4"
        aria-describedby={formError ? "reset-password-error" : undefined}
      >
        {formError ? (
          <div id="reset-password-error">
            <Alert>{formError}</Alert>
          </div>
        ) : null}
        <Field
          id="password"
          label="New password"
          error={errors.password}
          hint={`At least ${PASSWORD_MIN} characters. Avoid common or repetitive passwords.`}
        >
          <PasswordInput
            name="password"
            autoComplete="new-password"
            autoFocus
            value={values.password}
            onChange={set("password")}
          />
        </Field>
        <Field id="confirm" label="Confirm new password" error={errors.confirm}>
          <PasswordInput name="confirm" autoComplete="new-password" value={values.confirm} onChange={set("confirm")} />
        </Field>
        <Button type="submit" variant="primary" className="w-full" loading={reset.isPending}>
          Set new password
        </Button>
      </form>
    </AuthCard>
  );
}
