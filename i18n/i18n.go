package i18n

import (
	"embed"
	"encoding/json"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"madoguchi/i18n/failure"
)

//go:embed locales/*.json
var locales embed.FS

// Default is the language used when nothing else is known: the app serves
// residents of Japan.
const Default = "ja"

var (
	bundleOnce sync.Once
	bundle     *i18n.Bundle
	tags       []string
)

func load() {
	bundle = i18n.NewBundle(language.Japanese)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	entries, _ := locales.ReadDir("locales")
	for _, e := range entries {
		if _, err := bundle.LoadMessageFileFS(locales, path.Join("locales", e.Name())); err != nil {
			panic("i18n: " + e.Name() + ": " + err.Error())
		}
		tags = append(tags, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(tags)
}

// Languages lists the available catalogue tags.
func Languages() []string {
	bundleOnce.Do(load)
	return append([]string(nil), tags...)
}

// Detect picks a language from the environment (LC_ALL, LC_MESSAGES, LANG),
// e.g. "en_US.UTF-8" → "en"; Default when unset or "C".
func Detect() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" || v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.") {
			continue
		}
		v = strings.SplitN(v, ".", 2)[0]
		return strings.ReplaceAll(v, "_", "-")
	}
	return Default
}

// Match returns the catalogue tag serving lang ("ja-JP" → "ja"), or Default.
func Match(lang string) string {
	bundleOnce.Do(load)
	lang = strings.ReplaceAll(lang, "_", "-")
	for _, t := range tags {
		if strings.EqualFold(t, lang) {
			return t
		}
	}
	base := strings.SplitN(lang, "-", 2)[0]
	for _, t := range tags {
		if strings.EqualFold(t, base) {
			return t
		}
	}
	return Default
}

// Localizer translates for one language (with fallback to Japanese, then
// English, so a missing string never shows as an empty label).
type Localizer struct {
	lang string
	l    *i18n.Localizer
}

// New returns a localizer for lang ("ja", "en", "en-US", …).
func New(lang string) *Localizer {
	bundleOnce.Do(load)
	if lang == "" {
		lang = Default
	}
	return &Localizer{lang: lang, l: i18n.NewLocalizer(bundle, lang, Default, "en")}
}

// Lang is the requested language.
func (l *Localizer) Lang() string { return l.lang }

// T returns the message id, filled with data (a template map), or the id
// itself when no catalogue has it (visible in tests, never a blank).
func (l *Localizer) T(id string, data ...map[string]any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
		if n, ok := data[0]["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := l.l.Localize(cfg)
	if err != nil && cfg.PluralCount != nil {
		// a message written once for every count (no plural forms): a
		// Count is data, not a plural choice
		cfg.PluralCount = nil
		s, err = l.l.Localize(cfg)
	}
	if err != nil || s == "" {
		return id
	}
	return s
}

// JST is Japan Standard Time. Dates of the card and the municipality (JPKI
// expiry at 23:59:59 JST on a birthday, birth dates, issue dates) are
// Japanese dates: shown in JST whatever the PC's time zone, so the CLI,
// doctor and the GUI show the same day.
var JST = time.FixedZone("JST", 9*3600)

// Date formats t as a Japanese calendar date in the language's layout. It is
// the one date formatter of the app.
func (l *Localizer) Date(t time.Time) string {
	return t.In(JST).Format(l.T("date.layout"))
}

// DateTime formats t as a JST date and time of day (when an invitation
// ends, when an act was done).
func (l *Localizer) DateTime(t time.Time) string {
	return t.In(JST).Format(l.T("date.layout")) + " " + t.In(JST).Format("15:04")
}

// Has reports whether some catalogue defines id.
func (l *Localizer) Has(id string) bool {
	_, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: id})
	return err == nil
}

// Failure is a failure code explained for people.
type Failure struct {
	Code   string `json:"code"`
	Title  string `json:"title"`
	Cause  string `json:"cause"`
	Action string `json:"action"`
}

// Failure explains a stable failure code (e.g. "PIN-WRONG") with data such as
// {"TriesLeft": 2, "Secret": "..."}; unknown codes get the generic text.
func (l *Localizer) Failure(code string, data map[string]any) Failure {
	return l.explain(code, "failure."+code, data)
}

func (l *Localizer) explain(code, key string, data map[string]any) Failure {
	if !l.Has(key + ".cause") {
		key = "failure.UNKNOWN"
	}
	return Failure{
		Code:   code,
		Title:  l.T(key+".title", data),
		Cause:  l.T(key+".cause", data),
		Action: l.T(key+".action", data),
	}
}

// Explain is what a person sees of err, at the CLI and in the GUI alike: the
// failure in it (failure.From: CANCELLED for a cancelled context, UNKNOWN
// for an uncoded error — a defect) in its texts, naming the secret concerned
// (data["Secret"] → SecretName). When a provider gave its own reason
// (data["ProviderCode"], e.g. AUTH-CERT-REVOKED) that the catalogue knows,
// that reason is explained; Code then reads "SSO-LOGIN-REFUSED /
// AUTH-CERT-REVOKED".
func (l *Localizer) Explain(err error) Failure {
	e := failure.From(err)
	code := string(e.Code)
	d := map[string]any{}
	for k, v := range e.Data {
		switch x := v.(type) {
		case Key:
			v = l.T(string(x))
		case Localized:
			v = x.In(l.lang)
		}
		d[k] = v
	}
	if sec, ok := d["Secret"].(string); ok && sec != "" {
		d["SecretName"] = l.T("secret." + sec)
	}
	f := l.explain(code, e.MessageKey(), d)
	if pc, _ := d["ProviderCode"].(string); pc != "" {
		if l.Has("failure." + pc + ".cause") {
			f = l.Failure(pc, d)
		}
		f.Code = code + " / " + pc
	}
	return f
}
