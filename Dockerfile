# The scanner image: `leakscan task` (the Fargate entrypoint) and the `leakscan scan` CLI.
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t leakscan .
#
# Both images come from ECR Public, which AWS networks reach without Docker Hub's pull limits.
# Override them to pin a digest (`…node:22-bookworm-slim@sha256:…`) or, in tests, to use the
# local stand-in built by scripts/base-image.sh. No `# syntax=` line on purpose: it would make
# BuildKit pull its frontend from Docker Hub; the built-in one (Docker 23+) knows RUN --mount.
ARG BUILD_IMAGE=public.ecr.aws/docker/library/node:22-bookworm-slim
ARG BASE_IMAGE=public.ecr.aws/docker/library/node:22-bookworm-slim

# The bundle is plain JavaScript, so it is built once on the build machine's own platform and
# copied into every target platform's runtime image: only the runtime stage's apt-get runs per platform.
FROM --platform=$BUILDPLATFORM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
COPY scripts/bundle.ts scripts/image-deps.js scripts/
COPY contracts/ contracts/
COPY scanner/ scanner/
# Only what the bundle is made from, at the locked versions: esbuild, tsx to run scripts/bundle.ts
# and the packages scanner/ and contracts/ import; tens of packages, not the whole dev tree. Installed
# beside a whole package.json, so the bundle is byte-identical to `npm run build`'s. Scripts are not
# needed to bundle (esbuild finds its platform binary without its postinstall).
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    node scripts/image-deps.js /deps esbuild tsx scanner/ contracts/ \
 && npm ci --prefix /deps --no-audit --no-fund --ignore-scripts --loglevel=error \
 && mv /deps/node_modules ./
RUN node_modules/.bin/tsx --eval "require('./scripts/bundle.ts').bundleScanner('/out')"

FROM ${BASE_IMAGE} AS runtime
ARG SCANNER_UID=10001
# git for cloning; ca-certificates for HTTPS clones. Versions come with the pinned base image's
# Debian release (see .hadolint.yaml). The runtime needs neither npm, npx, corepack nor yarn.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git \
 && rm -rf /var/lib/apt/lists/* \
    /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
    /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
 && groupadd --gid "$SCANNER_UID" leakscan \
 && useradd --uid "$SCANNER_UID" --gid "$SCANNER_UID" --home-dir /scratch --no-create-home --shell /usr/sbin/nologin leakscan \
 && install -d -o "$SCANNER_UID" -g "$SCANNER_UID" -m 0700 /scratch

# The root filesystem can be read-only: everything the scanner and git write (HOME with its
# .gitconfig, temp files, clones) goes to /scratch. ECS initialises an empty task volume mounted
# there from this directory, so it stays owned by the non-root user.
ENV HOME=/scratch TMPDIR=/scratch NODE_ENV=production
VOLUME ["/scratch"]
WORKDIR /scratch

# Root-owned and not writable by the scanner user.
COPY --from=build /out/ /app/
USER ${SCANNER_UID}:${SCANNER_UID}
# A batch task: ECS watches the exit code (0 done, 2 failed), not a health endpoint.
HEALTHCHECK NONE
ENTRYPOINT ["node", "/app/leakscan.js"]
CMD ["task"]
