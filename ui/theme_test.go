package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"madoguchi/internal/uitest"
)

// luminance is WCAG 2's relative luminance.
func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	ch := func(v uint32) float64 {
		s := float64(v>>8) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Every appearance reads: text on the background and on buttons, the
// focus ring (drawn in the text colour) against what it surrounds, the
// demo banner and the acting bar — WCAG 2.2 (1.4.3 text 4.5:1, 1.4.11
// and 2.4.11 focus 3:1); high contrast 7:1 for text and 3:1 for a button
// against the window.
func TestAppearancesHaveTheirContrast(t *testing.T) {
	uitest.NewApp(t)
	for _, a := range Appearances {
		for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
			th := NewDisplayTheme(1, a)
			col := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
			need := map[string][3]any{
				"text on the window":       {col(theme.ColorNameForeground), col(theme.ColorNameBackground), 4.5},
				"text on a button":         {col(theme.ColorNameForeground), col(theme.ColorNameButton), 4.5},
				"text on a primary button": {col(theme.ColorNameForegroundOnPrimary), col(theme.ColorNamePrimary), 4.5},
				// (the answer buttons' ring lies outside them, on the window)
				"focus ring on the window": {col(theme.ColorNameForeground), col(theme.ColorNameBackground), 3.0},
				"demo banner":              {col(ColorNameOnBanner), color.NRGBA{R: 0xFF, G: 0xC1, B: 0x07, A: 0xFF}, 4.5},
				"acting bar":               {col(ColorNameOnActing), ActingColor, 4.5},
			}
			if a == AppearanceContrast {
				need["text on the window"] = [3]any{col(theme.ColorNameForeground), col(theme.ColorNameBackground), 7.0}
				need["a button on the window"] = [3]any{col(theme.ColorNameButton), col(theme.ColorNameBackground), 3.0}
				need["an entry's border"] = [3]any{col(theme.ColorNameInputBorder), col(theme.ColorNameBackground), 3.0}
				need["an error"] = [3]any{col(theme.ColorNameError), col(theme.ColorNameBackground), 4.5}
				need["a warning"] = [3]any{col(theme.ColorNameWarning), col(theme.ColorNameBackground), 4.5}
			}
			for what, c := range need {
				if got := contrast(c[0].(color.Color), c[1].(color.Color)); got < c[2].(float64) {
					t.Errorf("%s (computer %v): %s %.2f:1, needs %.1f:1", a, v, what, got, c[2].(float64))
				}
			}
		}
	}
	// light and dark are the person's choice, whatever the computer says
	light, dark := NewDisplayTheme(1, AppearanceLight), NewDisplayTheme(1, AppearanceDark)
	if light.Color(theme.ColorNameBackground, theme.VariantDark) != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight) ||
		dark.Color(theme.ColorNameBackground, theme.VariantLight) != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Error("light or dark follows the computer")
	}
}
