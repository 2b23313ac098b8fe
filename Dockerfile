# Framewatch server image. Node 20 LTS (better-sqlite3 12.x is built for it; see README).
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY client ./client
COPY server ./server
COPY pipelines ./pipelines
COPY scripts ./scripts
# The dashboard is built here; the runtime image serves client/dist.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/client/dist ./client/dist
COPY package.json tsconfig.json ./
COPY server ./server
COPY pipelines ./pipelines
COPY client/public ./client/public
# Imports run their worker thread from a bundle written under node_modules/.cache/framewatch.
RUN mkdir -p /data node_modules/.cache/framewatch && chown node:node /data node_modules/.cache/framewatch
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --retries=5 CMD node -e "fetch('http://127.0.0.1:8080/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node_modules/.bin/tsx", "server/main.ts"]
