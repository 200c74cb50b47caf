package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"madoguchi/auth/sso"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

// `madoguchi sandbox` creates its development CA, writes the profile the app
// uses, prints the CA path, and the provider answers discovery over HTTPS
// trusting only that CA.
func TestSandboxServe(t *testing.T) {
	dir := t.TempDir()
	var errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &errb, Tr: i18n.New("en")}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sandboxServe(ctx, env, "127.0.0.1:0", dir, false) }()
	path := sandboxProfilePath(dir)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no profile written; stderr: %s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	p, err := sso.LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.CAFile, dir) || !strings.HasPrefix(p.Issuer, "https://127.0.0.1:") {
		t.Fatalf("%+v", p)
	}
	if _, err := sso.New(context.Background(), p); err != nil {
		t.Fatalf("discovery with the dev CA: %v", err)
	}
	// without the dev CA the server is not trusted: verification is never off
	p.CAFile = ""
	if _, err := sso.New(context.Background(), p); failure.CodeOf(err) != sso.CodeUnreachable {
		t.Fatalf("untrusted server accepted: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), p.Issuer) || !strings.Contains(errb.String(), "dev-ca.pem") {
		t.Fatalf("stderr: %s", errb.String())
	}
}
