package postal

import "testing"

func TestLookup(t *testing.T) {
	for code, want := range map[string]string{
		"100-0013": "東京都千代田区霞が関",
		"5300001":  "大阪府大阪市北区梅田",
		"0600000":  "北海道札幌市中央区", // the whole municipality
	} {
		as := Lookup(code)
		if len(as) == 0 || as[0].String() != want {
			t.Errorf("%s: %+v", code, as)
		}
	}
	for _, bad := range []string{"", "123", "12345678", "abcdefg", "0000000"} {
		if as := Lookup(bad); len(as) != 0 {
			t.Errorf("%q: %+v", bad, as)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	Lookup("1000013")
	for i := 0; i < b.N; i++ {
		Lookup("5300001")
	}
}
