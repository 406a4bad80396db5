/**
 * The typed client package as another program uses it: `npm run client:pack` builds the tarball,
 * examples/node-client (its own package.json and tsconfig, outside the app) installs it from the registry
 * like any dependency, type-checks — a wrong input is a compile error there, marked `@ts-expect-error` —
 * and then files, lists and watches issues against this production server with a token made by a signed-in
 * user.
 */
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";

import { expect, test } from "@playwright/test";

import { trpc, userContext } from "./support/users";

const root = path.resolve(import.meta.dirname, "../..");
const example = path.join(root, "examples/node-client");
const stamp = Date.now();
const letters = (n: number) => [...String(n)].map((d) => String.fromCharCode(65 + Number(d))).join("");
const projectKey = `C${letters(stamp).slice(-7)}`;

function run(command: string, args: string[], cwd: string) {
  execFileSync(command, args, { cwd, stdio: ["ignore", "inherit", "inherit"], timeout: 240_000 });
}

test.describe.configure({ timeout: 360_000 });

test("another program installs the client package, type-checks against it and files, lists and watches issues with a token", async ({
  browser,
  baseURL,
}) => {
  run("npm", ["run", "client:pack"], root);
  run("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock"], example);
  run("npm", ["run", "typecheck"], example);
  run("npm", ["run", "build"], example);

  const { context } = await userContext(
    browser,
    { name: "Casey Script", email: `casey.${stamp}@example.test` },
    "Kettle-Harbour-Quince-51",
  );
  try {
    await trpc(context.request, "project.create", { key: projectKey, name: "Scripted" });
    const { token } = await trpc<{ token: string }>(context.request, "apiToken.create", {
      name: "Example program",
      scope: "write",
    });

    const child = spawn("node", ["dist/main.js"], {
      cwd: example,
      env: { ...process.env, SPECLINE_URL: baseURL, SPECLINE_TOKEN: token, SPECLINE_PROJECT: projectKey },
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      out += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, out).toBe(0);
    expect(out).toMatch(new RegExp(`created ${projectKey}-I-1 "Filed by a script`));
    expect(out).toContain(`${projectKey}-I-1 is among them`);
    expect(out).toContain(`live: issue.created ${projectKey}-I-1 by Casey Script`);
    expect(out).toContain("a missing issue is NOT_FOUND");

    // The program acted as the token's owner (read back over REST, with the browser's session).
    const res = await context.request.get(`/api/v1/issues/${projectKey}-I-1`);
    expect(res.status()).toBe(200);
    const issue = (await res.json()) as { title: string; reporter: { name: string } | null; createdAt: string };
    expect(issue.reporter?.name).toBe("Casey Script");
    expect(issue.title).toMatch(/^Filed by a script/);
    expect(issue.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  } finally {
    await context.close();
  }
});
