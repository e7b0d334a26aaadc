#!/usr/bin/env bash
# Opens CHGCAR-layout files written by Cascade in an independent volumetric viewer, Jmol (headless,
# JmolData.jar), and prints what the viewer read: its file-type guess, the grid it counted, and the mean
# of the data it holds (Jmol divides by the cell volume, so mean × V must be the electron count
# Cascade printed). VESTA, the viewer most users have, is a desktop program that cannot run here.
#
#   apt-get install -y jmol        # once; Java 17 comes with it
#   tools/viewer-check.sh [CASCADE_BINARY]
#
# Needs ../shared/corpus (or CASCADE_CORPUS). Writes only to a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/cascade}
corpus=${CASCADE_CORPUS:-../shared/corpus}
jar=/usr/share/jmol/JmolData.jar
[ -x "$bin" ] || { echo "no cascade binary at $bin (swift build first)" >&2; exit 1; }
[ -f "$jar" ] || { echo "Jmol is missing: apt-get install -y jmol" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
si=$corpus/volumetric/atomate_Si_static
spin=$corpus/volumetric/pymatgen/CHGCAR.spin.gz

"$bin" chgsum "$si/AECCAR0.gz" "$si/AECCAR2.gz" --out "$work/CHGCAR_sum" | tail -2
"$bin" chgdiff "$spin" "$spin" "$spin" --out "$work/CHGCAR_diff" | tail -3

for f in CHGCAR_sum CHGCAR_diff; do
  cat > "$work/$f.spt" <<EOF
load "$work/$f";
isosurface s1 cutoff 0.01 "$work/$f";
write image 600 600 PNG "$work/$f.png";
EOF
  echo "== Jmol on $f"
  (cd "$work" && java -Djava.awt.headless=true -jar "$jar" -n -o -s "$f.spt" -x 2>&1) |
    grep -E "Resolver thinks|atoms identified|data file type|data points|points read|data min/max/mean|isosurface count" || true
  [ -s "$work/$f.png" ] && echo "image: $(stat -c %s "$work/$f.png") bytes" || echo "no image written"
done
