"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState } from "react";
import { z } from "zod";
import { type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button, buttonStyles } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { Input } from "@/components/ui/input";
import { email } from "@/lib/schemas/common";
import { useTRPC } from "@/lib/trpc/react";

import { AuthCard, authErrorMessage, authLinkClass } from "./auth-card";

const schema = z.object({ email: z.string().trim().min(1, "Enter your email address").pipe(email) });

/**
 * Asks for a reset link. The server answers the same whether or not the
 * address has an account, and so does this page.
 */
export function ForgotPasswordForm() {
  const trpc = useTRPC();
  const [value, setValue] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);

  const request = useMutation(
    trpc.auth.requestPasswordReset.mutationOptions({
      onError(err) {
        const fields = serverFieldErrors(err);
        if (fields.email) {
          setErrors(fields);
          focusFirstInvalid(formRef.current);
        } else setFormError(authErrorMessage(err));
      },
      onSuccess(_data, input) {
        setSentTo(input.email);
        requestAnimationFrame(() => titleRef.current?.focus());
      },
    }),
  );

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFormError(null);
    const checked = validate(schema, { email: value });
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    request.mutate(checked.data);
  }

  if (sentTo) {
    return (
      <AuthCard title="Check your inbox" titleRef={titleRef}>
        <div className="space-y-6">
          <p role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
            If an account exists for{" "}
            <span className="font-medium break-all text-zinc-900 dark:text-zinc-50">{sentTo}</span>, we sent a link to
            reset its password. It works once, for 30 minutes.
          </p>
          <Link href="/sign-in" className={buttonStyles({ variant: "primary", className: "w-full" })}>
            Back to sign in
          </Link>
          <p className="text-center text-[13px] text-zinc-500 dark:text-zinc-400">
            Nothing after a few minutes? Check your spam folder, or{" "}
            <button
              type="button"
              className={authLinkClass}
              onClick={() => {
                setSentTo(null);
                request.reset();
              }}
            >
              try another address
            </button>
            .
          </p>
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Reset your password"
      description="Enter the email address of your account and we will send you a link to choose a new password."
      footer={
        <>
          Remembered it?{" "}
          <Link href="/sign-in" className={authLinkClass}>
            Sign in
          </Link>
        </>
      }
    >
      <form
        ref={formRef}
        onSubmit={onSubmit}
        noValidate
        className="space-y-4"
        aria-describedby={formError ? "forgot-password-error" : undefined}
      >
        {formError ? (
          <div id="forgot-password-error">
            <Alert>{formError}</Alert>
          </div>
        ) : null}
        <Field id="email" label="Email" error={errors.email}>
          <Input
            type="email"
            name="email"
            autoComplete="email"
            autoFocus
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              if (errors.email) setErrors({});
            }}
            placeholder="you@company.com"
          />
        </Field>
        <Button type="submit" variant="primary" className="w-full" loading={request.isPending}>
          Send reset link
        </Button>
      </form>
    </AuthCard>
  );
}
