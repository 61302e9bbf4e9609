#!/usr/bin/env bash
# Renders the app icon's PNG sizes for the hicolor theme from its SVG, once, by hand: the PNGs
# are committed under packaging/icons/NxN/ so the build needs no SVG renderer. Run it again
# after changing resources/icons/<id>.svg. Needs rsvg-convert (Debian package librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."

id=io.github.ddpm_studio.DdpmStudio
svg=resources/icons/$id.svg
sizes=(16 24 32 48 64 128 256)

if ! command -v rsvg-convert >/dev/null 2>&1; then
  echo "render-icons: rsvg-convert is missing; install it with: apt-get install librsvg2-bin" >&2
  exit 2
fi

for n in "${sizes[@]}"; do
  mkdir -p "packaging/icons/${n}x${n}"
  rsvg-convert --width "$n" --height "$n" --output "packaging/icons/${n}x${n}/$id.png" "$svg"
done
echo "render-icons: wrote ${#sizes[@]} PNGs under packaging/icons/"
