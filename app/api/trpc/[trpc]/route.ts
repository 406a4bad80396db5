/**
 * The tRPC HTTP endpoint through Next (`next dev`, and a process's first requests before the production
 * server entry takes the endpoint over): server/api/trpc-endpoint.ts.
 */
import { handler } from "@/server/api/trpc-endpoint";
import { preflight } from "@/server/http/cors";

export const dynamic = "force-dynamic";

export { handler as GET, handler as POST, preflight as OPTIONS };
