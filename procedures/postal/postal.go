// Package postal owns the offline postal code → address table: a 7-digit
// code gives the prefecture, municipality and town, so a resident types
// only the rest of the address. The table (postal.tsv.gz, embedded) is
// generated from Japan Post's KEN_ALL data by scripts/postal.sh, which
// names its source and terms; nothing is looked up online.
package postal

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"sort"
	"strings"
	"sync"
)

//go:embed postal.tsv.gz
var table []byte

// Address is what a postal code names.
type Address struct {
	Code       string `json:"code"` // 7 digits
	Prefecture string `json:"prefecture"`
	City       string `json:"city"` // municipality (市区町村, with a designated city's ward)
	Town       string `json:"town"` // "" when the code covers the whole municipality
}

// String is the address as written in Japan (no separators).
func (a Address) String() string { return a.Prefecture + a.City + a.Town }

var (
	once  sync.Once
	data  []byte
	lines []int // offsets of each line's start, sorted by code
)

func load() {
	zr, err := gzip.NewReader(bytes.NewReader(table))
	if err != nil {
		return
	}
	data, _ = io.ReadAll(zr)
	for i := 0; i < len(data); {
		lines = append(lines, i)
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
}

func line(i int) string {
	s := data[lines[i]:]
	if j := bytes.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	return string(s)
}

// Lookup returns the addresses of a postal code ("100-0013" or "1000013";
// several for codes shared by towns), none for an unknown one.
func Lookup(code string) []Address {
	code = strings.ReplaceAll(strings.TrimSpace(code), "-", "")
	if len(code) != 7 || strings.Trim(code, "0123456789") != "" {
		return nil
	}
	once.Do(load)
	i := sort.Search(len(lines), func(i int) bool { return line(i)[:7] >= code })
	var out []Address
	for ; i < len(lines); i++ {
		f := strings.Split(line(i), "\t")
		if len(f) != 4 || f[0] != code {
			break
		}
		out = append(out, Address{Code: f[0], Prefecture: f[1], City: f[2], Town: f[3]})
	}
	return out
}
