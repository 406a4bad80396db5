/**
 * One Specline API instance as its own process, for tests that need several
 * sharing one database and one Redis: the real tRPC endpoint
 * (instance-server.ts) and the outbox dispatcher, as the server's
 * instrumentation runs it.
 *
 *   node --import tsx tests/helpers/app-instance.ts
 *
 * with DATABASE_URL, AUTH_SECRET and optionally REDIS_URL set. Listens on a
 * free loopback port and prints `listening <port>`; SIGTERM stops it.
 */
import type { AddressInfo } from "node:net";

import { startDispatcher, stopDispatcher } from "@/server/jobs/dispatcher";
import { stopLive } from "@/server/live/bus";

import { createInstanceServer } from "./instance-server";

const server = createInstanceServer();

server.listen(0, "127.0.0.1", () => {
  startDispatcher({ pollMs: 50 });
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});

process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close();
  void Promise.all([stopDispatcher(), stopLive()]).finally(() => process.exit(0));
});
