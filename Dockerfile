# syntax=docker/dockerfile:1
# ssm-render as a container image: one bundled file on a distroless Node.js 22 base, run as the
# non-root uid 65532, writing nothing but the volume it renders into (/secrets); run it with a
# read-only root file system.
#
#   docker build --build-arg SOURCE_URL="$(git remote get-url origin)" -t ssm-render:0.1.0 .
#   docker run --rm --read-only --cap-drop ALL -v secrets:/secrets \
#     -e AWS_REGION -e ENV=STAGING -e PARAMETER_STORE_PREFIX=/ELASMETRICS \
#     ssm-render:0.1.0 render --format dotenv --output /secrets/app.env
#
# The structure of this file is checked by test/unit/deploy/dockerfile.test.ts.

# Build: the same `npm ci` and `npm run build` as CI, on the same Debian release as the runtime.
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/ scripts/
COPY src/ src/
# The bundle must start here before it is shipped. /staging/secrets becomes the volume's mount point,
# /staging/compile-cache the directory the runtime stage fills with V8's code cache.
RUN npm run build \
 && node dist/ssm-render.js version \
 && mkdir -p /staging/secrets /staging/compile-cache \
 && chmod 0750 /staging/secrets /staging/compile-cache

# Runtime: no shell, no package manager; Node.js 22 at /nodejs/bin/node.
FROM gcr.io/distroless/nodejs22-debian12:nonroot
ARG VERSION=0.1.0
ARG SOURCE_URL=""
LABEL org.opencontainers.image.title="ssm-render" \
      org.opencontainers.image.description="Render AWS Systems Manager Parameter Store parameters into .env, YAML and other files on a shared volume, once (init container) or kept fresh (sidecar)." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="Apache-2.0"

# Read-only, owned by root: the executable, the bundle it runs, the licenses of what it bundles, the
# shipped templates, the license.
COPY --from=build /src/dist/ssm-render.js /src/dist/cli.js /src/dist/THIRD-PARTY-LICENSES.txt /opt/ssm-render/
COPY templates/ /opt/ssm-render/templates/
COPY LICENSE /opt/ssm-render/LICENSE
# The one place ssm-render writes. Docker named volumes and ECS task volumes copy this directory's owner
# and mode (65532:65532, 0750) on first use; in Kubernetes an emptyDir with fsGroup replaces it.
COPY --from=build --chown=65532:65532 /staging/secrets /secrets
VOLUME ["/secrets"]

# ./ssm-render.yaml is read when present: mount the config here (a ConfigMap, a compose bind mount).
WORKDIR /etc/ssm-render
USER 65532:65532
# V8's compiled code for the bundle, made once here so that a start does not compile the whole bundle
# again (bench/RESULTS.md, "Why the image's flags", has what a cold render gains): Node 22's compile
# cache keeps the executable's, and the executable keeps the bundle's in the same directory, made at
# the end of the run (src/boot/code-cache.ts). Both are used only with the node, flags and uid that
# wrote them, so the RUN below is the ENTRYPOINT itself, as 65532; under another uid (runAsUser) Node
# compiles as before. The caches are 65532's because they are written as 65532 here; at run time they
# are only read (a cache is rewritten only when it could not be used), and a read-only root keeps
# them as built.
ENV NODE_COMPILE_CACHE=/opt/ssm-render/compile-cache
COPY --from=build --chown=65532:65532 /staging/compile-cache /opt/ssm-render/compile-cache
RUN ["/nodejs/bin/node", "--disable-sigusr1", "--max-semi-space-size=1", "--heap-growing-percent=20", "--v8-pool-size=1", "/opt/ssm-render/ssm-render.js", "version"]
# A sidecar lives for weeks beside the app, so its memory matters more than a little CPU. Small
# young-generation semi-spaces (V8 grows them as the process allocates) keep `watch` smaller; a low
# growing percent for the old generation between full collections stops a saw-tooth that took its
# memory up; one V8 worker thread instead of one a core saves those threads' malloc arenas. They cost
# some CPU in a loop refreshing back to back and nothing measurable at the default interval or in a
# small render; a render of thousands of parameters pays more, nearly all of it for the growing
# percent. The old generation's limit still follows the container's memory limit (Node reads the
# cgroup). bench/RESULTS.md, "Why the image's flags", has the figures and where they came from.
# glibc gives every thread that allocates an arena of its own; two keep `watch` smaller at its peak
# and at rest, for no CPU we could measure.
ENV MALLOC_ARENA_MAX=2
# With two arenas, a burst of small allocations near the hundredth refresh (V8 compiling hot code is
# the likely source) lands in the main heap, which gives memory back only from its top, so part of
# it could stay for good. Blocks of this size and up are mapped each on their own and go back when
# freed, so RSS stays flat over long soaks; a large render pays a little CPU for it.
ENV MALLOC_MMAP_THRESHOLD_=32768
# SIGUSR1 must not open Node's inspector (a debugger on 127.0.0.1:9229 that runs any code, so every
# secret) for whoever may signal this process; the bundle also keeps it closed on its own.
ENTRYPOINT ["/nodejs/bin/node", "--disable-sigusr1", "--max-semi-space-size=1", "--heap-growing-percent=20", "--v8-pool-size=1", "/opt/ssm-render/ssm-render.js"]
CMD ["render"]
