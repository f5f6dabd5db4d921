# Saga Studio: a multi-stage build. The runtime image holds only Next.js's standalone output (the traced
# server and the node_modules it needs), the static assets and the migrations; it runs as a non-root
# user and keeps the SQLite file on a volume. tests/docker-rehearsal.test.ts lays out and runs the
# runtime stage from these COPY lines without a Docker engine: keep its COPY/ENV/CMD lines simple.

# Dependencies, with the toolchain better-sqlite3 needs to compile its native addon when no prebuilt
# binary can be fetched (node-gyp takes Node's headers from the image, /usr/local, not from the network).
# The npm that wrote the lockfile, which honours package.json's allowScripts (only better-sqlite3 runs an
# install script). `npm ci`: exactly the committed lockfile (it lists every platform's optional binaries).
# The project's postinstall generates the Prisma client (lib/generated).
FROM node:20-bookworm-slim AS deps
ARG NPM_VERSION=11.19.1
ENV npm_config_nodedir=/usr/local
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
RUN npm install -g "npm@${NPM_VERSION}" --no-audit --no-fund
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund

# The production build: <.next>/standalone holds server.js and the traced files (next.config.mjs's
# outputFileTracingIncludes adds what the app reads by path: migrations, the docs' assets).
# scripts/build.mjs runs next build and lays the standalone server out as `npm start` runs it.
FROM deps AS build
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN node scripts/prisma-generate.mjs && node scripts/build.mjs

# The runtime: node server.js from /app (server.js makes its own folder the cwd, so ./prisma/migrations
# is /app/prisma/migrations). Migrations are applied and the demo data seeded by the app at start-up.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=8000 \
    HOSTNAME=0.0.0.0 \
    DATABASE_URL=file:/data/saga-studio.db \
    NEXT_MANUAL_SIG_HANDLE=true \
    NODE_OPTIONS=--max-old-space-size=160
WORKDIR /app
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
COPY --from=build --chown=node:node /app/prisma/migrations ./prisma/migrations
COPY --from=build --chown=node:node /app/prisma/postgresql/migrations ./prisma/postgresql/migrations
# The volume's mount point, owned by the user the app runs as: a new named volume takes this owner.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM (docker stop) is handled by the app (NEXT_MANUAL_SIG_HANDLE): running sagas stop at a
# persisted point, the process exits 0, and the next start resumes them.
CMD ["node", "server.js"]
