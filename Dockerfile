# One image for every process of the patient graph; docker-compose.yml picks the command per service.
FROM node:20-bookworm-slim
ENV NODE_ENV=production APOLLO_TELEMETRY_DISABLED=true BIND_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
USER node
# tsx runs the TypeScript sources directly: the same code paths as `npm start` and the tests.
ENTRYPOINT ["node", "--require", "tsx/cjs"]
CMD ["gateway/main.ts"]
