# syntax=docker/dockerfile:1
# Dompet: one image for the API (default command) and the queue worker
# (`node dist/worker.js`, APP_ROLE=worker), and for `migrate` (see docker-compose.yml).
#
#   docker build -t dompet .
#   docker run -e MONGODB_URI=... -e REDIS_URL=... -e JWT_SECRET=... -e ADMIN_PIN=... -p 3000:3000 dompet

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, compile src/ to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx nest build

# ---- deps: production dependencies only (the argon2 binary comes as an optional npm package) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    APP_ROLE=api \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# Owned by root and read-only for the service user: the process never writes to its own files.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json migrate-mongo-config.js ./
COPY migrations ./migrations
# The official image's unprivileged user (uid 1000).
# hadolint ignore=DL3066
USER node
EXPOSE 3000
# Liveness of the HTTP API (the slim image has no curl; Node 20 has fetch). The worker serves no
# HTTP: docker-compose.yml turns this check off for it and for the one-shot migrate service.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
