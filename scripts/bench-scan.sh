#!/usr/bin/env bash
# The scan benchmark of issue 5: generates 12 MP phone photos of Vietnamese
# text pages, runs our pipeline, ImageMagick and (when it installs) OpenCV on
# them in the same run, and prints time, peak memory, size, residual skew and
# the tesseract character error rate of each, with ratios to ours and the
# issue's targets. The table is also written to artifacts/bench-scan.md.
#
#   scripts/bench-scan.sh [--photos N] [--runs K]
#
# Not part of scripts/test.sh: it takes minutes and its numbers depend on the
# machine. Installs what it needs with apt (as root, or through sudo).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# imagemagick: the peer and the text renderer; tesseract: the legibility
# measure; fonts-dejavu-core: a font with every Vietnamese glyph; time: peak
# memory of each engine's process (GNU time's %M).
REQUIRED=(imagemagick tesseract-ocr tesseract-ocr-vie fonts-dejavu-core time)
missing=()
for p in "${REQUIRED[@]}"; do installed "$p" || missing+=("$p"); done
opencv_wanted=0
installed python3-opencv || opencv_wanted=1
if [ ${#missing[@]} -gt 0 ] || [ $opencv_wanted -eq 1 ]; then
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  if [ $opencv_wanted -eq 1 ]; then
    [ ${#missing[@]} -gt 0 ] || $SUDO apt-get update -q
    echo "== installing python3-opencv (optional peer)"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      python3-opencv python3-numpy ||
      echo "python3-opencv did not install: the OpenCV peer is skipped"
  fi
fi

# Debian's python3-opencv lives in the system Python, not in a pyenv or venv.
PYTHON=""
for py in /usr/bin/python3 python3; do
  if "$py" -c "import cv2" 2>/dev/null; then PYTHON="$py"; break; fi
done

echo "== building the benchmark (release)"
cargo build --release --locked -p motcua-scan --example bench_scan

mkdir -p artifacts
"$CARGO_TARGET_DIR/release/examples/bench_scan" \
  --work artifacts/bench-scan \
  --report artifacts/bench-scan.md \
  --opencv-python "${PYTHON}" \
  --opencv-script scripts/bench-scan-opencv.py \
  "$@"
