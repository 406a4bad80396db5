"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useRef, useState } from "react";
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
import { OneTimeCodeInput, withoutSpaces } from "./one-time-code-input";
import { PasswordInput } from "./password-input";

const schema = z.object({
  email: z.string().trim().min(1, "Enter your email address").email("Enter a valid email address"),
  password: z.string().min(1, "Enter your password"),
});

const codeSchema = z.object({
  code: z.string().trim().min(1, "Enter the code from your authenticator app").max(20, "That code is not right"),
});

const NEXT_AUTH_ERRORS: Record<string, string> = {
  CredentialsSignin: "Incorrect email or password.",
  TotpRequired: "Enter the code from your authenticator app to finish signing in.",
  TotpInvalid: "That code is not right. Enter the current code from your authenticator app, or a recovery code.",
  TotpPasswordRequired: "Two-factor sign-in is on for this account: sign in with your email, password and code.",
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

/**
 * Email and password, then — for an account with two-factor sign-in — a
 * second step for the code. The server says which (`TotpRequired`) only
 * after the right password; the email and password stay in memory so the
 * second attempt sends all three.
 */
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
  const [step, setStep] = useState<"password" | "code">("password");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(initialError ? signInErrorMessage(initialError) : null);
  const [pending, setPending] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  function toCodeStep() {
    setStep("code");
    setCode("");
    setErrors({});
    requestAnimationFrame(() => codeRef.current?.focus());
  }

  function toPasswordStep() {
    setStep("password");
    setCode("");
    setErrors({});
    setFormError(null);
    requestAnimationFrame(() => emailRef.current?.focus());
  }

  /** One attempt; answers the error code next-auth reports, or null once signed in. */
  async function attempt(credentials: { email: string; password: string; code?: string }): Promise<string | null> {
    const res = await signIn("credentials", { ...credentials, redirect: false });
    if (!res || res.error) return res?.error ?? "";
    router.replace(callbackUrl);
    router.refresh();
    return null;
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setFormError(null);
    if (step === "password") {
      const checked = validate(schema, { email, password });
      if (!checked.ok) {
        setErrors(checked.errors);
        focusFirstInvalid(form);
        return;
      }
      setErrors({});
      setPending(true);
      try {
        const error = await attempt({ email: checked.data.email, password });
        if (error === null) return;
        setPending(false);
        if (error === "TotpRequired") toCodeStep();
        else setFormError(signInErrorMessage(error));
      } catch {
        setFormError("Could not reach the server. Check your connection and try again.");
        setPending(false);
      }
      return;
    }

    const checked = validate(codeSchema, { code: withoutSpaces(code) });
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(form);
      return;
    }
    setErrors({});
    setPending(true);
    try {
      const error = await attempt({ email: email.trim(), password, code: checked.data.code });
      if (error === null) return;
      setPending(false);
      if (error === "TotpInvalid" || error === "TotpRequired") {
        setErrors({ code: "That code is not right" });
        focusFirstInvalid(form);
      } else if (error === "CredentialsSignin") {
        // The password changed since the first step: start again from it.
        setStep("password");
        setPassword("");
        setFormError(signInErrorMessage(error));
      } else {
        setFormError(signInErrorMessage(error));
      }
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
        {step === "password" ? (
          <>
            <Field id="email" label="Email" error={errors.email}>
              <Input
                ref={emailRef}
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
              <Link
                href="/forgot-password"
                className={cn(authLinkClass, "absolute top-0 right-0 text-[13px] leading-5")}
              >
                Forgot password?
              </Link>
            </div>
          </>
        ) : (
          <>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              Two-factor sign-in is on for{" "}
              <span className="font-medium break-all text-zinc-900 dark:text-zinc-100">{email.trim()}</span>.
            </p>
            <Field
              id="code"
              label="Two-factor code"
              hint="Enter the 6-digit code from your authenticator app, or one of your recovery codes."
              error={errors.code}
            >
              <OneTimeCodeInput
                ref={codeRef}
                recovery
                name="code"
                value={code}
                onChange={(e) => {
                  setCode(e.target.value);
                  if (errors.code) setErrors({});
                }}
                placeholder="123456"
              />
            </Field>
          </>
        )}
        <Button type="submit" variant="primary" className="w-full" loading={pending}>
          Sign in
        </Button>
        {step === "code" ? (
          <p className="text-center text-sm">
            <button type="button" onClick={toPasswordStep} className={authLinkClass} disabled={pending}>
              Back
            </button>
          </p>
        ) : null}
      </form>
      {step === "password" ? <OAuthButtons providers={providers} callbackUrl={callbackUrl} /> : null}
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
