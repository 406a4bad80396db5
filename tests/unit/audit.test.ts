import { describe, expect, it } from "vitest";

import { judgeAudit, parseAllowlist } from "../../scripts/audit.mjs";

const advisory = (name: string, severity: string, ghsa: string, source = 1) => ({
  source,
  name,
  title: `${name} is vulnerable`,
  url: `https://github.com/advisories/${ghsa}`,
  severity,
});

const report = {
  vulnerabilities: {
    next: { via: [advisory("next", "high", "GHSA-aaaa-bbbb-cccc", 101)] },
    // A transitive entry names the package whose advisory it inherits.
    "some-wrapper": { via: ["next"] },
    tar: {
      via: [
        advisory("tar", "critical", "GHSA-dddd-eeee-ffff", 102),
        advisory("tar", "moderate", "GHSA-gggg-hhhh-iiii", 103),
      ],
    },
  },
};

describe("judgeAudit", () => {
  it("blocks high and critical advisories, ignores lower ones and transitive references", () => {
    const { blocking, accepted, expired } = judgeAudit(report, [], "2026-12-04");
    expect(blocking.map((b) => b.package).sort()).toEqual(["next", "tar"]);
    expect(accepted).toEqual([]);
    expect(expired).toEqual([]);
  });

  it("accepts an advisory named by its GHSA id until the entry's date", () => {
    const allow = [
      {
        id: "GHSA-aaaa-bbbb-cccc",
        package: "next",
        reason: "not reachable: we do not use rewrites",
        until: "2026-12-31",
      },
    ];
    const { blocking, accepted } = judgeAudit(report, allow, "2026-12-04");
    expect(blocking.map((b) => b.package)).toEqual(["tar"]);
    expect(accepted).toMatchObject([{ package: "next", until: "2026-12-31" }]);
  });

  it("an acceptance past its date no longer accepts and is reported as expired", () => {
    const allow = [
      {
        id: "GHSA-aaaa-bbbb-cccc",
        package: "next",
        reason: "not reachable: we do not use rewrites",
        until: "2026-12-03",
      },
    ];
    const { blocking, expired } = judgeAudit(report, allow, "2026-12-04");
    expect(blocking.map((b) => b.package).sort()).toEqual(["next", "tar"]);
    expect(expired).toHaveLength(1);
  });

  it("an acceptance for another package does not cover the advisory", () => {
    const allow = [
      {
        id: "GHSA-aaaa-bbbb-cccc",
        package: "react",
        reason: "a mistaken entry naming the wrong package",
        until: "2027-01-01",
      },
    ];
    expect(judgeAudit(report, allow, "2026-12-04").blocking.map((b) => b.package)).toContain("next");
  });
});

describe("parseAllowlist", () => {
  it("requires an id, the package, a reason and a date", () => {
    expect(() => parseAllowlist(JSON.stringify([{ id: "GHSA-x-y-z", package: "next", until: "soon" }]))).toThrow();
    expect(parseAllowlist("[]")).toEqual([]);
  });
});
