#!/usr/bin/env bash
# Builds a local stand-in for public.ecr.aws/docker/library/node:22-bookworm-slim, for machines that
# reach Debian's mirror and the npm registry but no container registry (this project's CI):
# debootstrap a minimal bookworm, add Node 22 from the npm registry's node-linux-<arch> package and
# npm from the `npm` package, and import the tree into buildah's image store.
#
#   scripts/base-image.sh [TAG]        (default localhost/leakscan-base:test; needs root)
#
# The rootfs tarball is cached in .cache/image/ and the image is reused while its annotation matches the
# inputs, so a second run takes a few seconds. Environment overrides: DEBIAN_MIRROR,
# DEBIAN_SECURITY_MIRROR, NODE_VERSION, NPM_VERSION, ARCH (amd64|arm64), STORAGE_DRIVER (default vfs).
set -euo pipefail

TAG="${1:-localhost/leakscan-base:test}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.cache/image"
NODE_VERSION="${NODE_VERSION:-22.23.3}"
NPM_VERSION="${NPM_VERSION:-10.9.8}"
SUITE=bookworm
STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}"
# vfs works everywhere (also inside a container); buildah 1.28 ignores a STORAGE_DRIVER variable.
bah() { buildah --storage-driver "$STORAGE_DRIVER" "$@"; }

[ "$(id -u)" -eq 0 ] || { echo "base-image.sh: debootstrap and buildah need root" >&2; exit 2; }
for tool in debootstrap buildah npm; do
  command -v "$tool" >/dev/null || { echo "base-image.sh: $tool not found (apt-get install buildah debootstrap)" >&2; exit 2; }
done

# ARCH=arm64 on an amd64 machine builds the other platform's base (needs qemu-user-static).
ARCH="${ARCH:-$(dpkg --print-architecture)}"
case "$ARCH" in
  amd64) node_arch=x64 ;;
  arm64) node_arch=arm64 ;;
  *) echo "base-image.sh: unsupported architecture $ARCH" >&2; exit 2 ;;
esac

# The mirror this machine's apt already uses (deb822 or one-line format); deb.debian.org otherwise.
apt_uri() {
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -oE "https?://[^ ]*/$1/?( |$)" | head -n1 | tr -d ' ' | sed 's:/$::' || true
}
DEBIAN_MIRROR="${DEBIAN_MIRROR:-$(apt_uri debian)}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-$(apt_uri debian-security)}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

# CAs added to this machine's trust store (Debian keeps them here), e.g. a registry proxy's CA: the
# stand-in trusts them too, or npm ci in the build stage could not reach the registry through it.
extra_cas=(/usr/local/share/ca-certificates/*.crt)
[ -e "${extra_cas[0]}" ] || extra_cas=()

key="$SUITE-node$NODE_VERSION-npm$NPM_VERSION-$node_arch-$(cat "$0" "${extra_cas[@]}" | sha256sum | cut -c1-12)"
if [ "$(bah inspect --type image --format '{{index .ImageAnnotations "leakscan.base.key"}}' "$TAG" 2>/dev/null)" = "$key" ]; then
  echo "base-image.sh: $TAG is up to date ($key)"
  exit 0
fi

mkdir -p "$CACHE"
tarball="$CACHE/base-$key.tar"
if [ ! -f "$tarball" ]; then
  work="$(mktemp -d "$CACHE/build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  rootfs="$work/rootfs"
  debootstrap --arch="$ARCH" --variant=minbase "$SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }

  # What the official *-slim images do: no docs, man pages or locales, now or in later apt installs.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$rootfs"/usr/share/{man,info,lintian}/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  apt-get -o RootDir="$rootfs" clean
  # Also theirs: apt deletes downloaded packages after installing, so they never reach a layer.
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $DEBIAN_MIRROR $SUITE main
deb $DEBIAN_MIRROR $SUITE-updates main
deb $DEBIAN_SECURITY_MIRROR $SUITE-security main
EOF

  # Same layout as the official node image: node in /usr/local/bin, npm under /usr/local/lib.
  (cd "$work" && npm pack --silent "node-linux-$node_arch@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  tar -xzf "$work/node-linux-$node_arch-$NODE_VERSION.tgz" -C "$work" package/bin/node
  install -m 0755 "$work/package/bin/node" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

  if [ "${#extra_cas[@]}" -gt 0 ]; then
    install -d "$rootfs/usr/local/share/ca-certificates"
    cp "${extra_cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
    cat "${extra_cas[@]}" >"$rootfs/usr/local/share/ca-certificates/extra-ca.pem"
  fi

  tar --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -C "$rootfs" -cf "$tarball.part" .
  rm -f "$CACHE"/base-*-"$node_arch"-*.tar && mv "$tarball.part" "$tarball"
  rm -rf "$work"
  trap - EXIT
fi

previous="$(bah inspect --type image --format '{{.FromImageID}}' "$TAG" 2>/dev/null || true)"
ctr="$(bah from scratch)"
trap 'bah rm "$ctr" >/dev/null 2>&1 || true' EXIT
bah add --quiet "$ctr" "$tarball" / >/dev/null
bah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --os linux --arch "$ARCH" --env NODE_VERSION="$NODE_VERSION" ${extra_cas[0]:+--env NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/extra-ca.pem} --cmd node --annotation leakscan.base.key="$key" "$ctr"
bah commit --quiet --rm "$ctr" "$TAG" >/dev/null
trap - EXIT
# The replaced image would otherwise stay in the store, untagged, for every change of the inputs.
[ -z "$previous" ] || bah rmi "$previous" >/dev/null 2>&1 || true
echo "base-image.sh: built $TAG ($key)"
