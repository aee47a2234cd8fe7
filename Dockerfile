# syntax=docker/dockerfile:1
# fulcrum's image: a static Go binary on distroless, running as a non-root user.
#   docker build --build-arg VERSION=$(git describe --tags --always) -t fulcrum:<version> .
# CI builds the same binary with the same flags (.ci/run), so the build this file runs is tested even where no
# Docker engine is available.

# GO_VERSION follows the go line of go.mod (deploy's tests check that it is not older).
ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION} AS build
WORKDIR /src
# Modules in their own layer: it is rebuilt only when go.mod or go.sum change, not on every source edit.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
ARG VERSION=dev
# Static (no libc), stripped, reproducible paths, the version stamped into main.version.
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/fulcrum .

# distroless/static has CA certificates (for Discord's TLS and rediss://) and tzdata, and no shell or package
# manager. Pin it by digest in production (docker buildx imagetools inspect gcr.io/distroless/static-debian12:nonroot).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/fulcrum /fulcrum
# Numeric, so that Kubernetes' runAsNonRoot can verify it (a user name cannot be checked without /etc/passwd).
USER 65532:65532
# Health, readiness and metrics (FULCRUM_HTTP_ADDR, default :8080).
EXPOSE 8080
# With no shell in the image the check is the binary itself: "fulcrum healthcheck" GETs /readyz on
# FULCRUM_HTTP_ADDR and exits non-zero unless it answers 200. Kubernetes ignores HEALTHCHECK and probes /healthz
# and /readyz over HTTP instead (deploy/kubernetes/deployment.yaml).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/fulcrum", "healthcheck"]
ENTRYPOINT ["/fulcrum"]
CMD ["run"]
