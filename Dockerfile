# One image recipe for every workspace: `--build-arg WORKSPACE=services/gateway`
# (or operator). Used by the Tiltfile and CI release jobs on machines with Docker.
# syntax=docker/dockerfile:1.7
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# faiss-node's addon is built against Debian's libfaiss (docs/adr/0005).
RUN apt-get update && apt-get install -y --no-install-recommends \
      libfaiss-dev libopenblas-dev cmake g++ make patch ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash hack/npm-install.sh && npx tsc -b && npm prune --omit=dev

FROM ${NODE_IMAGE}
ARG WORKSPACE
RUN apt-get update && apt-get install -y --no-install-recommends libopenblas0 libgomp1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/package.json ./
COPY --from=build /src/services ./services
COPY --from=build /src/operator ./operator
# transcription's Whisper runtime (CTranslate2) is Python: the same hash-pinned venv
# that hack/asr-env.sh builds for tests (docs/adr/0011), only in that workspace's image.
COPY --from=build /src/hack/asr ./hack/asr
COPY --from=build /src/hack/asr-env.sh ./hack/asr-env.sh
RUN if [ "${WORKSPACE}" = services/transcription ]; then \
      apt-get update && apt-get install -y --no-install-recommends python3 python3-venv \
      && rm -rf /var/lib/apt/lists/* \
      && mkdir -p /opt/nemo && ln -s "$(NEMO_CACHE_DIR=/opt/nemo bash hack/asr-env.sh)" /opt/nemo/asr-python; \
    fi
ENV NEMO_ASR_PYTHON=/opt/nemo/asr-python
ENV NODE_ENV=production WORKSPACE=${WORKSPACE}
# The restricted pod profile runs as a non-root uid with a read-only root.
USER 10001
CMD ["sh", "-c", "exec node ${WORKSPACE}/dist/$( [ \"${WORKSPACE}\" = operator ] && echo main || echo server ).js"]
