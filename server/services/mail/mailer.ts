/**
 * Outgoing email. With SMTP_URL set, messages go out through nodemailer's
 * SMTP transport; otherwise (the embedded default) each message is written
 * as an .eml file to DATA_DIR/mail/, where instance admins can read it in
 * the app. The file name carries the delivery id, so writing the same
 * delivery twice replaces the file instead of adding a second message.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";

import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";

import { getEnv } from "@/lib/env.mjs";
import { AppError, PermanentFailure } from "@/server/errors";

export interface OutgoingMail {
  /** Identifies the message (ChannelDelivery id); also names the .eml file. */
  id: string;
  /** When the message was first queued; with the id it makes the file name, the same on every retry. */
  createdAt: Date;
  to: string;
  subject: string;
  text: string;
}

export function mailDir(): string {
  return path.resolve(getEnv().DATA_DIR, "mail");
}

let smtp: { url: string; transport: nodemailer.Transporter<SMTPTransport.SentMessageInfo> } | undefined;

function smtpTransport(url: string) {
  if (smtp?.url !== url) smtp = { url, transport: nodemailer.createTransport(url) };
  return smtp.transport;
}

const fileTransport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });

function fileName(mail: OutgoingMail, now: Date) {
  return `${now.toISOString().replace(/[:.]/g, "-")}-${mail.id}.eml`;
}

/** A client span for one SMTP send: the server and the delivery id, never a recipient, credential or content. */
function smtpSpan(smtpUrl: string, deliveryId: string) {
  const url = new URL(smtpUrl);
  return trace.getTracer("specline").startSpan("smtp.send", {
    kind: SpanKind.CLIENT,
    attributes: {
      "network.protocol.name": "smtp",
      "server.address": url.hostname,
      "server.port": Number(url.port) || (url.protocol === "smtps:" ? 465 : 587),
      "specline.mail.id": deliveryId,
    },
  });
}

export async function sendMail(mail: OutgoingMail): Promise<{ via: "smtp" | "file"; ref: string }> {
  const env = getEnv();
  const message = {
    from: env.MAIL_FROM,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    messageId: `<${mail.id}@specline>`,
  };
  if (env.SMTP_URL) {
    const span = smtpSpan(env.SMTP_URL, mail.id);
    try {
      const info = await smtpTransport(env.SMTP_URL).sendMail(message);
      return { via: "smtp", ref: info.messageId };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      // Not the error's message: an SMTP refusal quotes the recipient's address.
      span.setAttribute("error.type", code ? String(code) : ((err as { code?: string }).code ?? "error"));
      span.setStatus({ code: SpanStatusCode.ERROR });
      // A permanent (5xx) refusal: sending the same message again will not help.
      if (code && code >= 500 && code < 600) throw new PermanentFailure(`SMTP refused the message (${code})`);
      throw err;
    } finally {
      span.end();
    }
  }
  const info = await fileTransport.sendMail(message);
  const dir = mailDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // The same name on every retry of this delivery, so a replay overwrites instead of adding a copy.
  const name = fileName(mail, mail.createdAt);
  // Write then rename, so a reader never sees half a message.
  const tmp = path.join(dir, `.${name}.tmp`);
  await writeFile(tmp, info.message as Buffer, { mode: 0o600 });
  await rename(tmp, path.join(dir, name));
  return { via: "file", ref: name };
}

export interface MailSummary {
  name: string;
  to: string;
  subject: string;
  date: string;
  size: number;
}

const NAME = /^[0-9TZ-]+-[0-9a-f-]{36}\.eml$/;

function parseHeaders(raw: string): Record<string, string> {
  const end = raw.indexOf("\n\n");
  const head = (end === -1 ? raw : raw.slice(0, end)).replace(/\r\n/g, "\n").replace(/\n[ \t]+/g, " ");
  const headers: Record<string, string> = {};
  for (const line of head.split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  return headers;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=` / `=?UTF-8?B?…?=`), as nodemailer writes non-ASCII subjects. */
function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*/g, (_m, _charset: string, enc: string, text: string) =>
    enc.toUpperCase() === "B"
      ? Buffer.from(text, "base64").toString("utf8")
      : decodeQuotedPrintable(text.replace(/_/g, " ")),
  );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const src = text.replace(/=\r?\n/g, "");
  for (let i = 0; i < src.length; i++) {
    const ch = src.charAt(i);
    const hex = src.slice(i + 1, i + 3);
    if (ch === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function decodeBody(raw: string, headers: Record<string, string>): string {
  const end = raw.indexOf("\n\n");
  const body = end === -1 ? "" : raw.slice(end + 2);
  const encoding = (headers["content-transfer-encoding"] ?? "").toLowerCase();
  if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return body;
}

/** Newest first. */
export async function listMail(opts: { limit: number }): Promise<{ items: MailSummary[]; total: number }> {
  const dir = mailDir();
  const names = (await readdir(dir).catch(() => [] as string[]))
    .filter((n) => NAME.test(n))
    .sort()
    .reverse();
  const items = await Promise.all(
    names.slice(0, opts.limit).map(async (name) => {
      const file = path.join(dir, name);
      const [raw, info] = await Promise.all([readFile(file, "utf8"), stat(file)]);
      const headers = parseHeaders(raw);
      return {
        name,
        to: headers.to ?? "",
        subject: headers.subject ?? "",
        date: headers.date ?? info.mtime.toUTCString(),
        size: info.size,
      };
    }),
  );
  return { items, total: names.length };
}

export async function readMail(name: string) {
  if (!NAME.test(name)) throw new AppError("BAD_REQUEST", "Not a mail file name");
  const raw = await readFile(path.join(mailDir(), name), "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") throw new AppError("NOT_FOUND", "Message not found");
    throw err;
  });
  const headers = parseHeaders(raw);
  return {
    name,
    from: headers.from ?? "",
    to: headers.to ?? "",
    subject: headers.subject ?? "",
    date: headers.date ?? "",
    text: decodeBody(raw, headers),
    raw,
  };
}
