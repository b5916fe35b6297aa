#!/bin/sh
# Regenerates NotoSansSC-townledger.otf from Debian's fonts-noto-cjk (1:20220127+repack1-1,
# Noto Sans CJK 2.004) with fontTools' pyftsubset (4.68.0): `pip install fonttools`.
set -eu
SRC=${1:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}
OUT=$(dirname "$0")/NotoSansSC-townledger.otf
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Every character of GBK (all double-byte code points that decode).
python3 - "$TMP/gbk.txt" <<'PY'
import sys
chars = set()
for b1 in range(0x81, 0xFF):
    for b2 in range(0x40, 0xFF):
        if b2 == 0x7F:
            continue
        try:
            chars.update(bytes([b1, b2]).decode("gbk"))
        except UnicodeDecodeError:
            pass
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(chars)))
PY

# Face 2 of the collection is Simplified Chinese (SC).
pyftsubset "$SRC" --font-number=2 \
  --text-file="$TMP/gbk.txt" \
  --unicodes="U+0020-007E,U+00A0-00FF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2150-218F,U+2190-21FF,U+2460-24FF,U+2500-257F,U+25A0-25FF,U+3000-303F,U+3400-4DBF,U+4E00-9FFF,U+FF00-FFEF,U+20BB7" \
  --layout-features='' --no-hinting \
  --drop-tables+=vhea,vmtx,VORG,BASE \
  --output-file="$OUT"
ls -l "$OUT"
