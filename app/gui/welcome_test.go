package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Choosing a municipality at first start: a profile file is checked before
// it is kept.
func TestInstallProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "madoguchi", "profile.json")
	for _, bad := range []string{`not json`, `{"issuer":"https://city.example"}`, `{"issuer":"http://city.example","client_id":"app"}`} {
		if err := installProfile([]byte(bad), path); err == nil || !strings.Contains(err.Error(), "PROFILE-INVALID") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("an invalid profile was kept")
	}
	for _, good := range []string{`{"issuer":"https://city.example","client_id":"madoguchi-app"}`, `{"issuer":"https://127.0.0.1:8443","client_id":"madoguchi-app"}`, `{"issuer":"http://127.0.0.1:8443","client_id":"madoguchi-app"}`} {
		if err := installProfile([]byte(good), path); err != nil {
			t.Errorf("%s: %v", good, err)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("kept profile: %v %v", fi, err)
	}
}
