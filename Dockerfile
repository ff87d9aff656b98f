# syntax=docker/dockerfile:1
# confluent-sd: one image for the CronJob (`publish`), the server (`serve`) and the other commands.
# Build: docker build -t confluent-sd:0.1.0 .
# Node 24 is the current LTS line; the runtime stage carries production dependencies only.

FROM node:24-bookworm-slim AS build
WORKDIR /src
# `make generate` needs make; the slim image has bash but not make.
RUN apt-get update \
 && apt-get install -y --no-install-recommends make \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN make generate && npm run build && chmod 755 dist/cli.js
# Production dependencies installed into a clean directory, so nothing from the dev tree leaks into the image.
RUN --mount=type=cache,target=/root/.npm mkdir /prod \
 && cp package.json package-lock.json /prod/ \
 && cd /prod \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    SD_STORE=file:/data
WORKDIR /app
COPY --from=build /prod/node_modules ./node_modules
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/dist ./dist
# A wrapper, not a symlink: dist/cli.js runs only when process.argv[1] is its own path, which a symlink is not.
# `serve` runs with SERVE_NODE_FLAGS (src/serve/cluster.ts): a smaller young generation, ~25 MB less under load.
# /data is the only place the program writes (the default file: store); mount a volume there or use s3://.
RUN printf '#!/bin/sh\ncase "$1" in serve) exec node --max-semi-space-size=4 /app/dist/cli.js "$@" ;; esac\nexec node /app/dist/cli.js "$@"\n' > /usr/local/bin/confluent-sd \
 && chmod 755 /usr/local/bin/confluent-sd \
 && mkdir -p /data \
 && chown 10001:10001 /data
# Numeric user, so Kubernetes' runAsNonRoot can verify it without a passwd entry.
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
# For `serve` (SD_LISTEN, default 0.0.0.0:8080); over HTTPS when SD_WEB_CONFIG_FILE is set (the server asking itself
# on loopback: its certificate is not verified). Run other long-lived commands with --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD node -e "require(process.env.SD_WEB_CONFIG_FILE?'node:https':'node:http').get({host:'127.0.0.1',port:(process.env.SD_LISTEN||':8080').split(':').pop(),path:'/health',rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
ENTRYPOINT ["confluent-sd"]
CMD ["serve"]
