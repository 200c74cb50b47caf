package gui

import (
	"context"
	"testing"
	"time"

	"madoguchi/i18n"
	"madoguchi/protocol/proxy"
	"madoguchi/sandbox/fixtures"
)

// movingJourney walks the moving event through the services the window
// uses, answering what is asked, and files it: the screens a person sees
// (each question, the plan with its review, the password dialog, the
// receipts) and the fields they type (dates, codes, text, the password).
func movingJourney(tb testing.TB, life *lifeService, password string) (screens, typed int) {
	tb.Helper()
	ctx := context.Background()
	screens, typed = answerMoving(tb, life, "佐藤 ハナ")
	plan, err := life.Plan(ctx, "moving", "ja")
	if err != nil || plan.CannotFile != "" {
		tb.Fatalf("plan: %v %s", err, plan.CannotFile)
	}
	screens++ // the plan with the review of what is signed
	fields := map[string]string{}
	for _, f := range plan.ToType {
		fields[f] = "090-1234-5678"
		typed++
	}
	rs, _, err := life.Submit(ctx, "moving", fields, func(string, int) ([]byte, bool, error) {
		screens++ // the password dialog
		typed++
		return []byte(password), false, nil
	}, "ja")
	if err != nil || len(rs) == 0 {
		tb.Fatalf("file: %v", err)
	}
	return screens + 1, typed // and the receipts
}

// answerMoving answers the moving interview as the window asks it (mover
// moves alone, in ten days, to Osaka): the screens and typed fields.
func answerMoving(tb testing.TB, life *lifeService, mover string) (screens, typed int) {
	tb.Helper()
	ctx := context.Background()
	move, _ := time.ParseInLocation(time.DateOnly, time.Now().AddDate(0, 0, 10).Format(time.DateOnly), i18n.JST)
	answers := map[string]any{"move_date": move, "same_municipality": false, "new_postal_code": "5300001",
		"new_address_line": "梅田一丁目1番1号", "health_insurance": "kokuho", "care_certified": false, "registered_seal": false,
		"has_dog": false, "receives_child_allowance": false, "school_children": false, "movers": []string{mover}, "into_facility": false,
		"child_mover": false, "school_mover": false, "elderly_mover": false, "has_card": true, "sign_cert": true, "foreign_mover": false}
	step, err := life.Resume(ctx, "moving", "ja")
	for err == nil && step.Question != nil {
		q := step.Question
		v, ok := answers[q.ID]
		if !ok {
			tb.Fatalf("asked %s, which the journey has no answer for", q.ID)
		}
		screens++
		switch q.Type {
		case "date", "postal", "text", "number":
			typed++
		}
		step, err = life.Answer(ctx, "moving", q.ID, v, "ja")
	}
	if err != nil {
		tb.Fatal(err)
	}
	return screens, typed
}

// The steps a son needs to file his mother's moving bundle as her proxy,
// beside hers when she files it herself (the goal: no more). Counted in the
// services the window drives, filing for real; the first invitation (one
// code typed, once per relation) is counted apart.
func BenchmarkProxyMovingSteps(b *testing.B) {
	srv := municipality(b)
	hana, hm := signedInAt(b, srv, "sato-hana")
	kenji, km := signedInAt(b, srv, "sato-kenji")
	mother, _ := fixtures.ByID("sato-hana")
	son, _ := fixtures.ByID("sato-kenji")
	ctx := context.Background()
	inv, err := (&proxyService{signIn: hana}).Invite(ctx, []string{proxy.CertScope("residence"), proxy.FileScope("moving-out-notice"),
		proxy.ScopeStatus, proxy.ScopeProtected}, time.Now().AddDate(1, 0, 0), "")
	if err != nil {
		b.Fatal(err)
	}
	if err := (&proxyService{signIn: kenji}).Accept(ctx, inv.Code); err != nil {
		b.Fatal(err)
	}
	var selfScreens, selfTyped, proxyScreens, proxyTyped int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		// a fresh draft each round: the municipality files each bundle once
		for _, s := range []*signInService{hana, kenji} {
			if a := s.Account(); a != nil {
				a.DeleteDraft(ctx, "moving")
			}
		}
		kenji.stopActing()
		own, _ := newLifeService(hana, hm)
		b.StartTimer()
		selfScreens, selfTyped = movingJourney(b, own, mother.SignPassword)
		// the proxy: "Act for …" on the family screen, then the same journey
		gs, err := kenji.Own().Grants(ctx)
		if err != nil || len(gs.IActFor) == 0 {
			b.Fatal(err)
		}
		if err := kenji.actAs(ctx, gs.IActFor[0].ID); err != nil {
			b.Fatal(err)
		}
		for _, a := range []string{"moving"} {
			kenji.Account().DeleteDraft(ctx, a)
		}
		theirs, _ := newLifeService(kenji, km)
		proxyScreens, proxyTyped = movingJourney(b, theirs, son.SignPassword)
		proxyScreens++ // the family screen's "Act for …"
	}
	b.ReportMetric(float64(selfScreens), "screens-self")
	b.ReportMetric(float64(selfTyped), "typed-self")
	b.ReportMetric(float64(proxyScreens), "screens-proxy")
	b.ReportMetric(float64(proxyTyped), "typed-proxy")
	b.ReportMetric(1, "typed-once-per-relation") // the invitation code, when accepting
}
