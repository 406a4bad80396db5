/**
 * The tRPC HTTP endpoint through Next (`next dev`, and a process's first requests before the production
 * server entry takes the endpoint over): server/api/trpc-endpoint.ts.
 */
import { handler } from "@/server/api/trpc-endpoint";
import { preflight } from "@/server/http/cors";

export const dynamic = "force-dynamic";

/** Next passes the route's params second; the endpoint's second argument is a signal, so it is not passed on. */
function GET(request: Request) {
  return handler(request);
}

export { GET, GET as POST, preflight as OPTIONS };
