package gui

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"madoguchi/account"
	"madoguchi/app/demo"
	"madoguchi/auth/keystore"
	"madoguchi/auth/reader"
	"madoguchi/auth/sso"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/intake"
	"madoguchi/sandbox/issuer"
)

// fileKeys is a keyring in a file, so that a killed process and the test
// share it (the OS keyring plays this part for the real app).
type fileKeys struct {
	path string
	mu   sync.Mutex
}

func (f *fileKeys) load() map[string]string {
	m := map[string]string{}
	if b, err := os.ReadFile(f.path); err == nil {
		json.Unmarshal(b, &m)
	}
	return m
}

func (f *fileKeys) Get(service, user string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.load()[service+"/"+user]
	if !ok {
		return "", keystore.ErrNotFound
	}
	return v, nil
}

func (f *fileKeys) Set(service, user, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.load()
	m[service+"/"+user] = value
	b, _ := json.Marshal(m)
	tmp := f.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, f.path)
}

func (f *fileKeys) Delete(service, user string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.load()
	delete(m, service+"/"+user)
	b, _ := json.Marshal(m)
	return os.WriteFile(f.path, b, 0o600)
}

// wizardAnswers are the moving questions answered in the window's order.
var wizardAnswers = []struct {
	q string
	v any
}{
	{"move_date", time.Date(2027, 3, 28, 0, 0, 0, 0, time.Local)}, {"same_municipality", false}, {"new_postal_code", "5300001"},
	{"new_address_line", "梅田一丁目1番1号"}, {"movers", []string{"山田 太郎"}}, {"health_insurance", "kokuho"},
	{"registered_seal", false}, {"foreign_mover", false}, {"has_dog", false},
}

// TestMain runs the wizard as a child process when asked (the kill test).
func TestMain(m *testing.M) {
	if os.Getenv("MADOGUCHI_WIZARD_CHILD") == "1" {
		os.Exit(wizardChild())
	}
	os.Exit(m.Run())
}

// wizardChild signs in and answers the moving questions as the window
// does, saying "answered Q" after each answer was kept.
func wizardChild() int {
	var p sso.Profile
	b, _ := os.ReadFile(os.Getenv("MADOGUCHI_PROFILE"))
	json.Unmarshal(b, &p)
	r, _ := fixtures.ByID("yamada-taro")
	d, _ := demo.NewReader(r.ID)
	m := reader.NewMonitor(d.Backend(), "")
	ctx := context.Background()
	go m.Run(ctx)
	waitIdentified(m)
	keys := keystore.New(&fileKeys{path: os.Getenv("MADOGUCHI_KEYS")})
	s := &signInService{m: m, profile: p, keep: true, keys: keys}
	if _, err := s.SignIn(ctx, func(string, int) ([]byte, bool, error) { return []byte(r.AuthPIN), false, nil },
		func([]string) error { return nil }); err != nil {
		fmt.Println("error", err)
		return 1
	}
	life, err := newLifeService(s, m)
	if err != nil {
		return 1
	}
	for _, a := range wizardAnswers {
		if _, err := life.Answer(ctx, "moving", a.q, a.v, "ja"); err != nil {
			fmt.Println("error", err)
			return 1
		}
		fmt.Println("answered", a.q)
		time.Sleep(15 * time.Millisecond)
	}
	fmt.Println("done")
	return 0
}

// The wizard killed (SIGKILL) at random moments: every answer the window
// had confirmed is in the sealed draft afterwards — nothing lost.
func TestWizardKilledLosesNoAnswer(t *testing.T) {
	srv, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Mount: []func(*idp.Server, *http.ServeMux) error{issuer.Mount, intake.Mount}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	profilePath := filepath.Join(t.TempDir(), "profile.json")
	pb, _ := json.Marshal(demo.Profile(srv, "test-city"))
	os.WriteFile(profilePath, pb, 0o600)
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	killed := 0
	for round := 0; round < 10; round++ {
		data, keysPath := t.TempDir(), filepath.Join(t.TempDir(), "keys.json")
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "MADOGUCHI_WIZARD_CHILD=1", "MADOGUCHI_PROFILE="+profilePath,
			"XDG_DATA_HOME="+data, "MADOGUCHI_KEYS="+keysPath)
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killAfter := 1 + rng.Intn(len(wizardAnswers)-1) // answers confirmed before the kill
		var confirmed []string
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if q, ok := strings.CutPrefix(line, "answered "); ok {
				confirmed = append(confirmed, q)
				if len(confirmed) == killAfter {
					cmd.Process.Kill() // maybe midway through saving the next one
					killed++
					break
				}
			}
			if strings.HasPrefix(line, "error") {
				t.Fatalf("child: %s", line)
			}
		}
		cmd.Wait()
		// the app starts again: the kept session, the sealed draft
		c, err := sso.New(context.Background(), demo.Profile(srv, "test-city"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := account.Resume(c, account.Options{Keys: keystore.New(&fileKeys{path: keysPath}), Keep: true, DataDir: filepath.Join(data, "madoguchi")})
		if err != nil {
			t.Fatalf("round %d: resume: %v", round, err)
		}
		d, found, err := a.LoadDraft(context.Background(), "moving")
		a.Close()
		if err != nil || !found {
			t.Fatalf("round %d: no draft after %d answers (%v)", round, len(confirmed), err)
		}
		for _, q := range confirmed {
			if !strings.Contains(string(d.Answers), q+":") {
				t.Fatalf("round %d: %q was confirmed and is lost; draft:\n%s", round, q, d.Answers)
			}
		}
	}
	if killed == 0 {
		t.Fatal("no kill: the test tested nothing")
	}
}
