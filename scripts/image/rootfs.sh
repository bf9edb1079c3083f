#!/usr/bin/env bash
# The image's Debian root filesystem as a tarball, made with mmdebstrap and cached: prints its path.
#
# Variant "essential" (the Essential:yes packages: bash, coreutils, dpkg, …; no apt) plus what the image
# needs at run time: libstdc++6 (Node's one shared library beyond libc), ca-certificates, and the debug
# container's tools: curl, kcat, procps. Documentation, man pages, locales and iconv modules are left out
# (copyright files stay). The user `streamforge` (uid/gid 10001) is added, with its home directory.
#
# Packages come from the Debian sources this machine's apt already uses (never a host name written
# here): every Debian "Packages" index apt knows for the suite, its -updates and -security.
#
# The tarball is cached under $STREAMFORGE_CACHE/image, keyed on everything that goes into it (suite,
# sources, package list, this script, mmdebstrap's version). The mirror moves on while the key stays the
# same: pass --refresh to rebuild it with today's packages (security updates).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${STREAMFORGE_CACHE:-$HOME/.cache/streamforge}/image"
REFRESH=false
[[ "${1:-}" == "--refresh" ]] && REFRESH=true

log() { echo "[image] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: apt-get install mmdebstrap"
# shellcheck disable=SC1091
SUITE="${IMAGE_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}"
[[ -n "$SUITE" ]] || die "no Debian suite: set IMAGE_SUITE (e.g. bookworm)"
PACKAGES="libstdc++6,ca-certificates,curl,kcat,procps"
ARCH="$(dpkg --print-architecture)"

# One-line sources for the suite, from the indexes apt knows and their origin (Debian only: a third-party
# repository on the host is not the image's business).
SOURCES="$(apt-get indextargets --format '$(IDENTIFIER) $(ORIGIN) $(REPO_URI) $(RELEASE) $(COMPONENT)' |
  awk -v s="$SUITE" '$1 == "Packages" && $2 == "Debian" && ($4 == s || $4 == s "-updates" || $4 == s "-security") \
    { print "deb " $3 " " $4 " " $5 }' | sort -u)"
[[ -n "$SOURCES" ]] ||
  die "apt knows no Debian package index for $SUITE: run apt-get update (or set IMAGE_SUITE to a suite in /etc/apt/sources.list*)"
# A proxy apt is configured with applies to mmdebstrap's apt too.
PROXY="$(apt-config dump Acquire::http::Proxy | sed -n 's/^Acquire::http::Proxy "\(.*\)";$/\1/p')"

KEY="$(printf '%s\n' "$SUITE" "$ARCH" "$SOURCES" "$PACKAGES" "$PROXY" "$(mmdebstrap --version)" |
  cat - "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
TARBALL="$CACHE/rootfs-$SUITE-$KEY.tar"
if [[ -s "$TARBALL" && "$REFRESH" == false ]]; then
  log "rootfs: cached $TARBALL"
  echo "$TARBALL"
  exit 0
fi

mkdir -p "$CACHE"
SOURCES_FILE="$(mktemp --suffix=.list)"
trap 'rm -rf "$SOURCES_FILE" "$TARBALL.partial"' EXIT
echo "$SOURCES" >"$SOURCES_FILE"
log "rootfs: mmdebstrap $SUITE ($ARCH) from:"
sed 's/^/[image]   /' "$SOURCES_FILE" >&2

EXCLUDE=(/usr/share/man /usr/share/doc /usr/share/info /usr/share/locale /usr/share/lintian
  "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)/gconv")
DPKG_OPTS=()
for dir in "${EXCLUDE[@]}"; do DPKG_OPTS+=("--dpkgopt=path-exclude=$dir/*"); done
DPKG_OPTS+=("--dpkgopt=path-include=/usr/share/doc/*/copyright")
# No fsync per unpacked file: the tarball is written once at the end, and a crash means starting over.
DPKG_OPTS+=("--dpkgopt=force-unsafe-io")
APT_OPTS=('--aptopt=APT::Install-Recommends "false"')
[[ -n "$PROXY" ]] && APT_OPTS+=("--aptopt=Acquire::http::Proxy \"$PROXY\"")

start=$SECONDS
# The merged-usr hook installs usr-is-merged up front, so apt does not pick `usrmerge` (and Perl with
# it, 60 MB) to satisfy init-system-helpers.
mmdebstrap --quiet --variant=essential --format=tar --architectures="$ARCH" \
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
  --include="$PACKAGES" "${APT_OPTS[@]}" "${DPKG_OPTS[@]}" \
  --customize-hook='echo "streamforge:x:10001:10001:StreamForge:/home/streamforge:/bin/bash" >>"$1/etc/passwd"' \
  --customize-hook='echo "streamforge:x:10001:" >>"$1/etc/group"' \
  --customize-hook='echo "streamforge:*:20000:0:99999:7:::" >>"$1/etc/shadow"' \
  --customize-hook='install -d -o 10001 -g 10001 -m 0750 "$1/home/streamforge"' \
  --customize-hook='ln -s /opt/streamforge/bin/streamforge.js "$1/usr/local/bin/streamforge"' \
  --customize-hook='rm -rf "$1"/var/log/* "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old' \
  "$SUITE" "$TARBALL.partial" "$SOURCES_FILE" >&2 ||
  die "mmdebstrap failed (see above)"
mv "$TARBALL.partial" "$TARBALL"
# Older tarballs of other keys are dead weight once a new one is made.
find "$CACHE" -maxdepth 1 -name 'rootfs-*.tar' ! -path "$TARBALL" -delete
log "rootfs: $(du -m "$TARBALL" | cut -f1) MB in $((SECONDS - start)) s: $TARBALL"
echo "$TARBALL"
