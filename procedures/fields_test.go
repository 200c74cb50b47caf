package procedures

import (
	"strings"
	"testing"

	"madoguchi/i18n"
)

// Every field a form carries has a label in every language (the review
// before signing showed "move_out_date" as it is spelt in the catalogue),
// and so does the address a postal code fills in.
func TestEveryFieldHasALabel(t *testing.T) {
	for _, lang := range i18n.Languages() {
		tr := i18n.New(lang)
		for _, e := range events(t) {
			for _, pr := range e.Procedures {
				for _, in := range pr.Inputs {
					ids := []string{in.ID}
					if q, ok := strings.CutPrefix(in.Source, "answer:"); ok {
						if qq, _ := e.Question(q); qq != nil && qq.Type == TypePostal {
							ids = append(ids, in.ID+"_address")
						}
					}
					for _, id := range ids {
						if !tr.Has("field." + id) {
							t.Errorf("%s: %s/%s: no label field.%s", lang, e.ID, pr.ID, id)
						}
					}
				}
			}
		}
	}
}
