/** `/api/docs`: the REST API reference is a page of the app (/docs/api), under the app's content policy. */
export function GET(req: Request) {
  return Response.redirect(new URL("/docs/api", req.url), 308);
}
