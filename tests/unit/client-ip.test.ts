import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { resetEnvCache } from "@/lib/env.mjs";
import { CLIENT_ADDRESS_HEADER, CLIENT_ADDRESS_STAMPED, clientIp, normalizeAddress } from "@/server/auth/client-ip";

const marks = globalThis as Record<symbol, unknown>;

function withProxies(n: number | undefined) {
  if (n === undefined) delete process.env.TRUSTED_PROXIES;
  else process.env.TRUSTED_PROXIES = String(n);
  resetEnvCache();
}

beforeEach(() => {
  marks[CLIENT_ADDRESS_STAMPED] = true;
  withProxies(undefined);
});

afterEach(() => {
  delete marks[CLIENT_ADDRESS_STAMPED];
  withProxies(undefined);
});

const stamped = (address: string, extra: Record<string, string> = {}) =>
  new Headers({ [CLIENT_ADDRESS_HEADER]: address, ...extra });

describe("clientIp without trusted proxies", () => {
  it("is the stamped socket address, whatever X-Forwarded-For and X-Real-IP claim", () => {
    expect(clientIp(stamped("203.0.113.7"))).toBe("203.0.113.7");
    expect(
      clientIp(stamped("203.0.113.7", { "x-forwarded-for": "198.51.100.1, 10.0.0.1", "x-real-ip": "198.51.100.2" })),
    ).toBe("203.0.113.7");
  });

  it("reads Node's plain header objects too (next-auth passes those)", () => {
    expect(clientIp({ [CLIENT_ADDRESS_HEADER]: "203.0.113.8", "x-forwarded-for": "1.1.1.1" })).toBe("203.0.113.8");
  });

  it("normalises IPv4-mapped IPv6 addresses", () => {
    expect(clientIp(stamped("::ffff:192.0.2.44"))).toBe("192.0.2.44");
    expect(clientIp(stamped("2001:DB8::1"))).toBe("2001:db8::1");
  });

  it('is "local" when nothing was stamped, or the stamp is not an address', () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "198.51.100.1" }))).toBe("local");
    expect(clientIp(stamped("not-an-address"))).toBe("local");
  });

  it("ignores the header when the server entry did not mark the process (a client could have sent it)", () => {
    delete marks[CLIENT_ADDRESS_STAMPED];
    expect(clientIp(stamped("203.0.113.7"))).toBe("local");
  });
});

describe("clientIp with TRUSTED_PROXIES", () => {
  it("takes the Nth address from the right of X-Forwarded-For", () => {
    withProxies(1);
    const h = stamped("10.0.0.2", { "x-forwarded-for": "198.51.100.1, 203.0.113.9" });
    expect(clientIp(h)).toBe("203.0.113.9");
    withProxies(2);
    expect(clientIp(h)).toBe("198.51.100.1");
  });

  it("cannot be steered by entries a client prepends", () => {
    withProxies(1);
    for (const forged of ["1.2.3.4", "1.2.3.4, 5.6.7.8", "evil, 9.9.9.9"]) {
      expect(clientIp(stamped("10.0.0.2", { "x-forwarded-for": `${forged}, 203.0.113.9` }))).toBe("203.0.113.9");
    }
  });

  it("joins repeated X-Forwarded-For headers in order", () => {
    withProxies(2);
    const h = new Headers([
      ["x-forwarded-for", "198.51.100.1"],
      ["x-forwarded-for", "203.0.113.9"],
    ]);
    expect(clientIp(h)).toBe("198.51.100.1");
    expect(clientIp({ "x-forwarded-for": ["198.51.100.1", "203.0.113.9"] })).toBe("198.51.100.1");
  });

  it("falls back to the stamped socket address when X-Forwarded-For is shorter than N or unusable", () => {
    withProxies(2);
    expect(clientIp(stamped("10.0.0.2", { "x-forwarded-for": "203.0.113.9" }))).toBe("10.0.0.2");
    expect(clientIp(stamped("10.0.0.2"))).toBe("10.0.0.2");
    withProxies(1);
    expect(clientIp(stamped("10.0.0.2", { "x-forwarded-for": "198.51.100.1, unknown" }))).toBe("10.0.0.2");
    expect(clientIp(new Headers({ "x-forwarded-for": "" }))).toBe("local");
  });

  it("normalises what the proxy wrote (ports, brackets, IPv4-mapped)", () => {
    withProxies(1);
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.9:51234" }))).toBe("203.0.113.9");
    expect(clientIp(new Headers({ "x-forwarded-for": "[2001:db8::5]:443" }))).toBe("2001:db8::5");
    expect(clientIp(new Headers({ "x-forwarded-for": "::ffff:203.0.113.9" }))).toBe("203.0.113.9");
  });

  it("is refused outside 0–10", async () => {
    const { parseEnv } = await import("@/lib/env.mjs");
    expect(() => parseEnv({ TRUSTED_PROXIES: "11" })).toThrow(/TRUSTED_PROXIES/);
    expect(() => parseEnv({ TRUSTED_PROXIES: "-1" })).toThrow(/TRUSTED_PROXIES/);
    expect(parseEnv({}).TRUSTED_PROXIES).toBe(0);
  });
});

describe("normalizeAddress", () => {
  it.each([
    ["1.2.3.4", "1.2.3.4"],
    [" ::FFFF:1.2.3.4 ", "1.2.3.4"],
    ["[::1]", "::1"],
    ["::1", "::1"],
    ["1.2.3.4:80", "1.2.3.4"],
    ["unknown", null],
    ["", null],
    [undefined, null],
    ["1.2.3.4.5", null],
  ])("%s → %s", (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected);
  });
});
