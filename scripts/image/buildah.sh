#!/usr/bin/env bash
# buildah with the storage the project's image lives in: the vfs driver (works where overlay mounts are not
# allowed, as on these machines; STORAGE_DRIVER overrides) and, when IMAGE_STORAGE_ROOT is set, a storage
# root of its own instead of the system's. Everything that builds or runs the image goes through here:
#   scripts/image/buildah.sh images streamforge
#   scripts/image/buildah.sh run --isolation chroot --network host "$(scripts/image/buildah.sh from streamforge)" -- kcat -V
set -euo pipefail
args=(--storage-driver "${STORAGE_DRIVER:-vfs}")
[[ -n "${IMAGE_STORAGE_ROOT:-}" ]] && args+=(--root "$IMAGE_STORAGE_ROOT" --runroot "$IMAGE_STORAGE_ROOT/run")
exec buildah "${args[@]}" "$@"
