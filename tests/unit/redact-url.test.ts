/** Connection URLs and error messages on /admin/system never carry credentials. */
import { describe, expect, it } from "vitest";

import { redactSecrets, redactUrl } from "@/server/observability/redact-url";

describe("redactUrl", () => {
  it("keeps scheme, host, port and path, and drops user, password, query and fragment", () => {
    expect(redactUrl("postgresql://app:s3cret@db.internal:5432/specline?sslmode=require&password=x")).toBe(
      "postgresql://db.internal:5432/specline",
    );
    expect(redactUrl("redis://:hunter2@cache:6379/0")).toBe("redis://cache:6379/0");
    expect(redactUrl("smtps://mailer%40example.com:p%40ss@smtp.example.com:465")).toBe("smtps://smtp.example.com:465");
    expect(redactUrl("https://inngest.internal:8288/")).toBe("https://inngest.internal:8288");
    expect(redactUrl("http://user@host/#token")).toBe("http://host");
  });

  it("answers null for something that is not a URL", () => {
    expect(redactUrl("not a url")).toBeNull();
  });
});

describe("redactSecrets", () => {
  it("takes credentials out of URLs inside a message", () => {
    const message = "connect ECONNREFUSED for smtp://mailer:p4ss@127.0.0.1:1 and redis://:pw@cache:6379";
    const clean = redactSecrets(message);
    expect(clean).toBe("connect ECONNREFUSED for smtp://127.0.0.1:1 and redis://cache:6379");
    expect(clean).not.toContain("p4ss");
    expect(clean).not.toContain("pw@");
  });

  it("masks password, token and signature parameters", () => {
    const clean = redactSecrets("GET https://s3/x?X-Amz-Signature=abc123&token=t0k&a=1 password=hunter2");
    expect(clean).not.toMatch(/abc123|t0k|hunter2/);
    expect(clean).toContain("a=1");
  });

  it("cuts long messages", () => {
    expect(redactSecrets("x".repeat(1000), 100)).toHaveLength(100);
  });
});
