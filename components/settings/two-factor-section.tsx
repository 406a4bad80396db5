"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";

import { OneTimeCodeInput, withoutSpaces } from "@/components/auth/one-time-code-input";
import { PasswordInput } from "@/components/auth/password-input";
import { KeyIcon, PhoneIcon } from "@/components/icons";
import { LocalTime } from "@/components/local-time";
import { errorMessage, type FieldErrors, serverFieldErrors, validate } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { focusFirstInvalid } from "@/components/ui/focus-first-invalid";
import { twoFactorDisableInput, twoFactorRegenerateInput } from "@/lib/schemas/user";
import { useTRPC } from "@/lib/trpc/react";
import type { RouterOutputs } from "@/lib/trpc/types";

import { RecoveryCodes, TwoFactorSetup } from "./two-factor-setup";

export type TwoFactorStatus = RouterOutputs["user"]["twoFactor"]["status"];

/** Fewer recovery codes than this left, and the section suggests making new ones. */
const FEW_CODES_LEFT = 3;

/**
 * Two-factor sign-in in the security settings: set it up, or, once on, see
 * since when and how many recovery codes are left, make new ones, or turn it
 * off. New recovery codes are held here, above the setup, so they stay on
 * screen until "I saved them" whatever the status query says meanwhile.
 */
export function TwoFactorSection({ initialStatus, email }: { initialStatus: TwoFactorStatus; email: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const status = useQuery(trpc.user.twoFactor.status.queryOptions(undefined, { initialData: initialStatus }));
  const current = status.data ?? initialStatus;
  const [freshCodes, setFreshCodes] = useState<{ codes: string[]; turnedOn: boolean } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"regenerate" | "disable" | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);

  async function refresh() {
    await queryClient.invalidateQueries({ queryKey: trpc.user.twoFactor.status.queryKey() });
  }

  function announce(message: string) {
    setNotice(message);
    requestAnimationFrame(() => noticeRef.current?.focus());
  }

  function showCodes(codes: string[], turnedOn: boolean) {
    setNotice(null);
    setFreshCodes({ codes, turnedOn });
    void refresh();
  }

  return (
    <section aria-labelledby="two-factor-heading">
      <Card>
        <CardHeader
          id="two-factor-heading"
          title="Two-factor sign-in"
          description="After your password, Specline asks for a code from an app on your phone, so a stolen password alone does not get anyone in."
          actions={current.enabled ? <Badge tone="green">On</Badge> : <Badge>Off</Badge>}
        />
        {current.required && !current.enabled && !freshCodes ? (
          <div className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
            <Alert tone="warning">
              This Specline requires two-factor sign-in for instance admins. Turn it on to continue.
            </Alert>
          </div>
        ) : null}
        {notice ? (
          <p
            ref={noticeRef}
            tabIndex={-1}
            role="status"
            className="border-b border-zinc-200 bg-emerald-50/60 px-5 py-2 text-[13px] text-emerald-800 outline-none dark:border-zinc-800 dark:bg-emerald-500/10 dark:text-emerald-300"
          >
            {notice}
          </p>
        ) : null}
        {freshCodes ? (
          <RecoveryCodes
            codes={freshCodes.codes}
            account={email}
            onDone={() => {
              announce(freshCodes.turnedOn ? "Two-factor sign-in is on." : "Your new recovery codes are ready to use.");
              setFreshCodes(null);
            }}
          />
        ) : current.enabled ? (
          <TwoFactorOn
            status={current}
            onRegenerate={() => {
              setNotice(null);
              setDialog("regenerate");
            }}
            onDisable={() => {
              setNotice(null);
              setDialog("disable");
            }}
          />
        ) : (
          <TwoFactorSetup onEnabled={(codes) => showCodes(codes, true)} />
        )}
      </Card>
      <RegenerateDialog
        open={dialog === "regenerate"}
        onClose={() => setDialog(null)}
        onDone={(codes) => {
          setDialog(null);
          showCodes(codes, false);
        }}
      />
      <DisableDialog
        open={dialog === "disable"}
        email={email}
        required={current.required}
        onClose={() => setDialog(null)}
        onDone={async () => {
          setDialog(null);
          await refresh();
          announce("Two-factor sign-in is off. Your password alone signs you in.");
          // An instance admin the instance requires it of can now reach only its setup: the app shell shows it.
          if (current.required) router.refresh();
        }}
      />
    </section>
  );
}

function Row({
  icon,
  name,
  detail,
  action,
}: {
  icon: React.ReactNode;
  name: string;
  detail: React.ReactNode;
  action: React.ReactNode;
}) {
  return (
    <li className="flex flex-wrap items-center gap-3 px-5 py-3.5">
      <span className="flex size-8 shrink-0 items-center justify-center rounded-md border border-zinc-200 bg-white text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300">
        {icon}
      </span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100">{name}</p>
        <p className="mt-0.5 text-[13px] text-zinc-500 dark:text-zinc-400">{detail}</p>
      </div>
      <div className="ml-auto shrink-0">{action}</div>
    </li>
  );
}

function TwoFactorOn({
  status,
  onRegenerate,
  onDisable,
}: {
  status: TwoFactorStatus;
  onRegenerate: () => void;
  onDisable: () => void;
}) {
  const left = status.recoveryCodesLeft;
  const few = left <= FEW_CODES_LEFT;
  return (
    <>
      <ul aria-labelledby="two-factor-heading" className="divide-y divide-zinc-200 dark:divide-zinc-800">
        <Row
          icon={<PhoneIcon />}
          name="Authenticator app"
          detail={
            status.enabledAt ? (
              <>
                On since <LocalTime date={status.enabledAt} />
              </>
            ) : (
              "On"
            )
          }
          action={
            <Button size="sm" className="text-red-700 dark:text-red-400" onClick={onDisable}>
              Turn off
            </Button>
          }
        />
        <Row
          icon={<KeyIcon />}
          name="Recovery codes"
          detail={
            <span className={cn(few && "font-medium text-amber-700 dark:text-amber-400")}>
              {left === 0 ? "None left" : `${left} ${left === 1 ? "code" : "codes"} left`}
            </span>
          }
          action={
            <Button size="sm" onClick={onRegenerate}>
              New recovery codes
            </Button>
          }
        />
      </ul>
      {few ? (
        <div className="border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">
          <Alert tone="warning">
            {left === 0
              ? "You have no recovery codes left."
              : `Only ${left} recovery ${left === 1 ? "code" : "codes"} left.`}{" "}
            Make new ones, so that losing your phone does not lock you out.
          </Alert>
        </div>
      ) : null}
    </>
  );
}

/** New recovery codes in place of the old ones, for a current code from the app. */
function RegenerateDialog({
  open,
  onClose,
  onDone,
}: {
  open: boolean;
  onClose: () => void;
  onDone: (codes: string[]) => void;
}) {
  const trpc = useTRPC();
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const regenerate = useMutation(trpc.user.twoFactor.regenerateRecoveryCodes.mutationOptions());

  function close() {
    if (regenerate.isPending) return;
    setCode("");
    setErrors({});
    regenerate.reset();
    onClose();
  }

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    regenerate.reset();
    const checked = validate(twoFactorRegenerateInput, { code: withoutSpaces(code) });
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    regenerate.mutate(checked.data, {
      onSuccess: ({ recoveryCodes }) => {
        setCode("");
        regenerate.reset();
        onDone(recoveryCodes);
      },
      onError: (err) => {
        const fields = serverFieldErrors(err);
        if (fields.code) {
          setErrors({ code: fields.code });
          focusFirstInvalid(formRef.current);
        }
      },
    });
  }

  const formError = regenerate.error && !errors.code ? errorMessage(regenerate.error) : null;
  return (
    <Dialog
      open={open}
      onClose={close}
      title="New recovery codes"
      description="Ten new codes replace the ones you have now, which stop working. Enter a code from your authenticator app to continue."
      initialFocusRef={inputRef}
      footer={
        <>
          <Button onClick={close} disabled={regenerate.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="regenerate-codes-form" variant="primary" loading={regenerate.isPending}>
            Make new codes
          </Button>
        </>
      }
    >
      <form id="regenerate-codes-form" ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
        {formError ? <Alert>{formError}</Alert> : null}
        <Field id="regenerate-code" label="Code from the app" error={errors.code}>
          <OneTimeCodeInput
            ref={inputRef}
            name="code"
            maxLength={7}
            placeholder="123456"
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
              if (errors.code) setErrors({});
            }}
          />
        </Field>
      </form>
    </Dialog>
  );
}

/** Turning it off takes the password and a code (or a recovery code), so an open browser alone cannot. */
function DisableDialog({
  open,
  email,
  required,
  onClose,
  onDone,
}: {
  open: boolean;
  email: string;
  required: boolean;
  onClose: () => void;
  onDone: () => Promise<void>;
}) {
  const trpc = useTRPC();
  const formRef = useRef<HTMLFormElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const [values, setValues] = useState({ password: "", code: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const disable = useMutation(trpc.user.twoFactor.disable.mutationOptions());

  function close() {
    if (disable.isPending) return;
    setValues({ password: "", code: "" });
    setErrors({});
    disable.reset();
    onClose();
  }

  function update(field: "password" | "code", value: string) {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors[field]) setErrors(({ [field]: _fixed, ...rest }) => rest);
  }

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    disable.reset();
    const checked = validate(twoFactorDisableInput, { password: values.password, code: values.code });
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(e.currentTarget);
      return;
    }
    setErrors({});
    disable.mutate(checked.data, {
      onSuccess: async () => {
        setValues({ password: "", code: "" });
        await onDone();
      },
      onError: (err) => {
        const fields = serverFieldErrors(err);
        if (fields.password || fields.code) {
          setErrors(fields);
          focusFirstInvalid(formRef.current);
        }
      },
    });
  }

  const fieldErrorShown = Boolean(errors.password || errors.code);
  const formError = disable.error && !fieldErrorShown ? errorMessage(disable.error) : null;
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Turn off two-factor sign-in?"
      description="Your password alone will sign you in again, and your recovery codes stop working."
      initialFocusRef={passwordRef}
      footer={
        <>
          <Button onClick={close} disabled={disable.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="disable-two-factor-form" variant="danger" loading={disable.isPending}>
            Turn off
          </Button>
        </>
      }
    >
      <form id="disable-two-factor-form" ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
        {/* Tells password managers whose password this is. */}
        <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
        {required ? (
          <Alert tone="warning">
            This Specline requires two-factor sign-in for instance admins: you will have to set it up again before you
            can use Specline.
          </Alert>
        ) : null}
        {formError ? <Alert>{formError}</Alert> : null}
        <Field id="disable-password" label="Password" error={errors.password}>
          <PasswordInput
            ref={passwordRef}
            name="password"
            autoComplete="current-password"
            value={values.password}
            onChange={(e) => update("password", e.target.value)}
          />
        </Field>
        <Field
          id="disable-code"
          label="Two-factor code"
          hint="A code from your authenticator app, or one of your recovery codes."
          error={errors.code}
        >
          <OneTimeCodeInput
            recovery
            name="code"
            placeholder="123456"
            value={values.code}
            onChange={(e) => update("code", e.target.value)}
          />
        </Field>
      </form>
    </Dialog>
  );
}
