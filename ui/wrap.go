package ui

import (
	"fyne.io/fyne/v2/container"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Line breaking, for every language the window speaks (ADR 0018): Fyne's
// word wrap breaks only at spaces, so a Japanese or Chinese paragraph
// either overflows or, with TextWrapBreak, breaks anywhere — "。" or a
// small "ょ" at the start of a line, "（" at its end. BreakLines breaks at
// spaces between words and between any two CJK characters, never before a
// character that may not start a line nor after one that may not end it
// (the usual 禁則 of JIS X 4051), and Para is the wrapped text every screen
// uses.

// noStart are the characters that may not begin a line: closing brackets
// and quotes, the Japanese and Chinese stops and commas, middle dots,
// the prolonged-sound mark, iteration marks and the small kana.
const noStart = "、。，．,.：:；;？?！!）)］]｝}」』】〕〉》〙〗〟’”»" +
	"・･ー‐゠–〜～…‥々〻ゝゞヽヾ" +
	"ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ" +
	"%％℃"

// noEnd are the characters that may not end a line: opening brackets and
// quotes, and the signs written before a number.
const noEnd = "（(［[｛{「『【〔〈《〘〖〝‘“«￥¥$＄£€#＃"

// wide reports whether a line may break beside r without a space: the
// ideographs, kana and full-width forms of Japanese and Chinese. (Korean
// separates words with spaces, and breaks there.)
func wide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303F) || // CJK symbols and punctuation
		(r >= 0xFF01 && r <= 0xFF60) || // full-width forms
		(r >= 0x31F0 && r <= 0x31FF) // small katakana extension
}

// canBreak reports whether a line may break between a and b.
func canBreak(a, b rune) bool {
	switch {
	case unicode.IsSpace(b):
		return false // after the spaces, not before them
	case unicode.IsSpace(a):
		return true
	case strings.ContainsRune(noStart, b), strings.ContainsRune(noEnd, a):
		return false
	default:
		return wide(a) || wide(b)
	}
}

// BreakLines breaks text into lines no wider than max as width measures
// them (hard line breaks kept; spaces where a line breaks dropped). A line
// is wider than max only when it holds a single unit that cannot break
// (a long word, or a character too wide): then it breaks inside the word
// rather than let it be clipped.
func BreakLines(text string, max float32, width func(string) float32) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		out = append(out, breakParagraph([]rune(para), max, width)...)
	}
	return out
}

func breakParagraph(r []rune, max float32, width func(string) float32) []string {
	if max <= 0 || width(string(r)) <= max {
		return []string{strings.TrimRightFunc(string(r), unicode.IsSpace)}
	}
	var lines []string
	start := 0
	for start < len(r) {
		// the longest run from start that fits
		end := start + 1
		for end < len(r) && width(strings.TrimRightFunc(string(r[start:end+1]), unicode.IsSpace)) <= max {
			end++
		}
		if end < len(r) {
			// back to the last place a line may break
			brk := end
			for brk > start && !canBreak(r[brk-1], r[brk]) {
				brk--
			}
			if brk > start {
				end = brk
			}
			// else: one unit wider than the line, broken where it must
		}
		lines = append(lines, strings.TrimRightFunc(string(r[start:end]), unicode.IsSpace))
		start = end
		for start < len(r) && unicode.IsSpace(r[start]) {
			start++
		}
	}
	return lines
}

// Para is a paragraph that wraps to its width by BreakLines, in the
// theme's text colour (or the colour of its importance) and size.
type Para struct {
	widget.BaseWidget
	Text       string
	TextStyle  fyne.TextStyle
	SizeName   fyne.ThemeSizeName
	Importance widget.Importance
	// ColorName, when set, is the colour instead of the importance's.
	ColorName fyne.ThemeColorName
	Alignment fyne.TextAlign
}

// NewPara is a wrapped paragraph of text.
func NewPara(text string) *Para {
	p := &Para{Text: text}
	p.ExtendBaseWidget(p)
	return p
}

// SetText changes the text. Main goroutine only.
func (p *Para) SetText(text string) {
	p.Text = text
	p.Refresh()
}

// CreateRenderer is Fyne's.
func (p *Para) CreateRenderer() fyne.WidgetRenderer {
	p.ExtendBaseWidget(p)
	r := &paraRenderer{p: p}
	r.Refresh()
	return r
}

type paraRenderer struct {
	p     *Para
	texts []*canvas.Text
	objs  []fyne.CanvasObject
	width float32 // the width the lines were broken for
	text  string
	// cache: the lines last broken, and for what
	cacheKey   paraKey
	cacheLines []string
}

type paraKey struct {
	text        string
	width, size float32
	style       fyne.TextStyle
}

func (r *paraRenderer) metrics() (size, pad, spacing float32, style fyne.TextStyle) {
	th := r.p.Theme()
	name := r.p.SizeName
	if name == "" {
		name = theme.SizeNameText
	}
	return th.Size(name), th.Size(theme.SizeNameInnerPadding), th.Size(theme.SizeNameLineSpacing), r.p.TextStyle
}

func (r *paraRenderer) colour() fyne.ThemeColorName {
	if r.p.ColorName != "" {
		return r.p.ColorName
	}
	switch r.p.Importance {
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	case widget.SuccessImportance:
		return theme.ColorNameSuccess
	case widget.HighImportance:
		return theme.ColorNamePrimary
	case widget.LowImportance:
		// secondary, but read by people with poor sight: never the faint
		// "disabled" grey (below 3:1 on white)
		return theme.ColorNameForeground
	}
	return theme.ColorNameForeground
}

// lines breaks the text for the widget's present width.
func (r *paraRenderer) lines() []string {
	size, pad, _, style := r.metrics()
	w := r.p.Size().Width - 2*pad
	if r.p.Size().Width <= 0 {
		w = 0 // not laid out yet: one line per paragraph
	}
	key := paraKey{r.p.Text, w, size, style}
	if r.cacheLines == nil || key != r.cacheKey {
		r.cacheKey = key
		r.cacheLines = BreakLines(r.p.Text, w, func(s string) float32 {
			return fyne.MeasureText(s, size, style).Width
		})
	}
	return r.cacheLines
}

func (r *paraRenderer) lineHeight() float32 {
	size, _, _, style := r.metrics()
	return fyne.MeasureText("M", size, style).Height
}

func (r *paraRenderer) MinSize() fyne.Size {
	size, pad, spacing, style := r.metrics()
	if r.p.Text == "" {
		return fyne.NewSize(0, 0) // nothing to say (yet): no blank line
	}
	n := float32(len(r.lines()))
	h := n*r.lineHeight() + (n-1)*spacing + 2*pad
	return fyne.NewSize(fyne.MeasureText("MM", size, style).Width+2*pad, h)
}

func (r *paraRenderer) Layout(s fyne.Size) {
	if s.Width != r.width || r.p.Text != r.text {
		r.Refresh()
		return
	}
	_, pad, spacing, _ := r.metrics()
	y := pad
	for _, t := range r.texts {
		x := pad
		if free := s.Width - 2*pad - t.MinSize().Width; free > 0 {
			switch r.p.Alignment {
			case fyne.TextAlignCenter:
				x += free / 2
			case fyne.TextAlignTrailing:
				x += free
			}
		}
		t.Move(fyne.NewPos(x, y))
		t.Resize(fyne.NewSize(s.Width-2*pad, r.lineHeight()))
		y += r.lineHeight() + spacing
	}
}

func (r *paraRenderer) Refresh() {
	size, _, _, style := r.metrics()
	lines := r.lines()
	col := r.p.Theme().Color(r.colour(), fyne.CurrentApp().Settings().ThemeVariant())
	for len(r.texts) < len(lines) {
		r.texts = append(r.texts, canvas.NewText("", col))
	}
	r.texts = r.texts[:len(lines)]
	r.objs = r.objs[:0]
	for i, l := range lines {
		t := r.texts[i]
		t.Text, t.TextSize, t.TextStyle, t.Color = l, size, style, col
		r.objs = append(r.objs, t)
		t.Refresh()
	}
	r.width, r.text = r.p.Size().Width, r.p.Text
	r.Layout(r.p.Size())
}

func (r *paraRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *paraRenderer) Destroy()                     {}

// boldPara is a wrapped paragraph in bold.
func boldPara(text string) *Para {
	p := NewPara(text)
	p.TextStyle = fyne.TextStyle{Bold: true}
	return p
}

// AccessibilityLabel is Fyne's (screen readers: -tags accessibility).
func (p *Para) AccessibilityLabel() string { return p.Text }

// AccessibilityRole is Fyne's.
func (p *Para) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

// newCard is a card whose title and subtitle wrap (Fyne's widget.Card
// keeps them on one line: at ×2 a long title made the window wider than
// the screen): the title in bold at the sub-heading size, the subtitle
// under it, on the card's background.
func newCard(title, subtitle string, content fyne.CanvasObject) fyne.CanvasObject {
	var objs []fyne.CanvasObject
	if title != "" {
		t := boldPara(title)
		t.SizeName = theme.SizeNameSubHeadingText
		objs = append(objs, t)
	}
	if subtitle != "" {
		objs = append(objs, wrapped(subtitle))
	}
	if content != nil {
		objs = append(objs, content)
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	return container.NewStack(&cardBackground{Rectangle: bg}, container.NewPadded(container.NewVBox(objs...)))
}

// cardBackground follows the theme (light, dark, high contrast) when it
// changes.
type cardBackground struct{ *canvas.Rectangle }

func (c *cardBackground) Refresh() {
	c.FillColor = theme.Color(theme.ColorNameInputBackground)
	c.Rectangle.Refresh()
}
