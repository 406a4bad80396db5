"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useRef, useState } from "react";
import { errorCode, errorDetails, type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { Input } from "@/components/ui/input";
import { PASSWORD_MIN, registerInput } from "@/lib/schemas/auth";
import { useTRPC } from "@/lib/trpc/react";

import { authErrorMessage, authLinkClass } from "./auth-card";
import { OAuthButtons, type OAuthProvider } from "./oauth-buttons";
import { PasswordInput } from "./password-input";

/** The invitation a sign-up came through: its token goes with the sign-up, and its address is suggested. */
export interface SignUpInvitation {
  token: string;
  /** The invited address ("" when not known). */
  email: string;
  /** null when the invitation could not be looked up just now. */
  projectName: string | null;
}

export function SignUpForm({
  providers,
  callbackUrl,
  signInCallbackUrl = callbackUrl,
  invitation = null,
}: {
  providers: OAuthProvider[];
  /** Where a new account goes. */
  callbackUrl: string;
  /** Where signing in with an existing account (or a provider) goes. */
  signInCallbackUrl?: string;
  invitation?: SignUpInvitation | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState({ name: "", email: invitation?.email ?? "", password: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  /** The address whose sign-in failed after registering: new, or one that had an account already. */
  const [unsure, setUnsure] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const register = useMutation(
    trpc.auth.register.mutationOptions({
      onError(err) {
        if (errorCode(err) === "FORBIDDEN" && errorDetails(err)?.reason === "signup_closed") {
          setFormError(err.message);
          return;
        }
        const fields = serverFieldErrors(err);
        if (Object.values(fields).some(Boolean)) {
          setErrors(fields);
          focusFirstInvalid(formRef.current);
        } else setFormError(authErrorMessage(err));
      },
      async onSuccess(_data, input) {
        setSigningIn(true);
        const res = await signIn("credentials", {
          email: input.email,
          password: input.password,
          redirect: false,
        }).catch(() => undefined);
        if (!res || res.error) {
          // The answer is the same for a new address and a known one, so this cannot say which it was.
          setSigningIn(false);
          setUnsure(input.email);
          return;
        }
        // Only the invited address joins on sign-up; another one answers the invitation from its page.
        router.replace(invitation && !sameAddress(input.email, invitation.email) ? signInCallbackUrl : callbackUrl);
        router.refresh();
      },
    }),
  );

  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    if (errors[key]) setErrors((prev) => ({ ...prev, [key]: undefined }));
  };

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFormError(null);
    setUnsure(null);
    const checked = validate(registerInput, invitation ? { ...values, invitation: invitation.token } : values);
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    register.mutate(checked.data);
  }

  return (
    <>
      <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
        {formError ? <Alert>{formError}</Alert> : null}
        {unsure ? <AccountMaybeCreated email={unsure} callbackUrl={signInCallbackUrl} /> : null}
        <Field id="name" label="Full name" error={errors.name}>
          <Input
            name="name"
            autoComplete="name"
            autoFocus
            value={values.name}
            onChange={set("name")}
            placeholder="Ada Lovelace"
          />
        </Field>
        <Field
          id="email"
          label="Work email"
          error={errors.email}
          hint={
            invitation?.email && !sameAddress(values.email, invitation.email)
              ? `The invitation is for ${invitation.email}. With another address you do not join ${invitation.projectName ?? "the project"} straight away.`
              : undefined
          }
        >
          <Input
            type="email"
            name="email"
            autoComplete="email"
            value={values.email}
            onChange={set("email")}
            placeholder="you@company.com"
          />
        </Field>
        <Field
          id="password"
          label="Password"
          error={errors.password}
          hint={`At least ${PASSWORD_MIN} characters. Avoid common or repetitive passwords.`}
        >
          <PasswordInput
            name="password"
            autoComplete="new-password"
            value={values.password}
            onChange={set("password")}
          />
        </Field>
        <Button type="submit" variant="primary" className="w-full" loading={register.isPending || signingIn}>
          Create account
        </Button>
      </form>
      <OAuthButtons providers={providers} callbackUrl={signInCallbackUrl} />
    </>
  );
}

function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** After registering, signing in failed: either the account is new and something else went wrong, or it existed. */
function AccountMaybeCreated({ email, callbackUrl }: { email: string; callbackUrl: string }) {
  return (
    <Alert tone="info">
      If <span className="font-medium break-all">{email}</span> is new, your account was created —{" "}
      <Link href={signInHref(callbackUrl)} className={authLinkClass}>
        sign in
      </Link>{" "}
      to continue. If it already had an account, we emailed its owner; sign in or{" "}
      <Link href="/forgot-password" className={authLinkClass}>
        reset the password
      </Link>
      .
    </Alert>
  );
}

function signInHref(callbackUrl: string) {
  return callbackUrl === "/projects" ? "/sign-in" : `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`;
}

export function SignInLink({ callbackUrl }: { callbackUrl: string }) {
  const href = signInHref(callbackUrl);
  return (
    <>
      Already have an account?{" "}
      <Link href={href} className={authLinkClass}>
        Sign in
      </Link>
    </>
  );
}
