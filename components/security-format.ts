/** Security log entries in words: event names, sign-in methods and failure reasons, and the detail worth a line. */
import { type ProjectRole, projectRoleLabel } from "@/components/role-badge";
import { SECURITY_EVENT_KINDS, type SecurityEventKind } from "@/lib/schemas/security";

export const SECURITY_EVENT_LABELS: Record<SecurityEventKind, string> = {
  sign_in: "Signed in",
  sign_in_failed: "Sign-in failed",
  sign_out: "Signed out",
  password_changed: "Password changed",
  password_reset_requested: "Password reset requested",
  password_reset: "Password reset",
  email_verified: "Email address verified",
  sessions_ended: "Signed out everywhere",
  session_ended: "Session signed out",
  user_deactivated: "Account deactivated",
  user_reactivated: "Account reactivated",
  mfa_enabled: "Two-factor sign-in turned on",
  mfa_disabled: "Two-factor sign-in turned off",
  recovery_code_used: "Recovery code used",
  invitation_sent: "Invitation sent",
  invitation_accepted: "Invitation accepted",
  invitation_declined: "Invitation declined",
  invitation_revoked: "Invitation revoked",
};

/** The filter's choices, in the order the log names them. */
export const SECURITY_EVENT_OPTIONS = SECURITY_EVENT_KINDS.map((kind) => ({
  value: kind,
  label: SECURITY_EVENT_LABELS[kind],
}));

export function securityEventLabel(kind: string): string {
  return SECURITY_EVENT_LABELS[kind as SecurityEventKind] ?? kind.replace(/_/g, " ");
}

/** Events that are an attempt that did not get in: shown in red. */
export function isFailure(kind: string): boolean {
  return kind === "sign_in_failed";
}

/** Invitation events name an invited address, which may belong to no account yet. */
export function isInvitation(kind: string): boolean {
  return kind.startsWith("invitation_");
}

const METHODS: Record<string, string> = { password: "Password", github: "GitHub", google: "Google" };

const REASONS: Record<string, string> = {
  wrong_password: "wrong password",
  wrong_code: "wrong code",
  deactivated: "account deactivated",
  unknown_account: "no such account",
  address_throttled: "too many attempts",
};

type Detail = Record<string, unknown>;

export function detailOf(value: unknown): Detail {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Detail) : {};
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
const count = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** How someone signed in or tried to ("Password", "GitHub"), if the entry says. */
export function signInMethod(detail: unknown): string | undefined {
  const method = text(detailOf(detail).method);
  return method ? (METHODS[method] ?? method) : undefined;
}

/** Why a sign-in failed, in lower case ("wrong password"), if the entry says. */
export function failureReason(detail: unknown): string | undefined {
  const reason = text(detailOf(detail).reason);
  return reason ? (REASONS[reason] ?? reason.replace(/_/g, " ")) : undefined;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The one line of detail an entry carries, or undefined: "wrong code · Password", "3 left", "to PAY as Reporter". */
export function describeSecurityDetail(kind: string, value: unknown): string | undefined {
  const detail = detailOf(value);
  switch (kind) {
    case "sign_in": {
      const method = signInMethod(detail);
      return method ? `With ${method === "Password" ? "password" : method}` : undefined;
    }
    case "sign_in_failed": {
      const reason = failureReason(detail);
      return reason ? reason.charAt(0).toUpperCase() + reason.slice(1) : undefined;
    }
    case "recovery_code_used": {
      const left = count(detail.left);
      return left === undefined ? undefined : `${plural(left, "code", "codes")} left`;
    }
    case "password_changed":
    case "password_reset": {
      const ended = count(detail.endedSessions);
      return ended ? `${plural(ended, "other session", "other sessions")} signed out` : undefined;
    }
    case "sessions_ended": {
      const ended = count(detail.ended);
      return ended === undefined ? undefined : `${plural(ended, "session", "sessions")} signed out`;
    }
    default: {
      const project = text(detail.projectKey);
      if (!project) return undefined;
      const role = text(detail.role);
      return `${kind === "invitation_sent" ? "To" : "For"} ${project}${role ? ` as ${projectRoleLabel(role as ProjectRole)}` : ""}`;
    }
  }
}
