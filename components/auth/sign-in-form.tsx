"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { z } from "zod";
import { type FieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { Input } from "@/components/ui/input";

import { authLinkClass } from "./auth-card";
import { OAuthButtons, type OAuthProvider } from "./oauth-buttons";
import { PasswordInput } from "./password-input";

const schema = z.object({
  email: z.string().trim().min(1, "Enter your email address").email("Enter a valid email address"),
  password: z.string().min(1, "Enter your password"),
});

const NEXT_AUTH_ERRORS: Record<string, string> = {
  CredentialsSignin: "Incorrect email or password.",
  TooManyAttempts: "Too many sign-in attempts. Wait a few minutes, then try again.",
  AccountDeactivated: "This account has been deactivated. Ask an administrator of this Specline to reactivate it.",
  OAuthAccountNotLinked:
    "An account with this address exists. Sign in with its password (or reset it), then connect this provider under your name → Security.",
  SignupClosed: "Sign-up is closed for this address. Ask an administrator of this Specline to invite you.",
  OAuthEmailMissing:
    "The sign-in provider did not share an email address. Add a verified address to your account there, or sign in with your password.",
  AccessDenied: "Access was denied by the sign-in provider.",
  SessionRequired: "Sign in to continue.",
};

export function signInErrorMessage(code: string): string {
  return NEXT_AUTH_ERRORS[code] ?? "Sign-in failed. Please try again.";
}

export function SignInForm({
  providers,
  callbackUrl,
  initialError,
}: {
  providers: OAuthProvider[];
  callbackUrl: string;
  initialError?: string;
}) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(initialError ? signInErrorMessage(initialError) : null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFormError(null);
    const checked = validate(schema, { email, password });
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    setPending(true);
    try {
      const res = await signIn("credentials", { email: checked.data.email, password, redirect: false });
      if (!res || res.error) {
        setFormError(signInErrorMessage(res?.error ?? ""));
        setPending(false);
        return;
      }
      router.replace(callbackUrl);
      router.refresh();
    } catch {
      setFormError("Could not reach the server. Check your connection and try again.");
      setPending(false);
    }
  }

  return (
    <>
      <form
        onSubmit={onSubmit}
        noValidate
        className="space-y-4"
        aria-describedby={formError ? "sign-in-error" : undefined}
      >
        {formError ? (
          <div id="sign-in-error">
            <Alert>{formError}</Alert>
          </div>
        ) : null}
        <Field id="email" label="Email" error={errors.email}>
          <Input
            type="email"
            name="email"
            autoComplete="email"
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="you@company.com"
          />
        </Field>
        {/* The link sits on the label's row but after the field, so tabbing goes from the password to it, and
            it stays out of the field's name. */}
        <div className="relative">
          <Field id="password" label="Password" error={errors.password}>
            <PasswordInput
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <Link href="/forgot-password" className={cn(authLinkClass, "absolute top-0 right-0 text-[13px] leading-5")}>
            Forgot password?
          </Link>
        </div>
        <Button type="submit" variant="primary" className="w-full" loading={pending}>
          Sign in
        </Button>
      </form>
      <OAuthButtons providers={providers} callbackUrl={callbackUrl} />
    </>
  );
}

export function SignUpLink({ callbackUrl }: { callbackUrl: string }) {
  const href = callbackUrl === "/projects" ? "/sign-up" : `/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`;
  return (
    <>
      New to Specline?{" "}
      <Link href={href} className={authLinkClass}>
        Create an account
      </Link>
    </>
  );
}
