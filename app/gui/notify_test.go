package gui

import (
	"strings"
	"testing"

	"madoguchi/i18n"
	"madoguchi/ui"
)

// A status change raises one notification naming the procedure and the new
// status; the first look and unchanged receipts raise none.
func TestStatusNotifications(t *testing.T) {
	w := &statusWatch{tr: func() *i18n.Localizer { return i18n.New("ja") }}
	rs := []ui.Receipt{{Number: "SBX-1", Procedure: "転出届", Status: "received"}, {Number: "SBX-2", Procedure: "国保", Status: "received"}}
	if n := w.changes(rs); len(n) != 0 {
		t.Fatalf("first look: %v", n)
	}
	if n := w.changes(rs); len(n) != 0 {
		t.Fatalf("unchanged: %v", n)
	}
	rs[0].Status = "completed"
	n := w.changes(rs)
	if len(n) != 1 || n[0][1] == "" || !strings.Contains(n[0][1], "転出届") || !strings.Contains(n[0][1], "完了") {
		t.Fatalf("changed: %v", n)
	}
	rs = append(rs, ui.Receipt{Number: "SBX-3", Procedure: "児童手当", Status: "received"})
	if n := w.changes(rs); len(n) != 1 {
		t.Fatalf("a new receipt: %v", n)
	}
}
