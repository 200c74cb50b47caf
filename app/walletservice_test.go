package app

import "testing"

func TestDisplayOfClaims(t *testing.T) {
	claims := map[string]any{"my_number": "123456789018"}
	maskMyNumber(claims, false)
	if claims["my_number"] != "**** **** 9018" {
		t.Fatalf("masked %v", claims["my_number"])
	}
	shown := map[string]any{"my_number": "123456789018"}
	maskMyNumber(shown, true)
	if shown["my_number"] != "123456789018" {
		t.Fatal("--show-mynumber ignored")
	}
	for in, want := range map[float64]string{4200000: "4,200,000", 2025: "2025", 168000: "168,000", 0: "0"} {
		if got := display(in); got != want {
			t.Errorf("display(%v) = %q, want %q", in, got, want)
		}
	}
	members := []any{map[string]any{"name": "山田 太郎", "birth_date": "1985-04-12"}, map[string]any{"name": "山田 結衣", "birth_date": "2018-06-03"}}
	if got := display(members); got != "山田 太郎（1985-04-12）、山田 結衣（2018-06-03）" {
		t.Errorf("members: %q", got)
	}
}
