package procedures

import (
	"strings"
	"testing"
	"testing/fstest"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

func bundledCatalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := Bundled(i18n.Languages())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The bundled catalogue loads: schema-valid, every text in every shipped
// language, every condition type-checked.
func TestBundledCatalog(t *testing.T) {
	c := bundledCatalog(t)
	for _, id := range []string{"moving", "job-change", "birth"} {
		if _, ok := c.Event(id); !ok {
			t.Errorf("no event %s", id)
		}
	}
}

// A mistake in a catalogue file fails at load time with CATALOG-INVALID,
// naming the file.
func TestCatalogMistakesFailToLoad(t *testing.T) {
	good := `id: x
name: {ja: エックス, en: X}
help: {ja: ヘルプ, en: Help}
date: d
questions:
  - {id: d, type: date, text: {ja: いつ, en: When}}
  - {id: flag, type: yesno, text: {ja: はい, en: Yes}}
procedures:
  - id: p
    name: {ja: 手続, en: Procedure}
    why: {ja: 理由, en: Why}
    basis: {ja: 根拠, en: Basis}
    office: municipality
    channel: counter
    when: flag
    filer: self
    deadline: {from: d, days: 14, counting: first-day-excluded}
`
	if _, err := Load(fstest.MapFS{"x.yaml": {Data: []byte(good)}}, []string{"ja", "en"}); err != nil {
		t.Fatalf("good file: %v", err)
	}
	for name, bad := range map[string][2]string{
		"typo in a condition":         {"when: flag", "when: flagg"},
		"condition of the wrong type": {"when: flag", "when: d"},
		"unknown function":            {"when: flag", "when: age_of(d) > 3"},
		"unknown field":               {"filer: self", "filer: self\n    sigern: self"},
		"unknown channel":             {"channel: counter", "channel: fax"},
		"missing English":             {"why: {ja: 理由, en: Why}", "why: {ja: 理由}"},
		"unknown counting":            {"counting: first-day-excluded", "counting: business-days"},
		"deadline from a non-date":    {"from: d,", "from: flag,"},
		"not YAML":                    {"procedures:", "procedures: ["},
	} {
		src := strings.Replace(good, bad[0], bad[1], 1)
		_, err := Load(fstest.MapFS{"x.yaml": {Data: []byte(src)}}, []string{"ja", "en"})
		if failure.CodeOf(err) != CodeCatalog || !strings.Contains(err.Error(), "x.yaml") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
