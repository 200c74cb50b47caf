package gui

import (
	"strings"
	"testing"
	"time"

	"madoguchi/i18n"
)

// After filing, the window's plan says what stands filed; an answer
// changed afterwards (the moving date) is shown as the correction it
// sends, and filing sends only the corrections, each naming the receipt it
// corrects; the receipts list says which were replaced.
func TestWindowFilesCorrections(t *testing.T) {
	ctx := t.Context()
	life, _, r := signedInLife(t, "sato-hana")
	movingJourney(t, life, r.SignPassword)
	plan, err := life.Plan(ctx, "moving", "en")
	if err != nil || !plan.Filed || plan.Sending != 0 || len(plan.Forms) != 0 {
		t.Fatalf("after filing: %v %+v", err, plan)
	}
	filed := 0
	for _, it := range plan.Items {
		if strings.Contains(it.Filing, "nothing changed") {
			filed++
		}
	}
	if filed == 0 {
		t.Fatalf("the plan does not say what is filed: %+v", plan.Items)
	}
	later, _ := time.ParseInLocation(time.DateOnly, time.Now().AddDate(0, 0, 12).Format(time.DateOnly), i18n.JST)
	if _, err := life.Answer(ctx, "moving", "move_date", later, "en"); err != nil {
		t.Fatal(err)
	}
	plan, err = life.Plan(ctx, "moving", "en")
	if err != nil || plan.Filed || plan.Sending == 0 || len(plan.Forms) != plan.Sending {
		t.Fatalf("after the changed date: %v %+v", err, plan)
	}
	corrections := 0
	for _, it := range plan.Items {
		if strings.Contains(it.Filing, "a correction of") {
			corrections++
		}
	}
	if corrections != plan.Sending {
		t.Fatalf("%d corrections said, %d to send: %+v", corrections, plan.Sending, plan.Items)
	}
	rs, err := life.Submit(ctx, "moving", nil, func(string, int) ([]byte, bool, error) { return []byte(r.SignPassword), false, nil }, "en")
	if err != nil || len(rs) != plan.Sending {
		t.Fatalf("filing the corrections: %v %+v", err, rs)
	}
	for _, rc := range rs {
		if !strings.Contains(rc.Note, "correction of ") {
			t.Errorf("a correction that does not say what it corrects: %+v", rc)
		}
	}
	all, _, err := life.Receipts(ctx, "en")
	if err != nil {
		t.Fatal(err)
	}
	replaced := 0
	for _, rc := range all {
		if strings.Contains(rc.Note, "replaced by ") {
			replaced++
		}
	}
	if replaced != len(rs) {
		t.Fatalf("%d receipts say they were replaced, %d corrections: %+v", replaced, len(rs), all)
	}
}
