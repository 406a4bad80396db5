"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

import { authLinkClass } from "@/components/auth/auth-card";
import { OneTimeCodeInput, withoutSpaces } from "@/components/auth/one-time-code-input";
import { errorCode, errorMessage, type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CardBody, CardFooter } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { copyStatus, useCopy } from "@/components/use-copy";
import { twoFactorConfirmInput } from "@/lib/schemas/user";
import { useTRPC } from "@/lib/trpc/react";

/** The setup key in groups of four, as authenticator apps show it when typed in by hand. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(" ") ?? secret;

/**
 * Turning two-factor sign-in on: a new secret from the server, shown as a QR
 * code and as a key to type, then the app's first code. `onEnabled` gets the
 * recovery codes, which the caller shows once (see RecoveryCodes); keeping
 * them above this component means a refetch that finds two-factor sign-in on
 * cannot take them off the screen before they are saved. Renders a card's
 * body and footer.
 */
export function TwoFactorSetup({
  onEnabled,
  onAlreadyOn,
}: {
  onEnabled: (recoveryCodes: string[]) => void;
  /** Two-factor sign-in turned out to be on already (set up in another tab). */
  onAlreadyOn?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const stepRef = useRef<HTMLHeadingElement>(null);
  const setUpRef = useRef<HTMLButtonElement>(null);
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const keyCopy = useCopy();

  function alreadyOn(err: unknown): boolean {
    if (errorCode(err) !== "CONFLICT") return false;
    void queryClient.invalidateQueries({ queryKey: trpc.user.twoFactor.status.queryKey() });
    onAlreadyOn?.();
    return true;
  }

  const start = useMutation(
    trpc.user.twoFactor.start.mutationOptions({
      onSuccess: () => {
        setCode("");
        setErrors({});
        setFormError(null);
        requestAnimationFrame(() => stepRef.current?.focus());
      },
      onError: (err) => {
        if (!alreadyOn(err)) setFormError(errorMessage(err));
      },
    }),
  );

  const confirm = useMutation(
    trpc.user.twoFactor.confirm.mutationOptions({
      onSuccess: ({ recoveryCodes }) => onEnabled(recoveryCodes),
      onError: (err) => {
        if (alreadyOn(err)) return;
        const fields = serverFieldErrors(err);
        if (fields.code) {
          setErrors({ code: fields.code });
          focusFirstInvalid(formRef.current);
        } else {
          setFormError(errorMessage(err));
        }
      },
    }),
  );

  function cancel() {
    start.reset();
    setFormError(null);
    requestAnimationFrame(() => setUpRef.current?.focus());
  }

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFormError(null);
    const checked = validate(twoFactorConfirmInput, { code: withoutSpaces(code) });
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    confirm.mutate(checked.data);
  }

  const setup = start.data;
  if (!setup) {
    return (
      <>
        <CardBody className="space-y-3">
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            You will need an authenticator app on your phone, such as 1Password, Google Authenticator or Microsoft
            Authenticator. After your password, Specline asks for the 6-digit code it shows.
          </p>
          {formError ? <Alert>{formError}</Alert> : null}
        </CardBody>
        <CardFooter>
          <Button ref={setUpRef} size="sm" variant="primary" loading={start.isPending} onClick={() => start.mutate()}>
            Set up
          </Button>
        </CardFooter>
      </>
    );
  }

  const keyStatus = copyStatus(keyCopy.state, "Key copied.");
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate>
      <CardBody className="space-y-6 py-5">
        {formError ? <Alert>{formError}</Alert> : null}
        <div>
          <h3
            ref={stepRef}
            tabIndex={-1}
            className="text-sm font-semibold text-zinc-900 outline-none dark:text-zinc-50"
          >
            1. Scan the QR code with your authenticator app
          </h3>
          <div className="mt-3 flex flex-col gap-4 sm:flex-row sm:items-start sm:gap-5">
            {/* The server's SVG as an image: drawn without putting its markup into the page. A white ground
                in both themes, which every camera reads. */}
            {/* biome-ignore lint/performance/noImgElement: a data: URL generated per setup; next/image has nothing to optimise */}
            <img
              src={`data:image/svg+xml;utf8,${encodeURIComponent(setup.qrSvg)}`}
              alt="QR code for your authenticator app"
              width={176}
              height={176}
              className="size-44 shrink-0 self-center rounded-md border border-zinc-200 bg-white p-1.5 sm:self-start dark:border-zinc-700"
            />
            <div className="min-w-0 space-y-2">
              <p className="text-[13px] text-zinc-600 dark:text-zinc-400">
                Cannot scan it? Add an account in the app by hand and enter this key:
              </p>
              <code
                data-testid="two-factor-secret"
                className="block rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 font-mono text-sm tracking-wide break-words text-zinc-900 select-all dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-100"
              >
                {grouped(setup.secret)}
              </code>
              <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <Button size="sm" onClick={() => void keyCopy.copy(setup.secret)}>
                  Copy key
                </Button>
                <p
                  role="status"
                  className={cn(
                    "text-[13px]",
                    keyCopy.state === "failed"
                      ? "text-amber-700 dark:text-amber-400"
                      : "text-emerald-700 dark:text-emerald-400",
                  )}
                >
                  {keyStatus}
                </p>
              </div>
              {/* A phone cannot scan its own screen; authenticator apps there open otpauth: links. */}
              <a href={setup.uri} className={cn(authLinkClass, "inline-block text-[13px] sm:hidden")}>
                Open in an authenticator app on this phone
              </a>
            </div>
          </div>
        </div>
        <div className="space-y-3">
          <h3 className="text-sm font-semibold text-zinc-900 dark:text-zinc-50">2. Enter the code the app shows</h3>
          <Field
            id="two-factor-setup-code"
            label="Code from the app"
            hint="A new 6-digit code appears every 30 seconds."
            error={errors.code}
            className="max-w-56"
          >
            <OneTimeCodeInput
              name="code"
              maxLength={7}
              value={code}
              placeholder="123456"
              onChange={(e) => {
                setCode(e.target.value);
                if (errors.code) setErrors({});
              }}
            />
          </Field>
        </div>
      </CardBody>
      <CardFooter>
        <Button size="sm" variant="ghost" onClick={cancel} disabled={confirm.isPending}>
          Cancel
        </Button>
        <Button type="submit" size="sm" variant="primary" loading={confirm.isPending}>
          Turn on
        </Button>
      </CardFooter>
    </form>
  );
}

function recoveryCodesFile(codes: string[], account: string | undefined): string {
  return [
    "Specline recovery codes",
    ...(account ? [`Account: ${account}`] : []),
    `Site: ${window.location.origin}`,
    `Saved: ${new Date().toISOString().slice(0, 10)}`,
    "",
    "Each code signs you in once, in place of a code from your authenticator app.",
    "",
    ...codes,
    "",
  ].join("\n");
}

function download(filename: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type: "text/plain;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Recovery codes, shown this once: a grid to read, Copy and Download, and
 * "I saved them" to put them away. Focus moves to the heading when they
 * appear, so a screen reader starts there. Renders a card's body and footer.
 */
export function RecoveryCodes({
  codes,
  account,
  onDone,
  finishing,
}: {
  codes: string[];
  /** The account's address, written at the top of the downloaded file. */
  account?: string;
  onDone: () => void;
  /** While what comes after is loading. */
  finishing?: boolean;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const codesCopy = useCopy();
  const [downloaded, setDownloaded] = useState(false);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const status = copyStatus(codesCopy.state, "Codes copied.") ?? (downloaded ? "Downloaded." : null);
  return (
    <>
      <CardBody className="space-y-4 py-5">
        <div>
          <h3
            ref={headingRef}
            tabIndex={-1}
            className="text-sm font-semibold text-zinc-900 outline-none dark:text-zinc-50"
          >
            Save your recovery codes
          </h3>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            If you lose your phone, each code signs you in once in place of a code from the app. Keep them somewhere
            safe, such as your password manager: they are not shown again.
          </p>
        </div>
        <ol
          aria-label="Recovery codes"
          className="grid grid-cols-2 gap-x-6 gap-y-2 rounded-md border border-zinc-200 bg-zinc-50 px-4 py-3.5 font-mono text-sm text-zinc-900 sm:px-5 dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-100"
        >
          {codes.map((c) => (
            <li key={c} className="tracking-wide tabular-nums select-all">
              {c}
            </li>
          ))}
        </ol>
        <div className="flex flex-wrap items-center gap-2">
          <Button size="sm" onClick={() => void codesCopy.copy(codes.join("\n"))}>
            Copy
          </Button>
          <Button
            size="sm"
            onClick={() => {
              download("specline-recovery-codes.txt", recoveryCodesFile(codes, account));
              setDownloaded(true);
            }}
          >
            Download
          </Button>
          <p
            role="status"
            className={cn(
              "ml-1 text-[13px]",
              codesCopy.state === "failed"
                ? "text-amber-700 dark:text-amber-400"
                : "text-emerald-700 dark:text-emerald-400",
            )}
          >
            {status}
          </p>
        </div>
      </CardBody>
      <CardFooter>
        <Button size="sm" variant="primary" loading={finishing} onClick={onDone}>
          I saved them
        </Button>
      </CardFooter>
    </>
  );
}

/**
 * Setup followed by the recovery codes, for a page that has nothing else to
 * show meanwhile (the app shell while an instance admin must turn it on).
 */
export function TwoFactorEnrollment({
  account,
  onFinished,
  finishing,
}: {
  account?: string;
  onFinished: () => void;
  finishing?: boolean;
}) {
  const [codes, setCodes] = useState<string[] | null>(null);
  return codes ? (
    <RecoveryCodes codes={codes} account={account} onDone={onFinished} finishing={finishing} />
  ) : (
    <TwoFactorSetup onEnabled={setCodes} onAlreadyOn={onFinished} />
  );
}
