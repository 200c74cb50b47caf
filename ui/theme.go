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

// Theme is Madoguchi's theme: the bundled Japanese font, a text scale for
// large text, the colours the person chose (the computer's light or dark,
// or always light, dark or high contrast), and the colours of the demo
// banner and the acting bar.
type Theme struct {
	base fyne.Theme
	// Scale multiplies text and padding sizes (1 normal, 2 for large text).
	Scale float32
	// Appearance is the colours: "" or AppearanceSystem follows the computer.
	Appearance Appearance
}

// Appearance is a choice of colours.
type Appearance string

// The appearances offered (Display).
const (
	AppearanceSystem   Appearance = "system"
	AppearanceLight    Appearance = "light"
	AppearanceDark     Appearance = "dark"
	AppearanceContrast Appearance = "contrast"
)

// Appearances are the choices, in the order offered.
var Appearances = []Appearance{AppearanceSystem, AppearanceLight, AppearanceDark, AppearanceContrast}

// Scales are the text sizes offered: standard, large, extra large.
var Scales = []float32{1, 1.5, 2}

// NewTheme returns the theme at the given scale, following the computer's
// light or dark.
func NewTheme(scale float32) *Theme { return NewDisplayTheme(scale, AppearanceSystem) }

// NewDisplayTheme returns the theme at the given scale and appearance.
func NewDisplayTheme(scale float32, a Appearance) *Theme {
	if scale <= 0 {
		scale = 1
	}
	return &Theme{base: theme.DefaultTheme(), Scale: scale, Appearance: a}
}

// primaryBlue is the primary colour in light and dark: Fyne's #296FF6
// gives white text 4.47:1, under WCAG's 4.5:1; this blue gives 5.2:1.
var primaryBlue = color.NRGBA{R: 0x25, G: 0x63, B: 0xEB, A: 0xFF}

// highContrast are the high-contrast colours (white on black; controls
// ≥ 3:1 against the background, text ≥ 7:1 against its own).
var highContrast = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:          color.Black,
	theme.ColorNameOverlayBackground:   color.Black,
	theme.ColorNameMenuBackground:      color.Black,
	theme.ColorNameHeaderBackground:    color.Black,
	theme.ColorNameForeground:          color.White,
	theme.ColorNameForegroundOnPrimary: color.Black,
	theme.ColorNameForegroundOnError:   color.Black,
	theme.ColorNameForegroundOnSuccess: color.Black,
	theme.ColorNameForegroundOnWarning: color.Black,
	theme.ColorNameButton:              color.NRGBA{R: 0x5A, G: 0x5A, B: 0x5A, A: 0xFF},
	theme.ColorNameDisabledButton:      color.NRGBA{R: 0x26, G: 0x26, B: 0x26, A: 0xFF},
	theme.ColorNameDisabled:            color.NRGBA{R: 0xB3, G: 0xB3, B: 0xB3, A: 0xFF},
	theme.ColorNamePlaceHolder:         color.NRGBA{R: 0xC8, G: 0xC8, B: 0xC8, A: 0xFF},
	theme.ColorNamePrimary:             color.NRGBA{R: 0xFF, G: 0xD4, B: 0x00, A: 0xFF},
	theme.ColorNameFocus:               color.NRGBA{R: 0xFF, G: 0xD4, B: 0x00, A: 0xFF},
	theme.ColorNameHover:               color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0x40},
	theme.ColorNamePressed:             color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0x60},
	theme.ColorNameSelection:           color.NRGBA{R: 0xFF, G: 0xD4, B: 0x00, A: 0x80},
	theme.ColorNameInputBackground:     color.Black,
	theme.ColorNameInputBorder:         color.White,
	theme.ColorNameSeparator:           color.White,
	theme.ColorNameScrollBar:           color.White,
	theme.ColorNameScrollBarBackground: color.NRGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xFF},
	theme.ColorNameShadow:              color.Transparent,
	theme.ColorNameError:               color.NRGBA{R: 0xFF, G: 0x80, B: 0x80, A: 0xFF},
	theme.ColorNameWarning:             color.NRGBA{R: 0xFF, G: 0xB3, B: 0x00, A: 0xFF},
	theme.ColorNameSuccess:             color.NRGBA{R: 0x66, G: 0xE6, B: 0x66, A: 0xFF},
	theme.ColorNameHyperlink:           color.NRGBA{R: 0x80, G: 0xD4, B: 0xFF, A: 0xFF},
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
	if n == theme.ColorNamePrimary && t.Appearance != AppearanceContrast {
		return primaryBlue
	}
	switch t.Appearance {
	case AppearanceLight:
		v = theme.VariantLight
	case AppearanceDark:
		v = theme.VariantDark
	case AppearanceContrast:
		if c, ok := highContrast[n]; ok {
			return c
		}
		v = theme.VariantDark
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
