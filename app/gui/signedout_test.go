package gui

import (
	"testing"
	"time"

	"madoguchi/app/demo"
	"madoguchi/auth/keystore"
	"madoguchi/i18n"
)

// Signed out, the interview lives in memory: the household is not known,
// so the members question has no names to tick (the window then asks for
// them typed) and takes typed names; the plan follows from the answers
// alone; forgetting drops them.
func TestSignedOutInterview(t *testing.T) {
	ctx := t.Context()
	signIn := &signInService{profile: demo.Profile(municipality(t), "test-city"), keys: keystore.New(keystore.NewMemory())}
	life, err := newLifeService(signIn, nil)
	if err != nil {
		t.Fatal(err)
	}
	move, _ := i18n.ParseDate(time.Now().AddDate(0, 0, 10).Format(time.DateOnly))
	answers := map[string]any{"move_date": move, "same_municipality": false, "new_postal_code": "5300001",
		"new_address_line": "梅田一丁目1番1号", "health_insurance": "kokuho", "registered_seal": false, "has_dog": false,
		"movers": []string{"山田 太郎", "山田 花子"}, "child_mover": false, "school_mover": false, "elderly_mover": false,
		"koki_mover": false, "care_certified": false, "receives_child_allowance": false, "has_card": true, "sign_cert": true, "foreign_mover": false}
	step, err := life.Resume(ctx, "moving", "en")
	sawMembers := false
	for err == nil && step.Question != nil {
		q := step.Question
		if q.Type == "members" {
			sawMembers = true
			if len(q.Choices) != 0 {
				t.Fatalf("signed out, the household is offered: %+v", q.Choices)
			}
		}
		v, ok := answers[q.ID]
		if !ok {
			t.Fatalf("asked %s", q.ID)
		}
		step, err = life.Answer(ctx, "moving", q.ID, v, "en")
	}
	if err != nil || !sawMembers || !step.Saved.IsZero() {
		t.Fatalf("%v (members asked %v, saved %v)", err, sawMembers, step.Saved)
	}
	if p, err := life.Plan(ctx, "moving", "en"); err != nil || len(p.Items) == 0 {
		t.Fatalf("plan: %v", err)
	}
	life.forget()
	if step, err := life.Resume(ctx, "moving", "en"); err != nil || step.Question == nil || step.Question.ID != "move_date" {
		t.Fatalf("after forgetting: %+v %v", step, err)
	}
}
