/**
 * One app process's view of a request budget, for the test that runs two of
 * them against one Redis: counts `calls` calls of `userId` against the `api`
 * bucket and prints how many were allowed.
 *
 *   node --import tsx tests/helpers/rate-limit-worker.ts <userId> <calls>
 */
import { checkRateLimit } from "@/server/rate-limit";
import { getRedis } from "@/server/redis";

const [userId, calls] = process.argv.slice(2);
// Connected before counting: the test is about one budget shared through Redis, not about the first calls
// of a process that is still connecting (those are limited in its own memory meanwhile, by design).
await getRedis()?.ping();
let allowed = 0;
for (let i = 0; i < Number(calls); i++) {
  const decision = await checkRateLimit(["api"], { userId: userId ?? null, ip: null });
  if (decision?.allowed) allowed++;
}
console.log(JSON.stringify({ allowed }));
getRedis()?.disconnect();
