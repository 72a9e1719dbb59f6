# syntax=docker/dockerfile:1
# The GitHub App server. Build: docker build -t django-review .
# Run: docker run --init -p 3000:3000 --stop-timeout 30 -e APP_ID=... -e PRIVATE_KEY=... -e WEBHOOK_SECRET=... -e ANTHROPIC_API_KEY=... django-review
#
# Node.js 22 LTS, pinned by digest so a rebuild gets the same base (Dependabot's docker updates move
# the pin: .github/dependabot.yml). Override with --build-arg NODE_IMAGE=node:22-bookworm-slim@sha256:...
ARG NODE_IMAGE=node:22-bookworm-slim@sha256:6c74791e557ce11fc957704f6d4fe134a7bc8d6f5ca4403205b2966bd488f6b3

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# Production dependencies only: no TypeScript, tsx or esbuild in the image that runs.
FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
# tini runs as PID 1: it hands SIGTERM to node (which then lets running reviews finish, see
# DJANGO_REVIEW_SHUTDOWN_GRACE_MS) and reaps orphans.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Owned by root and read-only to the user the app runs as: a compromised process cannot rewrite it.
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
COPY package.json app.yml ./
COPY agents ./agents
USER node
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "lib/main.js"]
