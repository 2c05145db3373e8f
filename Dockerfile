# hookshift serve in a container (docs/deploy.md). Build: docker build -t hookshift .
# Run:   docker run -p 8080:8080 -v "$PWD/myapp-migrated:/app:ro" -e MONGODB_URI=... \
#          -e HOOKSHIFT_SECRET_<name>=... hookshift serve /app --host 0.0.0.0

# Stage 1: compile the TypeScript (dev dependencies are needed only here).
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The sources tsconfig.json includes (.dockerignore keeps tests, fixtures and docs out).
COPY . .
RUN node node_modules/typescript/bin/tsc -p tsconfig.json

# Stage 2: the runtime image: production dependencies and the compiled code only.
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /opt/hookshift
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY --from=build /src/dist ./dist
# Function code runs in node:vm, which is no security boundary (docs/security.md): the server
# runs as an unprivileged user that owns nothing here.
USER node
# serve listens on $PORT (its --port default), and the health check below asks the same port.
ENV PORT=8080
EXPOSE 8080
# /healthz: the process is up (a load balancer's readiness check should use /readyz instead).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["node", "/opt/hookshift/bin/hookshift.js"]
CMD ["serve", "/app", "--host", "0.0.0.0"]
