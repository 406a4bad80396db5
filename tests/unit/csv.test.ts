import { describe, expect, it } from "vitest";

import { toCsv } from "@/server/services/csv";

describe("toCsv", () => {
  it("keeps every cell a spreadsheet would run as a formula as text, header cells included", () => {
    const csv = toCsv([
      ["Key", "=Title", "+Owner", "-Cost", "@Risk"],
      ["PAY-1", '=HYPERLINK("http://x")', "\tlead", "\rtrail", "a=b"],
    ]);
    expect(csv.split("\n")[0]).toBe("Key,'=Title,'+Owner,'-Cost,'@Risk");
    expect(csv).toContain(`PAY-1,"'=HYPERLINK(""http://x"")",'\tlead,"'\rtrail",a=b\n`);
  });

  it("leaves ordinary cells alone", () => {
    expect(toCsv([["PAY-12", "Take payments", "IMPLEMENTS; VERIFIES (suspect)", ""]])).toBe(
      "PAY-12,Take payments,IMPLEMENTS; VERIFIES (suspect),\n",
    );
  });
});
