package i18n

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/width"
)

// Dates as people in Japan write them, and as an input method types them.
func TestParseDateTable(t *testing.T) {
	day := time.Date(2026, 4, 1, 0, 0, 0, 0, JST)
	for _, s := range []string{
		"2026-04-01", "2026-4-1", "2026/4/1", "2026/04/01", "2026.4.1",
		"２０２６／４／１", "２０２６－０４－０１",
		"２０２６−０４−０１", // Mozc's "-": the minus sign U+2212
		"２０２６・４・１",   // Mozc's "/": the middle dot
		"2026年4月1日", "２０２６年４月１日", "2026 年 4 月 1 日",
		"令和8年4月1日", "令和８年４月１日", "R8.4.1", "r8.4.1", "R8/4/1", " 令和8年4月1日 ",
	} {
		got, err := ParseDate(s)
		if err != nil || !got.Equal(day) {
			t.Errorf("ParseDate(%q) = %v, %v; want 2026-04-01", s, got, err)
		}
	}
	for _, s := range []struct{ in, want string }{
		{"令和元年5月1日", "2019-05-01"}, {"平成31年4月30日", "2019-04-30"}, {"H31.4.30", "2019-04-30"},
		{"昭和64年1月7日", "1989-01-07"}, {"平成元年1月8日", "1989-01-08"}, {"明治33年1月1日", "1900-01-01"},
	} {
		got, err := ParseDate(s.in)
		if err != nil || got.Format(time.DateOnly) != s.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", s.in, got, err, s.want)
		}
	}
	for _, s := range []string{"", "2026", "2026-02-30", "2026/13/1", "令和8年2月30日", "平成32年1月1日",
		"令和元年4月30日", "昭和64年1月8日", "26/4/1", "4/1", "2026-04-01T10:00", "R100.1.1", "tomorrow", "2026年4月"} {
		if got, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, accepted", s, got)
		}
	}
}

// Every day from 1990 to 2035, written each way a person or an input
// method writes it, reads back as that day.
func TestParseDateEveryDay(t *testing.T) {
	full := func(s string) string { return width.Widen.String(s) }
	forms := []func(time.Time) string{
		func(d time.Time) string { return d.Format("2006-01-02") },
		func(d time.Time) string { return d.Format("2006/1/2") },
		func(d time.Time) string { return d.Format("2006年1月2日") },
		func(d time.Time) string { return full(d.Format("2006/1/2")) },
		func(d time.Time) string { return strings.ReplaceAll(full(d.Format("2006-01-02")), "－", "−") },
		func(d time.Time) string {
			return full(d.Format("2006")) + "・" + full(d.Format("1")) + "・" + full(d.Format("2"))
		},
		Wareki,
		func(d time.Time) string { return full(Wareki(d)) },
		func(d time.Time) string { // R8.4.1, H31.4.30
			for _, e := range eras {
				if !d.Before(e.start) {
					return fmt.Sprintf("%s%d.%d.%d", e.en[:1], d.Year()-e.first+1, int(d.Month()), d.Day())
				}
			}
			return ""
		},
	}
	n := 0
	for d := time.Date(1990, 1, 1, 0, 0, 0, 0, JST); d.Year() < 2036; d = d.AddDate(0, 0, 1) {
		for i, f := range forms {
			s := f(d)
			got, err := ParseDate(s)
			if err != nil || !got.Equal(d) {
				t.Fatalf("form %d: ParseDate(%q) = %v, %v; want %s", i, s, got, err, d.Format(time.DateOnly))
			}
			n++
		}
	}
	if n < 100000 {
		t.Fatalf("only %d dates", n)
	}
}

// Postal codes and phone-like numbers as people type them: full-width,
// with the postal mark, hyphens of every kind, spaces.
func TestDigitsTable(t *testing.T) {
	for in, want := range map[string]string{
		"100-0013": "1000013", "１００－００１３": "1000013", "〒100-0013": "1000013", "〒１００ー００１３": "1000013",
		"100 0013": "1000013", "100−0013": "1000013", "100‐0013": "1000013", "1000013": "1000013",
	} {
		if got := Digits(in); got != want {
			t.Errorf("Digits(%q) = %q, want %q", in, got, want)
		}
	}
}
