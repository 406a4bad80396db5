/**
 * Where webhooks and Slack messages may be sent (server-side request
 * forgery protection). A project admin chooses the URL, so without these
 * checks the server could be made to POST to its own loopback services, the
 * private network or a cloud metadata endpoint.
 *
 * - When a URL is saved: http(s) only, at most 2,048 characters, no
 *   credentials, and an address literal or `localhost` name must be public.
 *   The WHATWG URL parser has already normalised tricks such as
 *   `http://2130706433/` or `http://0x7f.1/` to `127.0.0.1`.
 * - When a request is sent: the host name is resolved once, every address is
 *   checked, and the connection goes to the checked address (the `lookup`
 *   hook below), so a DNS answer that changes between check and connect
 *   (rebinding) cannot reach a private address.
 *
 * `ALLOW_PRIVATE_WEBHOOK_URLS=true` lifts the address rules for development
 * (a receiver on this machine); it is off unless set explicitly.
 */
import dns from "node:dns";
import net from "node:net";

import { getEnv } from "@/lib/env.mjs";
import { MAX_WEBHOOK_URL_LENGTH } from "@/lib/schemas/webhooks";
import { AppError } from "@/server/errors";

export type AddressClass =
  | "public"
  | "unspecified"
  | "loopback"
  | "private"
  | "link-local"
  | "unique-local"
  | "shared"
  | "reserved"
  | "multicast";

/** Non-public ranges, most specific meaning first. Mapped IPv6 (::ffff:a.b.c.d) matches the IPv4 rules. */
const RANGES: { kind: Exclude<AddressClass, "public">; subnet: string; prefix: number; type: "ipv4" | "ipv6" }[] = [
  { kind: "unspecified", subnet: "0.0.0.0", prefix: 8, type: "ipv4" },
  { kind: "loopback", subnet: "127.0.0.0", prefix: 8, type: "ipv4" },
  { kind: "private", subnet: "10.0.0.0", prefix: 8, type: "ipv4" },
  { kind: "private", subnet: "172.16.0.0", prefix: 12, type: "ipv4" },
  { kind: "private", subnet: "192.168.0.0", prefix: 16, type: "ipv4" },
  // Includes the cloud metadata endpoint 169.254.169.254.
  { kind: "link-local", subnet: "169.254.0.0", prefix: 16, type: "ipv4" },
  // Carrier-grade NAT.
  { kind: "shared", subnet: "100.64.0.0", prefix: 10, type: "ipv4" },
  { kind: "reserved", subnet: "192.0.0.0", prefix: 24, type: "ipv4" },
  { kind: "reserved", subnet: "192.0.2.0", prefix: 24, type: "ipv4" },
  { kind: "reserved", subnet: "198.18.0.0", prefix: 15, type: "ipv4" },
  { kind: "reserved", subnet: "198.51.100.0", prefix: 24, type: "ipv4" },
  { kind: "reserved", subnet: "203.0.113.0", prefix: 24, type: "ipv4" },
  { kind: "multicast", subnet: "224.0.0.0", prefix: 4, type: "ipv4" },
  { kind: "reserved", subnet: "240.0.0.0", prefix: 4, type: "ipv4" },
  { kind: "unspecified", subnet: "::", prefix: 128, type: "ipv6" },
  { kind: "loopback", subnet: "::1", prefix: 128, type: "ipv6" },
  // Deprecated IPv4-compatible addresses (::a.b.c.d).
  { kind: "reserved", subnet: "::", prefix: 96, type: "ipv6" },
  // Translation and tunnelling prefixes embed an IPv4 address that may be private.
  { kind: "reserved", subnet: "64:ff9b::", prefix: 96, type: "ipv6" },
  { kind: "reserved", subnet: "64:ff9b:1::", prefix: 48, type: "ipv6" },
  { kind: "reserved", subnet: "2001::", prefix: 32, type: "ipv6" },
  { kind: "reserved", subnet: "2002::", prefix: 16, type: "ipv6" },
  { kind: "reserved", subnet: "100::", prefix: 64, type: "ipv6" },
  { kind: "reserved", subnet: "2001:db8::", prefix: 32, type: "ipv6" },
  // Includes fd00:ec2::254, the IPv6 metadata endpoint.
  { kind: "unique-local", subnet: "fc00::", prefix: 7, type: "ipv6" },
  { kind: "link-local", subnet: "fe80::", prefix: 10, type: "ipv6" },
  { kind: "reserved", subnet: "fec0::", prefix: 10, type: "ipv6" },
  { kind: "multicast", subnet: "ff00::", prefix: 8, type: "ipv6" },
];

const BLOCK_LISTS = RANGES.map((r) => {
  const list = new net.BlockList();
  list.addSubnet(r.subnet, r.prefix, r.type);
  return { kind: r.kind, list };
});

/** What kind of address `ip` is, or null when it is not an IP address. */
export function classifyAddress(ip: string): AddressClass | null {
  const bare = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  const family = net.isIP(bare);
  if (family === 0) return null;
  const type = family === 4 ? "ipv4" : "ipv6";
  for (const { kind, list } of BLOCK_LISTS) {
    if (list.check(bare, type)) return kind;
  }
  return "public";
}

export function isPublicAddress(ip: string): boolean {
  return classifyAddress(ip) === "public";
}

/** The development override; read on every call so tests can switch it. */
export function privateTargetsAllowed(): boolean {
  return getEnv().ALLOW_PRIVATE_WEBHOOK_URLS;
}

interface PolicyOptions {
  /** Defaults to ALLOW_PRIVATE_WEBHOOK_URLS. */
  allowPrivate?: boolean;
}

const bad = (message: string) => new AppError("BAD_REQUEST", message);

function normalisedHost(url: URL): string {
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/**
 * Checks a webhook URL before it is saved and again before each send.
 * Throws BAD_REQUEST with a message that says what is wrong.
 */
export function assertSafeWebhookUrl(raw: string, opts: PolicyOptions = {}): URL {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) throw bad(`URLs must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  if (!URL.canParse(raw)) throw bad("This is not a valid URL");
  const url = new URL(raw);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw bad("Webhook URLs must be http:// or https:// URLs");
  if (url.username || url.password) throw bad("Webhook URLs must not contain a user name or password");
  if (!url.hostname) throw bad("Webhook URLs need a host");
  const allowPrivate = opts.allowPrivate ?? privateTargetsAllowed();
  if (!allowPrivate) {
    const host = normalisedHost(url);
    const kind = classifyAddress(host);
    if (kind !== null && kind !== "public") {
      throw bad(`Webhook URLs may not point at ${describe(kind)} addresses`);
    }
    if (host === "localhost" || host.endsWith(".localhost")) {
      throw bad("Webhook URLs may not point at loopback addresses");
    }
  }
  return url;
}

const SLACK_URL =
  /^https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_-]{1,64}\/[A-Za-z0-9_-]{1,64}\/[A-Za-z0-9_-]{1,128}$/;

/**
 * A Slack incoming-webhook URL (https://hooks.slack.com/services/…). With the
 * development override on, any URL the webhook policy accepts (so a local
 * receiver can stand in for Slack).
 */
export function assertSlackWebhookUrl(raw: string, opts: PolicyOptions = {}): URL {
  const allowPrivate = opts.allowPrivate ?? privateTargetsAllowed();
  if (allowPrivate) return assertSafeWebhookUrl(raw, { allowPrivate });
  if (raw.length > MAX_WEBHOOK_URL_LENGTH || !SLACK_URL.test(raw)) {
    throw bad("Slack URLs look like https://hooks.slack.com/services/T000/B000/XXXX");
  }
  return new URL(raw);
}

function describe(kind: AddressClass): string {
  switch (kind) {
    case "loopback":
      return "loopback";
    case "link-local":
      return "link-local";
    case "unspecified":
      return "unspecified";
    case "multicast":
      return "multicast";
    default:
      return "private or reserved";
  }
}

/** Refused at send time: the name resolved to an address we do not send to. */
export class UnsafeTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafeTargetError";
  }
}

type LookupAddress = { address: string; family: number };
type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request: resolves the host once, refuses the whole
 * answer if any address is not public, and hands the checked addresses to
 * the socket, so the connection goes exactly where the check looked.
 */
export function guardedLookup(opts: PolicyOptions = {}) {
  const allowPrivate = opts.allowPrivate ?? privateTargetsAllowed();
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (addresses.length === 0) return callback(new UnsafeTargetError(`${hostname} did not resolve`), []);
      if (!allowPrivate) {
        const refused = addresses.find((a) => !isPublicAddress(a.address));
        if (refused) {
          const kind = classifyAddress(refused.address) ?? "reserved";
          return callback(new UnsafeTargetError(`Refused: ${hostname} resolves to a ${describe(kind)} address`), []);
        }
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(new UnsafeTargetError(`${hostname} did not resolve`), []);
      return callback(null, first.address, first.family);
    });
  };
}
