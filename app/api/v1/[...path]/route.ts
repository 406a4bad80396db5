/** The REST API: public procedures at plain HTTP paths (server/api/rest.ts), described by /api/openapi.json. */
import { handleRestRequest } from "@/server/api/rest";
import { preflight } from "@/server/http/cors";

export const dynamic = "force-dynamic";

export {
  handleRestRequest as GET,
  handleRestRequest as POST,
  handleRestRequest as PATCH,
  handleRestRequest as PUT,
  handleRestRequest as DELETE,
  preflight as OPTIONS,
};
