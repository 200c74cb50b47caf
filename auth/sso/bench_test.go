package sso_test

import (
	"context"
	"testing"
	"time"

	"madoguchi/auth/sso"
	"madoguchi/sandbox/idp"
)

// timedCard measures the time spent on the card (read cert, PIN verify, sign).
type timedCard struct {
	inner sso.CardLogin
	spent time.Duration
}

func (tc *timedCard) AuthCertificate(ctx context.Context) ([]byte, error) {
	t0 := time.Now()
	defer func() { tc.spent += time.Since(t0) }()
	return tc.inner.AuthCertificate(ctx)
}

func (tc *timedCard) SignStatement(ctx context.Context, msg []byte) ([]byte, error) {
	t0 := time.Now()
	defer func() { tc.spent += time.Since(t0) }()
	return tc.inner.SignStatement(ctx, msg)
}

func benchSetup(b *testing.B) *sso.Client {
	s, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	c, err := sso.New(context.Background(), sso.Profile{Issuer: s.Issuer, ClientID: idp.AppClientID, Scopes: sso.DefaultScopes, CAFile: s.CAFile})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkSignIn: the whole sign-in round trip on loopback with the
// in-process card, split into card time and network/provider time.
func BenchmarkSignIn(b *testing.B) {
	c := benchSetup(b)
	cs, _ := signer(b, "yamada-taro", "")
	tc := &timedCard{inner: cs}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := c.Login(context.Background(), tc); err != nil {
			b.Fatal(err)
		}
	}
	total := time.Since(start)
	b.ReportMetric(float64(tc.spent.Microseconds())/float64(b.N)/1000, "card-ms/op")
	b.ReportMetric(float64((total-tc.spent).Microseconds())/float64(b.N)/1000, "network+provider-ms/op")
}

// BenchmarkRefresh: one refresh round trip (rotation included).
func BenchmarkRefresh(b *testing.B) {
	c := benchSetup(b)
	cs, _ := signer(b, "yamada-taro", "")
	tok, err := c.Login(context.Background(), cs)
	if err != nil {
		b.Fatal(err)
	}
	rt := tok.RefreshToken
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		nt, err := c.Refresh(context.Background(), rt)
		if err != nil {
			b.Fatal(err)
		}
		rt = nt.RefreshToken
	}
}
