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

// Easy is やさしい日本語 (Easy Japanese: short sentences, plain words,
// legal terms explained) — a private-use tag, because BCP 47 has none; it
// is matched only when asked for by name (or an alias), never for "ja".
const Easy = "ja-x-easy"

// Offered are the languages the app is written in, in the order a
// chooser lists them: Japanese and Easy Japanese first, then the largest
// groups of foreign residents.
var Offered = []string{"ja", Easy, "en", "vi", "zh-Hans", "ko", "pt-BR", "fil"}

// endonyms are the languages' names in themselves (a chooser shows them so,
// whatever the current language).
var endonyms = map[string]string{"ja": "日本語", Easy: "やさしい にほんご", "en": "English", "vi": "Tiếng Việt",
	"zh-Hans": "简体中文", "ko": "한국어", "pt-BR": "Português (Brasil)", "fil": "Filipino"}

// Endonym is the language's name in itself ("Tiếng Việt").
func Endonym(tag string) string {
	if n, ok := endonyms[tag]; ok {
		return n
	}
	return tag
}

// aliases are names people type for a language that BCP 47 matching does
// not find (Easy Japanese has no registered tag).
var aliases = map[string]string{"easy": Easy, "ja-easy": Easy, "easy-ja": Easy, "yasashii": Easy,
	"やさしい日本語": Easy, "やさしいにほんご": Easy, "tl": "fil", "tagalog": "fil", "filipino": "fil"}

var (
	bundleOnce sync.Once
	bundles    map[string]*i18n.Bundle // one per language: no matcher folds ja-x-easy into ja
	tags       []string
	matcher    language.Matcher
	matchTags  []string // the tags matcher was built from (all but Easy)
)

func load() {
	bundles = map[string]*i18n.Bundle{}
	entries, _ := locales.ReadDir("locales")
	for _, e := range entries {
		tag := strings.TrimSuffix(e.Name(), ".json")
		lt, err := language.Parse(tag)
		if err != nil {
			panic("i18n: " + e.Name() + ": " + err.Error())
		}
		b := i18n.NewBundle(lt)
		b.RegisterUnmarshalFunc("json", json.Unmarshal)
		if _, err := b.LoadMessageFileFS(locales, path.Join("locales", e.Name())); err != nil {
			panic("i18n: " + e.Name() + ": " + err.Error())
		}
		bundles[tag] = b
		tags = append(tags, tag)
	}
	sort.SliceStable(tags, func(i, j int) bool { return offeredRank(tags[i]) < offeredRank(tags[j]) })
	var supported []language.Tag
	for _, t := range tags {
		if t != Easy {
			supported = append(supported, language.MustParse(t))
			matchTags = append(matchTags, t)
		}
	}
	matcher = language.NewMatcher(supported)
}

func offeredRank(tag string) int {
	for i, t := range Offered {
		if t == tag {
			return i
		}
	}
	return len(Offered)
}

// Languages lists the available catalogue tags, in the chooser's order.
func Languages() []string {
	bundleOnce.Do(load)
	return append([]string(nil), tags...)
}

// Detect picks a language from the environment (LC_ALL, LC_MESSAGES, LANG),
// e.g. "vi_VN.UTF-8" → "vi-VN"; Default when unset or "C".
func Detect() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" || v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.") {
			continue
		}
		v = strings.SplitN(v, ".", 2)[0]
		v = strings.SplitN(v, "@", 2)[0]
		return strings.ReplaceAll(v, "_", "-")
	}
	return Default
}

// Lookup returns the catalogue tag serving lang and whether one does:
// the tag itself, an alias ("easy", "tl"), or the closest by BCP 47
// (en-US → en, zh-CN → zh-Hans, pt → pt-BR, fil-PH → fil, ja-JP → ja).
// A language the app is not written in is not found (ok false).
func Lookup(lang string) (tag string, ok bool) {
	bundleOnce.Do(load)
	l := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(lang, "_", "-")))
	if l == "" {
		return Default, false
	}
	for _, t := range tags {
		if strings.ToLower(t) == l {
			return t, true
		}
	}
	if t, ok := aliases[l]; ok && bundles[t] != nil {
		return t, true
	}
	lt, err := language.Parse(l)
	if err != nil {
		return Default, false
	}
	_, i, conf := matcher.Match(lt)
	if conf == language.No {
		return Default, false
	}
	return matchTags[i], true
}

// Statuses of a language's texts (the "meta.status" message of its file).
const (
	StatusSource   = "source"   // written by the project: the texts others are translated from
	StatusReviewed = "reviewed" // translated and reviewed by a fluent reader
	StatusDraft    = "draft"    // translated, not yet reviewed: the About screen says so
)

// Status is the status of tag's texts.
func Status(tag string) string {
	bundleOnce.Do(load)
	b := bundles[tag]
	if b == nil {
		return ""
	}
	s, _ := localize(i18n.NewLocalizer(b, tag), "meta.status")
	return s
}

// Match returns the catalogue tag serving lang, or Default.
func Match(lang string) string {
	t, _ := Lookup(lang)
	return t
}

// Localizer translates for one language (with fallback — Easy Japanese to
// Japanese, every other language to English, then Japanese — so a missing
// string never shows as an empty label).
type Localizer struct {
	lang  string // the catalogue tag
	chain []*i18n.Localizer
}

// Fallbacks are the languages a text is looked up in, in order, for tag.
func Fallbacks(tag string) []string {
	switch tag {
	case "ja":
		return []string{"ja", "en"}
	case Easy:
		return []string{Easy, "ja", "en"}
	case "en":
		return []string{"en", "ja"}
	}
	return []string{tag, "en", "ja"}
}

// New returns a localizer for lang ("ja", "en", "en-US", "vi_VN", …),
// matched as Match does.
func New(lang string) *Localizer {
	bundleOnce.Do(load)
	if lang == "" {
		lang = Default
	}
	tag := Match(lang)
	l := &Localizer{lang: tag}
	for _, t := range Fallbacks(tag) {
		if b := bundles[t]; b != nil {
			l.chain = append(l.chain, i18n.NewLocalizer(b, t))
		}
	}
	return l
}

// Lang is the catalogue tag the localizer writes in.
func (l *Localizer) Lang() string { return l.lang }

// T returns the message id, filled with data (a template map), or the id
// itself when no catalogue has it (visible in tests, never a blank).
func (l *Localizer) T(id string, data ...map[string]any) string {
	for _, loc := range l.chain {
		if s, ok := localize(loc, id, data...); ok {
			return s
		}
	}
	return id
}

// localize is id in one language, when that language has it.
func localize(loc *i18n.Localizer, id string, data ...map[string]any) (string, bool) {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
		if n, ok := data[0]["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := loc.Localize(cfg)
	if err != nil && cfg.PluralCount != nil {
		// a message written once for every count (no plural forms): a
		// Count is data, not a plural choice
		cfg.PluralCount = nil
		s, err = loc.Localize(cfg)
	}
	return s, err == nil && s != ""
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
	for _, loc := range l.chain {
		if _, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id}); err == nil {
			return true
		}
	}
	return false
}

// HasOwn reports whether the localizer's own language defines id (no
// fallback): what a translation-completeness test asks.
func (l *Localizer) HasOwn(id string) bool {
	if len(l.chain) == 0 {
		return false
	}
	_, err := l.chain[0].Localize(&i18n.LocalizeConfig{MessageID: id})
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
