package i18n

import (
	"encoding/json"
	"strings"
	"testing"
	"text/template"
)

func catalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := locales.ReadFile("locales/" + lang + ".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Every catalogue has exactly the keys of the Japanese one, no empty
// message, and templates that parse and use the same fields.
func TestCataloguesAreComplete(t *testing.T) {
	ja := catalogue(t, "ja")
	if len(Languages()) < 2 {
		t.Fatalf("languages %v", Languages())
	}
	for _, lang := range Languages() {
		m := catalogue(t, lang)
		for k := range ja {
			if _, ok := m[k]; !ok {
				t.Errorf("%s: missing %q", lang, k)
			}
		}
		for k, v := range m {
			if _, ok := ja[k]; !ok {
				t.Errorf("%s: %q is not in ja", lang, k)
			}
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", lang, k)
			}
			if _, err := template.New(k).Parse(v); err != nil {
				t.Errorf("%s: %q: %v", lang, k, err)
			}
			if fields(v) != fields(ja[k]) {
				t.Errorf("%s: %q uses fields %q, ja uses %q", lang, k, fields(v), fields(ja[k]))
			}
		}
	}
}

func fields(s string) string {
	var out []string
	for _, part := range strings.Split(s, "{{.")[1:] {
		out = append(out, strings.SplitN(part, "}}", 2)[0])
	}
	set := map[string]bool{}
	for _, f := range out {
		set[f] = true
	}
	var uniq []string
	for f := range set {
		uniq = append(uniq, f)
	}
	if len(uniq) > 1 {
		// order-insensitive comparison
		for i := range uniq {
			for j := i + 1; j < len(uniq); j++ {
				if uniq[j] < uniq[i] {
					uniq[i], uniq[j] = uniq[j], uniq[i]
				}
			}
		}
	}
	return strings.Join(uniq, ",")
}

func TestFailureTextsFilled(t *testing.T) {
	for _, lang := range Languages() {
		l := New(lang)
		f := l.Failure("PIN-WRONG", map[string]any{"TriesLeft": 2, "SecretName": "X"})
		if !strings.Contains(f.Action, "2") || !strings.Contains(f.Cause, "X") {
			t.Errorf("%s: %+v", lang, f)
		}
		u := l.Failure("NO-SUCH-CODE", nil)
		if u.Code != "NO-SUCH-CODE" || u.Title != l.T("failure.UNKNOWN.title") {
			t.Errorf("%s: unknown code explained as %+v", lang, u)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, c := range []struct{ lcAll, lang, want string }{
		{"", "en_US.UTF-8", "en-US"},
		{"", "ja_JP.UTF-8", "ja-JP"},
		{"", "C.UTF-8", Default},
		{"vi_VN.UTF-8", "en_US.UTF-8", "vi-VN"},
		{"", "", Default},
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		if got := Detect(); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q: %q, want %q", c.lcAll, c.lang, got, c.want)
		}
	}
	if New("en-US").T("common.cancel") != "Cancel" {
		t.Error("en-US does not fall back to en")
	}
	if New("fr").T("common.cancel") != "キャンセル" {
		t.Error("a language the app is not written in does not fall back to Japanese")
	}
}

// The app is written in the eight languages it offers, each file with a
// status (source, reviewed or draft) the About screen says.
func TestOfferedLanguages(t *testing.T) {
	for _, l := range Offered {
		if _, err := locales.ReadFile("locales/" + l + ".json"); err != nil {
			t.Errorf("%s is offered and has no messages", l)
		}
		if st := Status(l); st != StatusSource && st != StatusReviewed && st != StatusDraft {
			t.Errorf("%s: status %q", l, st)
		}
		if Endonym(l) == l {
			t.Errorf("%s has no name of its own", l)
		}
	}
	if len(Languages()) != len(Offered) {
		t.Errorf("locale files %v, offered %v", Languages(), Offered)
	}
}

// Lookup finds the language a person or a system asks for — regional
// tags, scripts, aliases — and finds nothing for a language the app is not
// written in (never another one in silence).
func TestLookup(t *testing.T) {
	for in, want := range map[string]string{
		"ja": "ja", "ja-JP": "ja", "ja_JP": "ja", "JA": "ja",
		"ja-x-easy": Easy, "easy": Easy, "yasashii": Easy, "やさしい日本語": Easy,
		"en": "en", "en-US": "en", "en-GB": "en", "en_AU": "en",
		"vi": "vi", "vi-VN": "vi", "vi_VN": "vi",
		"zh": "zh-Hans", "zh-CN": "zh-Hans", "zh-Hans": "zh-Hans", "zh-SG": "zh-Hans", "zh-Hans-CN": "zh-Hans",
		"ko": "ko", "ko-KR": "ko",
		"pt": "pt-BR", "pt-BR": "pt-BR", "pt_BR": "pt-BR", "pt-PT": "pt-BR",
		"fil": "fil", "fil-PH": "fil", "tl": "fil", "tl-PH": "fil",
	} {
		if got, ok := Lookup(in); !ok || got != want {
			t.Errorf("Lookup(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"fr", "de-DE", "xx", "", "C", "!!"} {
		if got, ok := Lookup(in); ok {
			t.Errorf("Lookup(%q) = %q, want not found", in, got)
		}
	}
	// Easy Japanese is never what plain Japanese finds, and falls back to
	// Japanese (not English) for anything it lacks
	if Match("ja-JP") == Easy || Fallbacks(Easy)[1] != "ja" {
		t.Error("Easy Japanese and Japanese are confused")
	}
}

// Every message of every language says itself whatever count it is given:
// a message written once (no plural forms) is not turned into its raw key
// when the count is one (the plan's "File online in one go" heading was
// shown as life.file_title with one form to file).
func TestEveryMessageWithAnyCount(t *testing.T) {
	for _, lang := range Languages() {
		data, err := locales.ReadFile("locales/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]any
		if err := json.Unmarshal(data, &msgs); err != nil {
			t.Fatal(err)
		}
		tr := New(lang)
		for id := range msgs {
			for _, n := range []int{0, 1, 2, 5, 21} {
				if got := tr.T(id, map[string]any{"Count": n}); got == id {
					t.Errorf("%s: %s with Count %d is its raw key", lang, id, n)
				}
			}
		}
	}
}
