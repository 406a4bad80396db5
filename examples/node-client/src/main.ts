/**
 * Files an issue, lists the project's issues and watches the project's live changes until its own issue
 * shows up there, as the owner of an API token.
 *
 *   SPECLINE_URL      the instance, e.g. http://localhost:3000
 *   SPECLINE_TOKEN    a write token (spl_…), from Settings → API tokens
 *   SPECLINE_PROJECT  the project key, e.g. PAY
 */
import { createSpeclineClient, type RouterInputs, type RouterOutputs, TRPCClientError } from "@specline/client";

const url = process.env.SPECLINE_URL ?? "http://localhost:3000";
const token = process.env.SPECLINE_TOKEN;
const projectKey = process.env.SPECLINE_PROJECT ?? "";
if (!token || !projectKey) {
  console.error("Set SPECLINE_TOKEN and SPECLINE_PROJECT (and SPECLINE_URL if not http://localhost:3000)");
  process.exit(2);
}

const specline = createSpeclineClient({ url, token });

type NewIssue = RouterInputs["issue"]["create"];
type Issue = RouterOutputs["issue"]["byKey"];

/** Never called: the compiler refuses a wrong input before the program runs. */
export async function wrongInput() {
  // @ts-expect-error severity is one of "LOW" | "MEDIUM" | "HIGH" | "CRITICAL", not a number
  await specline.issue.create.mutate({ projectKey, title: "Typo", severity: 3 });
}

interface SeenChange {
  type: string;
  key: string | null;
  actorName: string | null;
}

/**
 * Watches the project's live changes. `open` resolves once the stream is open (its first message is the
 * unread count); `next(match)` resolves with the first change, seen so far or later, that `match` accepts.
 */
function watchProject() {
  const seen: SeenChange[] = [];
  const waiting = new Set<{ match: (c: SeenChange) => boolean; resolve: (c: SeenChange) => void }>();
  let failed: unknown = null;
  let opened!: () => void;
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const subscription = specline.live.events.subscribe(
    { projectKey },
    {
      onData: (message) => {
        // Changes arrive wrapped with their position in the stream (`{ id, data }`); other events as they are.
        const data = "data" in message ? message.data : message;
        opened();
        if (data.kind !== "change") return;
        seen.push(data);
        for (const w of waiting) {
          if (w.match(data)) {
            waiting.delete(w);
            w.resolve(data);
          }
        }
      },
      onError: (err) => {
        failed = err;
      },
    },
  );
  function next(match: (c: SeenChange) => boolean, ms: number): Promise<SeenChange> {
    const already = seen.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(entry);
        reject(failed ?? new Error(`No matching live change within ${ms} ms`));
      }, ms);
      const entry = {
        match,
        resolve: (c: SeenChange) => {
          clearTimeout(timer);
          resolve(c);
        },
      };
      waiting.add(entry);
    });
  }
  return { open, next, close: () => subscription.unsubscribe() };
}

async function main() {
  const title = `Filed by a script at ${new Date().toISOString()}`;
  const watching = watchProject();
  await watching.open;

  const input: NewIssue = { projectKey, title, description: "Steps: run the example.", severity: "HIGH" };
  const created = await specline.issue.create.mutate(input);
  console.log(`created ${created.key} "${created.title}" (${created.status}, ${created.severity})`);

  const issue: Issue = await specline.issue.byKey.query({ key: created.key });
  console.log(`read back ${issue.key}, reported ${issue.createdAt.toISOString()}`);

  const page = await specline.issue.list.query({ projectKey, limit: 10 });
  const listed = page.items.some((item) => item.key === created.key);
  console.log(`listed ${page.items.length} issue(s); ${created.key} ${listed ? "is" : "is NOT"} among them`);
  if (!listed) throw new Error(`${created.key} is missing from the list`);

  const change = await watching.next((c) => c.type === "issue.created" && c.key === created.key, 15_000);
  console.log(`live: ${change.type} ${change.key} by ${change.actorName}`);
  watching.close();

  try {
    await specline.issue.byKey.query({ key: `${projectKey}-I-999999999` });
  } catch (err) {
    if (err instanceof TRPCClientError) console.log(`a missing issue is ${err.data?.code}`);
    else throw err;
  }
  console.log("done");
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
