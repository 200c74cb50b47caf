package account

import "testing"

func TestMaskMyNumber(t *testing.T) {
	claims := map[string]any{"my_number": "123456789018"}
	MaskMyNumber(claims, false)
	if claims["my_number"] != "**** **** 9018" {
		t.Fatalf("masked %v", claims["my_number"])
	}
	shown := map[string]any{"my_number": "123456789018"}
	MaskMyNumber(shown, true)
	if shown["my_number"] != "123456789018" {
		t.Fatal("--show-mynumber ignored")
	}
	// values are formatted by the one formatter (i18n.FieldValue, tested there)
}
