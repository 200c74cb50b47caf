// Command catalog-texts helps whoever translates Madoguchi: it lists the
// catalogue's texts (every life event's questions, procedures, reasons and
// items to bring, by the keys catalog/lang/<tag>.yaml uses) with their
// Japanese and English, and what a language still lacks.
//
//	go run ./procedures/cmd/catalog-texts export            # all texts, JSON
//	go run ./procedures/cmd/catalog-texts missing vi        # what vi lacks, JSON
//
// The messages of the app itself are in i18n/locales/<tag>.json.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"madoguchi/procedures"
)

func main() {
	if len(os.Args) < 2 || (os.Args[1] == "missing" && len(os.Args) < 3) {
		fmt.Fprintln(os.Stderr, "usage: catalog-texts export | missing LANG")
		os.Exit(2)
	}
	cat, err := procedures.Bundled(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := map[string]map[string]map[string]string{}
	for _, e := range cat.Events {
		for k, t := range e.Texts() {
			if os.Args[1] == "missing" && t[os.Args[2]] != "" {
				continue
			}
			if out[e.ID] == nil {
				out[e.ID] = map[string]map[string]string{}
			}
			out[e.ID][k] = map[string]string{"ja": t["ja"], "en": t["en"]}
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
