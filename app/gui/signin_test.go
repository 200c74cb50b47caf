package gui

import (
	"context"
	"errors"
	"slices"
	"testing"

	"madoguchi/app/demo"
	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/reader"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	"madoguchi/sandbox/idp"
)

func TestSignInServiceKeepsRestoresAndForgets(t *testing.T) {
	keys := keystore.New(keystore.NewMemory())
	srv, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	profile := sso.Profile{ID: "test-city", Issuer: srv.Issuer, ClientID: idp.AppClientID, Scopes: sso.DefaultScopes,
		CAFile: srv.CAFile, DisplayName: map[string]string{"ja": "テスト市"}}
	d, err := demo.NewReader("sato-hana")
	if err != nil {
		t.Fatal(err)
	}
	m := reader.NewMonitor(d.Backend(), "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	waitIdentified(m)

	s := &signInService{m: m, profile: profile, keep: true, keys: keys}
	var asked []int
	var consented []string
	a, err := s.SignIn(ctx, func(sec string, tries int) ([]byte, bool, error) {
		if consented == nil {
			t.Error("PIN asked before consent")
		}
		// PIN first: the card is not held busy while the person types
		if st := m.Current().State; st == reader.StateBusy {
			t.Errorf("PIN asked while the card is %v", st)
		}
		asked = append(asked, tries)
		return []byte("4321"), false, nil
	}, func(sc []string) error { consented = sc; return nil })
	if !slices.Equal(consented, []string{"certificates", "applications", "proxy"}) {
		t.Fatalf("consent asked for %v", consented)
	}
	if err != nil || a.Name != "佐藤 ハナ" || s.Municipality("ja") != "テスト市" || !s.Persistent() {
		t.Fatalf("%+v %v", a, err)
	}
	if len(asked) != 1 || asked[0] != 3 {
		t.Fatalf("tries shown %v", asked)
	}
	kept, err := keys.Load("test-city")
	if err != nil || kept.Name != "佐藤 ハナ" {
		t.Fatalf("%+v %v", kept, err)
	}

	// the app starts again: the kept session resumes without the card
	s2 := &signInService{m: m, profile: profile, keep: true, keys: keys}
	if err := s2.restore(ctx); err != nil || s2.Current() == nil || s2.Current().Name != "佐藤 ハナ" {
		t.Fatalf("restore: %v %+v", err, s2.Current())
	}
	if again, _ := keys.Load("test-city"); again.RefreshToken == kept.RefreshToken {
		t.Fatal("restore did not rotate the kept refresh token")
	}
	if err := s2.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Load("test-city"); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("entry left after sign-out: %v", err)
	}
	// the first instance signs out too
	if err := s.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Current() != nil {
		t.Fatal("still signed in")
	}
	// a wrong PIN is the card's typed error, with tries left
	_, err = s.SignIn(ctx, func(string, int) ([]byte, bool, error) { return []byte("0000"), false, nil }, nil)
	if failure.CodeOf(err) != card.CodeWrongPIN {
		t.Fatalf("wrong PIN: %v", err)
	}
}
