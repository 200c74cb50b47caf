#!/usr/bin/python3
"""Converts the bundled Noto Sans JP (CFF outlines, .otf) into TrueType
(quadratic glyf outlines, .ttf) for PDF output: the Go PDF libraries embed
TrueType only. Same font, same licence (SIL OFL 1.1, ui/fonts/OFL.txt).

    /usr/bin/python3 scripts/font-ttf.py ui/fonts/NotoSansJP-Regular.otf /tmp/NotoSansJP-Regular.ttf
    gzip -9 -n -c /tmp/NotoSansJP-Regular.ttf > procedures/checklist/NotoSansJP-Regular.ttf.gz

Needs python3-fonttools (Debian). The result is committed; run again only
when the bundled font changes.
"""
import sys

from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

MAX_ERR = 1.0  # font units: invisible at any print size
REVERSE = True  # TrueType outlines run the other way round


def convert(src, dst):
    font = TTFont(src)
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=REVERSE))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font.sfntVersion = "\x00\x01\x00\x00"
    # glyphs in code-point order, so that the BMP cmap (format 4, the one
    # the PDF library reads) stays within its 16-bit length
    best = font.getBestCmap()
    first = {}
    for cp in sorted(best):
        first.setdefault(best[cp], cp)
    ordered = [glyph_order[0]] + sorted((g for g in glyph_order[1:] if g in first), key=lambda g: first[g]) + \
        [g for g in glyph_order[1:] if g not in first]
    font.setGlyphOrder(ordered)
    glyf.glyphOrder = ordered
    post.glyphOrder = ordered
    bmp = {cp: g for cp, g in best.items() if cp <= 0xFFFF}
    cmap = font["cmap"]
    cmap.tables = [t for t in cmap.tables if t.format != 4]
    for plat, enc in ((0, 3), (3, 1)):
        t = CmapSubtable.newSubtable(4)
        t.platformID, t.platEncID, t.language, t.cmap = plat, enc, 0, dict(bmp)
        cmap.tables.append(t)
    cmap.tables.sort(key=lambda t: (t.platformID, t.platEncID, t.format))
    font.save(dst)


if __name__ == "__main__":
    convert(sys.argv[1], sys.argv[2])
