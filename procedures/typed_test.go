package procedures

import "testing"

func TestPhoneAsPeopleWriteIt(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"03-1234-5678", "0312345678"},
		{"０３－１２３４－５６７８", "0312345678"},
		{"03 1234 5678", "0312345678"},
		{"090-1234-5678", "09012345678"},
		{"０９０（１２３４）５６７８", "09012345678"},
		{"(090) 1234-5678", "09012345678"},
		{"+81 90 1234 5678", "09012345678"},
		{"+81-3-1234-5678", "0312345678"},
		{"+81 (0)3 1234 5678", "0312345678"},
		{"050-1234-5678", "05012345678"},
		{"0120-123-456", "0120123456"},
		{"0800-123-4567", "08001234567"},
		{"0112345678", "0112345678"}, // Sapporo
	} {
		got, err := Phone(c.in)
		if err != nil || got != c.want {
			t.Errorf("Phone(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "12345", "1234567890", "0012345678", "03-1234-567", "03-1234-56789",
		"031234567890", "03-1234-5678 ext. 2", "0312345678a", "電話", "00-1234-5678", "03123456789"} {
		if got, err := Phone(in); err == nil {
			t.Errorf("Phone(%q) = %q, accepted", in, got)
		}
	}
}

// Every field a form lets the resident type goes through NormalizeTyped:
// the phone by its format, the rest trimmed.
func TestNormalizeTyped(t *testing.T) {
	if got, err := NormalizeTyped("phone", " ０９０-1234-5678 "); err != nil || got != "09012345678" {
		t.Errorf("phone: %q %v", got, err)
	}
	if _, err := NormalizeTyped("phone", "12"); err == nil {
		t.Error("a short phone number accepted")
	}
	if got, err := NormalizeTyped("new_address_line", "  ２丁目3-4 "); err != nil || got != "２丁目3-4" {
		t.Errorf("address line: %q %v", got, err)
	}
}
