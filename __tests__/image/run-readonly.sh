#!/usr/bin/env bash
# Runs COMMAND in a buildah working container the way ECS runs the scanner task with
# readonlyRootFilesystem: the root is read-only, only the /scratch volume is writable, and the
# scanned repository is mounted read-only at /repo. Needs root.
#
#   run-readonly.sh CONTAINER SCRATCH_DIR REPO_DIR -- COMMAND [ARG...]
#
# buildah 1.28 has no --read-only, so the container's rootfs is bind-mounted read-only onto itself
# in a private mount namespace; `buildah run --isolation chroot` inherits that mount. Two quirks of
# buildah 1.28 are worked around here, on the working container only (the image is untouched):
# - with a single --volume onto the image's VOLUME path it mounts its own copy of the image
#   directory instead, so the VOLUME is dropped from the working container's config;
# - it creates and afterwards deletes /run/.containerenv; on a read-only root the delete fails and
#   buildah panics, losing the exit code. /run gets a tmpfs, which must be empty again afterwards.
set -euo pipefail
[ "$#" -ge 5 ] && [ "$4" = "--" ] || { echo "usage: $0 CONTAINER SCRATCH_DIR REPO_DIR -- COMMAND..." >&2; exit 2; }
ctr="$1" scratch="$2" repo="$3"
shift 4
bah() { buildah --storage-driver vfs "$@"; }

bah config --volume /scratch- "$ctr"
rootfs="$(bah mount "$ctr")"
# Mount points buildah needs, made while the root is still writable.
mkdir -p "$rootfs/repo" "$rootfs/scratch"
touch "$rootfs/etc/hosts" "$rootfs/etc/hostname" "$rootfs/etc/resolv.conf"

export ctr scratch repo rootfs
exec unshare --mount --propagation private bash -c '
  set -uo pipefail
  mount --bind "$rootfs" "$rootfs" && mount -o remount,bind,ro "$rootfs" &&
    mount -t tmpfs -o mode=0755,size=1m leakscan-run "$rootfs/run" || exit 125
  buildah --storage-driver vfs run --isolation chroot \
    --volume "$scratch:/scratch" --volume "$repo:/repo:ro" "$ctr" -- "$@"
  status=$?
  left="$(ls -A "$rootfs/run")"
  [ -z "$left" ] || { echo "run-readonly.sh: the command wrote to /run: $left" >&2; exit 125; }
  exit "$status"
' run-readonly "$@"
