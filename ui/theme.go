package ui

import (
	_ "embed"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Noto Sans JP (SIL Open Font License 1.1, see fonts/OFL.txt), subset to
// JIS X 0208/0213 kanji, kana, Latin with Vietnamese, and common symbols.
// Without a bundled CJK font Fyne draws Japanese as boxes on Windows, macOS
// and kiosk PCs.
var (
	//go:embed fonts/NotoSansJP-Regular.otf
	fontRegular []byte
	//go:embed fonts/NotoSansJP-Bold.otf
	fontBold []byte

	resRegular = fyne.NewStaticResource("NotoSansJP-Regular.otf", fontRegular)
	resBold    = fyne.NewStaticResource("NotoSansJP-Bold.otf", fontBold)
)

// Theme is Madoguchi's theme: the bundled Japanese font, an optional text
// scale for large text, and a warning colour for the demo banner.
type Theme struct {
	base fyne.Theme
	// Scale multiplies text and padding sizes (1 normal, 2 for large text).
	Scale float32
}

// NewTheme returns the theme at the given scale.
func NewTheme(scale float32) *Theme {
	if scale <= 0 {
		scale = 1
	}
	return &Theme{base: theme.DefaultTheme(), Scale: scale}
}

// ColorNameOnBanner is the text colour on the yellow demo banner: black in
// every variant (readable on yellow in light and dark mode alike).
const ColorNameOnBanner fyne.ThemeColorName = "madoguchi-on-banner"

// ColorNameOnActing is the text colour on the "acting for" bar: white on
// its deep purple in every variant.
const ColorNameOnActing fyne.ThemeColorName = "madoguchi-on-acting"

// ActingColor is the "acting for someone" bar's colour: deep purple, unlike
// anything else in the app (contrast with white text 10:1).
var ActingColor = color.NRGBA{R: 0x4A, G: 0x14, B: 0x8C, A: 0xFF}

// Color implements fyne.Theme.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == ColorNameOnBanner {
		return color.Black
	}
	if n == ColorNameOnActing {
		return color.White
	}
	return t.base.Color(n, v)
}

// Font implements fyne.Theme: the bundled font for text; Fyne's own for
// monospace and symbols.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return t.base.Font(s)
	}
	if s.Bold {
		return resBold
	}
	return resRegular
}

// Icon implements fyne.Theme.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

// Size implements fyne.Theme.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	s := t.base.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText,
		theme.SizeNameCaptionText, theme.SizeNameInlineIcon, theme.SizeNamePadding,
		theme.SizeNameInnerPadding, theme.SizeNameLineSpacing:
		return s * t.Scale
	}
	return s
}
