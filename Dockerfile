# One image for every process of the patient graph; docker-compose.yml picks the command per service.

# Build: every dependency (TypeScript is a dev dependency), then `npm run build` compiles to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Run: production dependencies only, the compiled JavaScript, and the files the processes read at run time
# (found from the folder holding package.json, lib/repositoryRoot.ts): configuration, the SDL and access
# rules, the playground's assets, the demo patients. Nothing runs TypeScript here.
FROM node:20-bookworm-slim
ENV NODE_ENV=production APOLLO_TELEMETRY_DISABLED=true BIND_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
COPY schema ./schema
COPY gateway/playground ./gateway/playground
COPY simulators/population/demo-patients.json ./simulators/population/
# var/: the access log file and development keys, when no database or secret store is configured.
RUN mkdir var && chown node:node var
USER node
# The same V8 flags as scripts/system.ts (NODE_FLAGS; test/dockerCompose.test.ts holds them equal).
ENTRYPOINT ["node", "--max-semi-space-size=8", "--heap-growing-percent=30", "--initial-old-space-size=16"]
CMD ["dist/gateway/main.js"]
