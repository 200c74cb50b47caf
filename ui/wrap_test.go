package ui

import (
	"madoguchi/internal/uitest"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// em measures as a monospaced CJK font would: a full-width character is one
// em, anything else half.
func em(s string) float32 {
	var w float32
	for _, r := range s {
		if wide(r) || unicode.Is(unicode.Hangul, r) {
			w++
		} else {
			w += 0.5
		}
	}
	return w
}

func TestBreakLinesTable(t *testing.T) {
	for _, c := range []struct {
		text  string
		width float32
		want  []string
	}{
		// 。 may not start a line: お goes down with it (追い出し)
		{"あいうえお。かきくけこ", 5, []string{"あいうえ", "お。かきく", "けこ"}},
		// nor a small kana: きょ stays together
		{"あいうえきょう", 5, []string{"あいうえ", "きょう"}},
		// nor the prolonged-sound mark
		{"あいうえカード", 5, []string{"あいうえ", "カード"}},
		// （ may not end a line: it goes down with what it opens
		{"転出届の（写し）です", 5, []string{"転出届の", "（写し）で", "す"}},
		{"東京都（とうきょうと）", 4, []string{"東京都", "（とう", "きょう", "と）"}},
		// 、 and 」 stay at the end of their line
		{"「はい」、できます", 3, []string{"「は", "い」、", "できま", "す"}},
		// words break at spaces; the space is dropped
		{"Moving-out notice (転出届)", 9, []string{"Moving-out notice", "(転出届)"}},
		{"Moving-out notice (転出届)", 10, []string{"Moving-out notice", "(転出届)"}},
		{"Moving-out notice (転出届)", 6, []string{"Moving-out", "notice (転出", "届)"}},
		// Korean breaks between words, not between syllables
		{"전입신고를 하십시오", 6, []string{"전입신고를", "하십시오"}},
		// hard line breaks are kept
		{"一行目\n二行目", 10, []string{"一行目", "二行目"}},
		// a unit wider than the line breaks where it must, rather than be clipped
		{"Supercalifragilistic", 5, []string{"Supercalif", "ragilistic"}},
		// not laid out yet: one line per paragraph
		{"あいうえお。", 0, []string{"あいうえお。"}},
	} {
		if got := BreakLines(c.text, c.width, em); !reflect.DeepEqual(got, c.want) {
			t.Errorf("BreakLines(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
		}
	}
}

// Every text the app shows, in every language, at every width from 3 to 40
// ems: nothing is lost or added, no line is wider than the width unless it
// is one unit that cannot break, and no line starts with a character that
// may not start one nor ends with one that may not end one — unless the
// line holds no place it could have broken at all.
func TestBreakLinesKeepsTheRules(t *testing.T) {
	texts := allTexts(t)
	checked := 0
	for where, text := range texts {
		for width := float32(3); width <= 40; width++ {
			lines := BreakLines(text, width, em)
			squash := func(s string) string {
				return strings.Map(func(r rune) rune {
					if unicode.IsSpace(r) {
						return -1
					}
					return r
				}, s)
			}
			if squash(strings.Join(lines, "")) != squash(text) {
				t.Fatalf("%s at %v: lines %q lose or add text of %q", where, width, lines, text)
			}
			// where each line starts in the text, and whether a space was
			// dropped before it (a break at a space is always allowed)
			orig := []rune(text)
			pos := 0
			afterSpace := make([]bool, len(lines))
			for i, l := range lines {
				for pos < len(orig) && unicode.IsSpace(orig[pos]) {
					pos++
					afterSpace[i] = true
				}
				pos += len([]rune(l))
			}
			for i, l := range lines {
				r := []rune(l)
				if em(l) > width && breakable(r) {
					t.Errorf("%s at %v: line %q is wider than the width though it could break", where, width, l)
				}
				if i+1 < len(lines) && lines[i+1] != "" && l != "" && !afterSpace[i+1] && breakable(r) {
					next := []rune(lines[i+1])
					if strings.ContainsRune(noStart, next[0]) {
						t.Errorf("%s at %v: line starts with %q: %q", where, width, next[0], lines[i+1])
					}
					if strings.ContainsRune(noEnd, r[len(r)-1]) {
						t.Errorf("%s at %v: line ends with %q: %q", where, width, r[len(r)-1], l)
					}
				}
			}
			checked++
		}
	}
	if checked < 10000 {
		t.Fatalf("only %d texts×widths checked", checked)
	}
}

// breakable reports whether a line holds a place it may break at.
func breakable(r []rune) bool {
	for i := 1; i < len(r); i++ {
		if canBreak(r[i-1], r[i]) {
			return true
		}
	}
	return false
}

// A Para grows as its width shrinks, and says what it says.
func TestParaWrapsToItsWidth(t *testing.T) {
	uitest.NewApp(t)
	p := NewPara("転入届は、引っ越した日から14日以内に、新しい住所の市区町村の窓口に出します。")
	w := test.NewWindow(p)
	defer w.Close()
	w.Resize(fyne.NewSize(900, 200))
	wide := p.MinSize().Height
	p.Resize(fyne.NewSize(120, wide))
	narrow := p.MinSize().Height
	if narrow <= wide {
		t.Fatalf("min height at 120 px %v, not more than at 900 px %v", narrow, wide)
	}
	r := test.TempWidgetRenderer(t, p)
	var got string
	for _, o := range r.Objects() {
		got += o.(*canvas.Text).Text
	}
	if got != p.Text {
		t.Fatalf("shows %q, not %q", got, p.Text)
	}
	if len(r.Objects()) < 2 {
		t.Fatalf("%d lines at 120 px", len(r.Objects()))
	}
}
