#!/usr/bin/env bash
# Installs everything DDPM Studio needs to build, test and run on Debian 12, from Debian's
# archive only. Idempotent: packages already installed are left alone and apt is not even
# called when nothing is missing. Runs as root, or through sudo otherwise.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkgconf
  # core: LibTorch 1.13, OpenCV, JSON, zlib, and the OpenMP build of OpenBLAS
  # (without it LibTorch falls back to the slow reference BLAS; the pthread build
  # fights LibTorch's OpenMP threads)
  libtorch-dev libopencv-dev nlohmann-json3-dev zlib1g-dev libopenblas0-openmp
  # animated GIFs of the reverse chain (videos go through OpenCV's FFmpeg writer)
  libgif-dev
  # CLI
  libcli11-dev
  # GUI and tests: Qt 6 Widgets/Test, QCustomPlot for Qt 6, platform plugins
  # (xcb for the desktop, offscreen for the GUI tests) and a font to draw text with
  qt6-base-dev libqcustomplot-dev libgl-dev qt6-qpa-plugins fonts-dejavu-core
  # Fashion-MNIST, read by the data module and its tests
  dataset-fashion-mnist
  # the packaging tests: desktop-file-validate, appstreamcli validate, and what CPack's
  # DEB generator needs to fill Depends (dpkg-shlibdeps, file)
  desktop-file-utils appstream dpkg-dev file
  # the durability test: strace shows a checkpoint's folder fsynced after the rename
  strace
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#packages[@]} packages are installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "setup-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 2
fi

echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}"

echo "setup-deps: done"
