package ui

import (
	"testing"

	"golang.org/x/image/font/sfnt"
)

// The bundled faces draw the characters of common family names, the CP932
// extensions among them (髙橋) and variants outside JIS (𠮷田), in regular
// and in bold (names are shown bold).
func TestBundledFontsDrawNames(t *testing.T) {
	for name, res := range map[string][]byte{"regular": resRegular.Content(), "bold": resBold.Content()} {
		f, err := sfnt.Parse(res)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		for _, r := range "山田太郎佐藤髙橋𠮷田﨑德渡邉齋藤ヤマダ·ÀỆ" {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				t.Errorf("%s: no glyph for %q", name, r)
			}
		}
	}
}
