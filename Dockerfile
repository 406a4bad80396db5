# syntax=docker/dockerfile:1
#
# Specline container image. Four stages:
#
#   deps      `npm ci` with the full dependency tree. The postinstall hook
#             (scripts/prisma-generate.mjs) generates the Prisma client, so the
#             scripts, the schema and prisma.config.ts are copied in first.
#   build     `next build` (output: "standalone"). No database is touched:
#             migrations never run while building.
#   migrator  A minimal node_modules for `prisma migrate deploy` and the
#             embedded database only: prisma, @prisma/adapter-pg, pg and
#             PGlite at the versions pinned in package-lock.json, plus the
#             schema, the migrations and the scripts that run them.
#   runtime   node:20-bookworm-slim with tini, the standalone server, its
#             static assets, public/ and the migrator. Runs as the
#             unprivileged `node` user under tini (PID 1: passes signals on,
#             reaps children); the entrypoint applies pending migrations and
#             then starts `node serve.mjs` (scripts/serve.mjs: stamps each
#             request's client address, drains on SIGTERM, runs the
#             standalone server.js).
#
# Build:  docker build -t specline .
# Run:    docker run -p 3000:3000 -v specline:/data specline
#         — one container: the embedded database, attachments, mail and the
#         generated auth secret in the /data volume. With DATABASE_URL (and
#         AUTH_SECRET) the same image runs against PostgreSQL: see
#         deploy/docker-compose.yml and docs/deploy.md. The image holds no
#         secrets.
#
# scripts/check-standalone.mjs assembles the runtime layout below outside
# Docker and checks that it migrates, starts and reports ready.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------- deps
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund

# ---------------------------------------------------------------- build
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN node node_modules/next/dist/bin/next build \
 && test -f .next/standalone/server.js

# ---------------------------------------------------------------- migrator
FROM ${NODE_IMAGE} AS migrator
WORKDIR /migrator
COPY package-lock.json /tmp/package-lock.json
COPY deploy/migrator-packages.mjs /tmp/migrator-packages.mjs
# --ignore-scripts: with the JavaScript schema engine (prisma.config.ts) no
# engine binaries are needed, so the engines' download hook is skipped.
RUN npm install --omit=dev --no-save --ignore-scripts --no-audit --no-fund --no-package-lock \
      $(node /tmp/migrator-packages.mjs /tmp/package-lock.json) \
 && npm cache clean --force \
 && rm -rf /tmp/package-lock.json /tmp/migrator-packages.mjs
COPY prisma.config.ts ./
COPY lib/database-url.mjs ./lib/database-url.mjs
COPY prisma/schema.prisma ./prisma/schema.prisma
COPY prisma/migrations ./prisma/migrations
COPY scripts/migrate.mjs scripts/run.mjs scripts/embedded-postgres.mjs scripts/embedded-launch.mjs ./scripts/

# ---------------------------------------------------------------- runtime
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    DATA_DIR=/data \
    NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1

# tini as PID 1: passes SIGTERM on to the server (which drains) and reaps children.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

# Application files belong to root and are read-only for the `node` user;
# only Next's cache folder and DATA_DIR (/data: the embedded database and the
# generated auth secret without DATABASE_URL, attachments without S3, mail
# files without SMTP) are writable. /data is a volume: a new named volume
# takes the folder's owner, so `-v specline:/data` just works (with several
# replicas on PostgreSQL, one volume they share, or S3).
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
COPY --from=build /app/public ./public
# The readiness check compares applied migrations with /app/prisma/migrations.
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=migrator /migrator ./migrator
COPY deploy/docker-entrypoint.sh deploy/healthcheck.mjs ./
# The server entry: stamps each request's socket address, then runs server.js.
COPY scripts/serve.mjs ./serve.mjs
RUN chmod 0755 docker-entrypoint.sh \
 && mkdir -p .next/cache /data \
 && chown node:node .next/cache /data \
 && chmod 0700 /data

USER node
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/app/healthcheck.mjs"]

ENTRYPOINT ["/usr/bin/tini", "--", "/app/docker-entrypoint.sh"]
CMD ["node", "serve.mjs"]
