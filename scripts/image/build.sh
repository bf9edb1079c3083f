#!/usr/bin/env bash
# npm run image:build [-- --refresh-rootfs] [-- --oci-archive FILE]: the StreamForge image, tagged
# streamforge:<version> and streamforge:latest (IMAGE_NAME overrides "streamforge"), built with buildah
# from the Containerfile. Every input is cached under $STREAMFORGE_CACHE/image (default
# ~/.cache/streamforge/image), keyed on what goes into it, and buildah reuses unchanged layers: a rebuild
# after a code change redoes only the last layer.
#   rootfs-<suite>-<key>.tar   Debian from mmdebstrap (scripts/image/rootfs.sh; --refresh-rootfs remakes it)
#   node-<version>-stripped    Node 24 from node_modules/node, stripped of its symbol table
#   modules-<key>/             production node_modules, pruned (scripts/image/prune-modules.ts)
# Needs root, buildah and mmdebstrap (apt-get install buildah mmdebstrap).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${STREAMFORGE_CACHE:-$HOME/.cache/streamforge}/image"
NAME="${IMAGE_NAME:-streamforge}"
BUILDAH="$HERE/buildah.sh"
ROOTFS_ARGS=()
OCI_ARCHIVE=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --refresh-rootfs) ROOTFS_ARGS+=(--refresh) ;;
    --oci-archive) OCI_ARCHIVE="${2:?--oci-archive needs a file}"; shift ;;
    *) echo "usage: build.sh [--refresh-rootfs] [--oci-archive FILE]" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "[image] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ "$(id -u)" == 0 ]] || die "run as root (buildah's chroot isolation and mmdebstrap's root mode need it)"
command -v buildah >/dev/null || die "buildah is missing: apt-get install buildah"
NODE="$REPO/node_modules/node/bin/node"
[[ -x "$NODE" ]] || die "no $NODE: run npm ci first (the image takes Node from the npm package \`node\`)"
NODE_VERSION="$("$NODE" --version)"
[[ "$NODE_VERSION" == v24.* ]] || die "node_modules/node is $NODE_VERSION, not Node 24"
VERSION="$("$NODE" -p 'require(process.argv[1]).version' "$REPO/package.json")"
mkdir -p "$CACHE"
# One build at a time per cache (the test and a developer may start one together).
exec 9>"$CACHE/.lock"
flock 9
start=$SECONDS

ROOTFS="$(bash "$HERE/rootfs.sh" "${ROOTFS_ARGS[@]}")"

NODE_OUT="$CACHE/node-$NODE_VERSION-stripped"
if [[ ! -x "$NODE_OUT" ]]; then
  cp "$NODE" "$NODE_OUT.partial"
  # The npm package's binary carries its symbol table and debug sections: 18 MB nobody in a container
  # reads. The dynamic symbols native addons link against (napi_*, node::*) are not touched by strip.
  if command -v strip >/dev/null; then strip "$NODE_OUT.partial"; else log "no strip (binutils): Node keeps its symbols"; fi
  mv "$NODE_OUT.partial" "$NODE_OUT"
fi

MODULES_KEY="$(cat "$REPO/package-lock.json" "$HERE/prune-modules.ts" "$REPO"/patches/* 2>/dev/null | sha256sum | cut -c1-16)"
MODULES="$CACHE/modules-$MODULES_KEY"
if [[ ! -d "$MODULES/node_modules" ]]; then
  log "node_modules: npm ci --omit=dev, then pruning"
  rm -rf "$MODULES.partial" && mkdir -p "$MODULES.partial"
  cp "$REPO/package.json" "$REPO/package-lock.json" "$MODULES.partial/"
  [[ -d "$REPO/patches" ]] && cp -r "$REPO/patches" "$MODULES.partial/"
  # postinstall applies patches/ (patch-package is a production dependency).
  (cd "$MODULES.partial" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >&2)
  "$NODE" "$HERE/prune-modules.ts" "$MODULES.partial/node_modules" >&2
  mv "$MODULES.partial" "$MODULES"
  # Older keys' modules are dead weight once these are made.
  find "$CACHE" -maxdepth 1 -name 'modules-*' ! -name "modules-$MODULES_KEY" -exec rm -rf {} +
fi

# The build context: hard links into the cache (instant), and a fresh copy of the app.
CONTEXT="$CACHE/context"
rm -rf "$CONTEXT" && mkdir -p "$CONTEXT/app"
ln "$ROOTFS" "$CONTEXT/rootfs.tar"
ln "$NODE_OUT" "$CONTEXT/node"
cp -al "$MODULES/node_modules" "$CONTEXT/node_modules"
cp -a "$REPO/package.json" "$REPO/bin" "$REPO/src" "$CONTEXT/app/"

previous="$("$BUILDAH" images --quiet --noheading "$NAME:latest" 2>/dev/null || true)"
log "buildah bud -> $NAME:$VERSION"
"$BUILDAH" bud ${IMAGE_BUD_VERBOSE:+--log-level=debug} --quiet --isolation chroot --layers --build-arg "VERSION=$VERSION" \
  -f "$REPO/Containerfile" -t "$NAME:$VERSION" -t "$NAME:latest" "$CONTEXT" >&2
current="$("$BUILDAH" images --quiet --noheading "$NAME:latest")"
# The image this one replaced (untagged now) would only take disk: vfs keeps a full copy per layer.
if [[ -n "$previous" && "$previous" != "$current" ]]; then "$BUILDAH" rmi "$previous" >/dev/null 2>&1 || true; fi
rm -rf "$CONTEXT"

if [[ -n "$OCI_ARCHIVE" ]]; then
  "$BUILDAH" push --quiet "$NAME:latest" "oci-archive:$OCI_ARCHIVE:$NAME:$VERSION" >&2
  log "wrote $OCI_ARCHIVE ($(du -m "$OCI_ARCHIVE" | cut -f1) MB, compressed layers)"
fi
SIZE="$("$BUILDAH" images --noheading --format '{{.Size}}' "$NAME:latest" | sed -n 1p)"
log "built $NAME:$VERSION ($current), $SIZE, in $((SECONDS - start)) s"
echo "$NAME:$VERSION"
