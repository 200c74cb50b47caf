package i18n

import (
	"slices"
	"testing"
	"time"
)

func TestWarekiBoundaries(t *testing.T) {
	d := func(y, m, dd int) time.Time { return time.Date(y, time.Month(m), dd, 12, 0, 0, 0, JST) }
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{d(2019, 4, 30), "平成31年4月30日"},
		{d(2019, 5, 1), "令和元年5月1日"},
		{d(2020, 1, 1), "令和2年1月1日"},
		{d(1989, 1, 7), "昭和64年1月7日"},
		{d(1989, 1, 8), "平成元年1月8日"},
		{d(1926, 12, 24), "大正15年12月24日"},
		{d(1926, 12, 25), "昭和元年12月25日"},
		{d(1942, 3, 5), "昭和17年3月5日"},
		// the day in Japan, whatever the zone of the value
		{time.Date(2019, 4, 30, 15, 30, 0, 0, time.UTC), "令和元年5月1日"},
	} {
		if got := Wareki(c.t); got != c.want {
			t.Errorf("%s: %s, want %s", c.t, got, c.want)
		}
	}
	ja, en := New("ja"), New("en")
	if got := ja.DateWithEra(d(2029, 4, 12)); got != "令和11年4月12日（2029年）" {
		t.Errorf("ja: %s", got)
	}
	if got := en.DateWithEra(d(2019, 5, 1)); got != "1 May 2019 (Reiwa 1)" {
		t.Errorf("en: %s", got)
	}
}

func TestSexMoneyAndFields(t *testing.T) {
	ja, en := New("ja"), New("en")
	for code, want := range map[int]string{1: en.T("sex.1"), 2: en.T("sex.2"), 9: en.T("sex.9")} {
		if got := en.Sex(code); got != want || got == "" || got == "sex.1" {
			t.Errorf("sex %d: %q", code, got)
		}
	}
	if en.Sex(1) == en.Sex(2) || ja.Sex(1) == en.Sex(1) {
		t.Error("sex words not distinct per code and language")
	}
	for n, want := range map[int64]string{0: "¥0", 999: "¥999", 1000: "¥1,000", 1234567: "¥1,234,567", -5000: "-¥5,000"} {
		if got := en.Yen(n); got != want {
			t.Errorf("yen %d: %s", n, got)
		}
	}
	if got := ja.Yen(3840000); got != "3,840,000円" {
		t.Errorf("ja yen: %s", got)
	}
	got := OrderFields([]string{"household_members[1]", "address", "sex", "name_kana", "household_members", "name", "my_number", "birth_date", "zzz", "alt_name"})
	want := []string{"name", "alt_name", "name_kana", "birth_date", "sex", "address", "household_members", "household_members[1]", "my_number", "zzz"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v", got)
	}
	if v := ja.FieldValue("income", float64(3840000)); v != "3,840,000円" {
		t.Errorf("income: %s", v)
	}
	if v := en.FieldValue("sex", float64(2)); v != en.T("sex.2") {
		t.Errorf("sex field: %s", v)
	}
	if v := ja.FieldValue("household_members[0]", map[string]any{"name": "佐藤 ハナ", "birth_date": "1942-03-05"}); v != "佐藤 ハナ（昭和17年3月5日（1942年））" {
		t.Errorf("member: %s", v)
	}
	if v := ja.FieldValue("address_parts", map[string]any{"street": "高砂", "prefecture": "埼玉県", "municipality": "さいたま市"}); v != "埼玉県 さいたま市 高砂" {
		t.Errorf("address parts: %s", v)
	}
}

// A list of names reads as a list in the person's language, not as Go's [a b].
func TestFieldValueNames(t *testing.T) {
	if v := New("ja").FieldValue("movers", []string{"山田 太郎", "山田 ユイ"}); v != "山田 太郎、山田 ユイ" {
		t.Fatalf("ja %q", v)
	}
	if v := New("en").FieldValue("movers", []string{"A", "B"}); v != "A, B" {
		t.Fatalf("en %q", v)
	}
}
