import { describe, expect, it } from "vitest";

import { AppError } from "@/server/errors";
import {
  assertSafeWebhookUrl,
  assertSlackWebhookUrl,
  classifyAddress,
  guardedLookup,
  UnsafeTargetError,
} from "@/server/services/webhooks/url-safety";

const strict = { allowPrivate: false };
const dev = { allowPrivate: true };

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("BAD_REQUEST");
    return err as AppError;
  }
  throw new Error("expected a BAD_REQUEST");
}

describe("classifyAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "shared"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["198.18.0.1", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd00:ec2::254", "unique-local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:a9fe:a9fe", "link-local"],
    ["::ffff:10.0.0.1", "private"],
    ["64:ff9b::7f00:1", "reserved"],
    ["2002:7f00:1::", "reserved"],
    ["[::1]", "loopback"],
  ])("%s is %s", (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])(
    "%s is public",
    (ip) => {
      expect(classifyAddress(ip)).toBe("public");
    },
  );

  it("does not take host names for addresses", () => {
    expect(classifyAddress("example.com")).toBeNull();
    expect(classifyAddress("2130706433")).toBeNull();
  });
});

describe("assertSafeWebhookUrl", () => {
  it("accepts public http(s) URLs", () => {
    expect(assertSafeWebhookUrl("https://hooks.example.com/specline?x=1", strict).hostname).toBe("hooks.example.com");
    expect(assertSafeWebhookUrl("http://8.8.8.8:8080/hook", strict).port).toBe("8080");
  });

  it.each([
    "ftp://example.com/x",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "gopher://example.com",
    "not a url",
    "",
  ])("refuses %j", (url) => {
    refusal(() => assertSafeWebhookUrl(url, strict));
  });

  it.each([
    "http://127.0.0.1/",
    "http://localhost:3000/",
    "http://LOCALHOST./",
    "http://api.localhost/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://017700000001/",
    "http://127.1/",
    "http://0/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.8/",
    "http://192.168.0.1/",
    "http://100.64.1.1/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
  ])("refuses the non-public target %s", (url) => {
    expect(refusal(() => assertSafeWebhookUrl(url, strict)).message).toMatch(/may not point at/);
  });

  it("allows private targets only with the development override", () => {
    expect(assertSafeWebhookUrl("http://127.0.0.1:3421/hook", dev).hostname).toBe("127.0.0.1");
    expect(assertSafeWebhookUrl("http://localhost/", dev).hostname).toBe("localhost");
    // Scheme, length and credentials rules hold even then.
    refusal(() => assertSafeWebhookUrl("ftp://127.0.0.1/", dev));
  });

  it("refuses over-long URLs and credentials", () => {
    const long = `https://example.com/${"a".repeat(2048)}`;
    expect(refusal(() => assertSafeWebhookUrl(long, strict)).message).toMatch(/2048/);
    expect(refusal(() => assertSafeWebhookUrl("https://user:pw@example.com/", strict)).message).toMatch(
      /user name or password/,
    );
  });
});

describe("assertSlackWebhookUrl", () => {
  it("accepts Slack incoming-webhook URLs only", () => {
    expect(assertSlackWebhookUrl("https://hooks.slack.com/services/T000/B000/XXXXXXXX", strict).host).toBe(
      "hooks.slack.com",
    );
    for (const url of [
      "http://hooks.slack.com/services/T000/B000/XXXX",
      "https://hooks.slack.com.evil.test/services/T000/B000/XXXX",
      "https://hooks.slack.com/services/T000/B000",
      "https://hooks.slack.com/workflows/T000/B000/XXXX",
      "https://example.com/services/T000/B000/XXXX",
      "https://hooks.slack.com/services/T000/B000/XXXX?x=1",
      "hooks.slack.com/services/T000/B000/XXXX",
    ]) {
      refusal(() => assertSlackWebhookUrl(url, strict));
    }
  });

  it("takes any safe http(s) URL under the development override", () => {
    expect(assertSlackWebhookUrl("http://127.0.0.1:3422/slack", dev).port).toBe("3422");
    refusal(() => assertSlackWebhookUrl("ftp://127.0.0.1/slack", dev));
  });
});

describe("guardedLookup", () => {
  const lookup = (host: string, allowPrivate: boolean, all = false) =>
    new Promise<{ err: Error | null; address: unknown }>((resolve) => {
      guardedLookup({ allowPrivate })(host, { all }, (err, address) => resolve({ err, address }));
    });

  it("refuses names that resolve to non-public addresses", async () => {
    const { err } = await lookup("localhost", false);
    expect(err).toBeInstanceOf(UnsafeTargetError);
    expect(err?.message).toMatch(/loopback/);
  });

  it("passes the checked address on when allowed", async () => {
    const one = await lookup("localhost", true);
    expect(one.err).toBeNull();
    expect(classifyAddress(String(one.address))).toBe("loopback");
    const all = await lookup("localhost", true, true);
    expect(Array.isArray(all.address)).toBe(true);
  });
});
