#!/usr/bin/python3
"""Makes the bundled Noto Sans JP faces (ui/fonts/NotoSansJP-{Regular,Bold}.otf)
from Debian's fonts-noto-cjk (Noto Sans CJK JP, SIL OFL 1.1): a subset with
the characters Japanese names and addresses use — JIS X 0208 and what the
previous subset had, the Windows-31J (CP932) extensions (髙, 﨑, 德…), the
common name variants outside them (𠮷…); with --jis2004 all of JIS X 0213
too (4.6 → 8.7 MB a face) — kana, full-width forms, Latin with Vietnamese,
Hangul (the 2,350 syllables of KS X 1001, and compatibility jamo), the
simplified hanzi of GB 2312, every character the app's own texts use in
any language (i18n/locales, the catalogue and its translations), and the
symbols the app shows. Everything the previous subset had is kept.
ui's TestEveryTextHasItsGlyphs fails when a text needs a character the
subset lacks: run this again then.

    apt-get install fonts-noto-cjk python3-fonttools
    /usr/bin/python3 scripts/font-subset.py

Then scripts/font-ttf.py makes the PDF's TrueType face from the regular one.
"""
import os
import struct
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SRC = "/usr/share/fonts/opentype/noto/NotoSansCJK-{}.ttc"
OUT = "ui/fonts/NotoSansJP-{}.otf"

# characters people's names often use outside JIS X 0208/0213 (外字 in
# many municipal systems, but written on cards and certificates)
NAME_VARIANTS = "𠮷髙﨑德栁濵邉邊齋齊曻塚晴﨔琢隆靖德"


def jis_characters(jis2004):
    chars = set()
    # two-byte codes of CP932 (JIS X 0208 + NEC and IBM extensions)
    for hi in range(0x81, 0xF0):
        for lo in range(0x40, 0xFD):
            try:
                chars.update(bytes([hi, lo]).decode("cp932"))
            except UnicodeDecodeError:
                pass
    if not jis2004:
        return chars
    # JIS X 0213 planes 1 and 2 through EUC-JIS-2004 (+5,600 characters,
    # 8.7 MB a face instead of 4.6 MB: only with --jis2004)
    for b1 in range(0xA1, 0xFF):
        for b2 in range(0xA1, 0xFF):
            for raw in (bytes([b1, b2]), bytes([0x8F, b1, b2])):
                try:
                    chars.update(raw.decode("euc_jis_2004"))
                except UnicodeDecodeError:
                    pass
    return chars


def legacy_characters(codec, first, last):
    """The two-byte characters of a legacy national set (KS X 1001 through
    EUC-KR, GB 2312 through its EUC form): the characters in everyday use."""
    chars = set()
    for hi in range(first, last + 1):
        for lo in range(0xA1, 0xFF):
            try:
                chars.update(bytes([hi, lo]).decode(codec))
            except UnicodeDecodeError:
                pass
    return chars


def text_characters():
    """Every character of the app's texts, in every language."""
    import glob
    chars = set()
    for pattern in ("i18n/locales/*.json", "procedures/catalog/*.yaml", "procedures/catalog/lang/*.yaml"):
        for path in sorted(glob.glob(pattern)):
            with open(path, encoding="utf-8") as f:
                chars.update(f.read())
    return chars


def ranges(*spans):
    out = set()
    for a, b in spans:
        out.update(chr(c) for c in range(a, b + 1))
    return out


def wanted(previous, jis2004):
    chars = jis_characters(jis2004) | set(NAME_VARIANTS) | text_characters() | \
        legacy_characters("euc_kr", 0xA1, 0xFE) | legacy_characters("gb2312", 0xA1, 0xF7) | ranges(
        (0x20, 0x7E), (0xA0, 0x24F),  # Latin, Latin-1, Extended-A/B
        (0x300, 0x36F),  # combining marks (Vietnamese)
        (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
        (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x21FF),
        (0x2200, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x25FF),
        (0x2600, 0x26FF), (0x2700, 0x27BF),
        (0x3000, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF), (0x3200, 0x33FF),
        (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
    return chars | previous


def make(weight, jis2004):
    src = TTCollection(SRC.format(weight)).fonts[0]  # index 0: Noto Sans CJK JP
    tmp = "/tmp/noto-cjk-jp-%s.otf" % weight
    src.save(tmp)
    out = OUT.format(weight)
    previous = set(chr(c) for c in TTFont(out).getBestCmap()) if os.path.exists(out) else set()
    font = TTFont(tmp)
    cmap = font.getBestCmap()
    text = [c for c in wanted(previous, jis2004) if ord(c) in cmap]
    opts = subset.Options()
    opts.layout_features = ["*"]  # as before: vertical forms, alternates
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.hinting = False  # screen and paper sizes render well without CFF hints
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in text])
    sub.subset(font)
    cmap = font["cmap"]
    try:
        cmap.compile(font)
    except struct.error:
        # Hangul and hanzi scattered over the CJK glyph order make the BMP
        # (format 4) subtable larger than its 16-bit length allows: the
        # face keeps the full-range (format 12) ones, which every renderer
        # the window uses reads. (scripts/font-ttf.py, for the PDF, orders
        # the glyphs by code point and writes a format 4 again.)
        cmap.tables = [t for t in cmap.tables if t.format != 4]
    font.save(out)
    print("%s: %d characters, %d bytes" % (out, len(text), os.path.getsize(out)))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--jis2004"]
    for w in args or ["Regular", "Bold"]:
        make(w, "--jis2004" in sys.argv)
