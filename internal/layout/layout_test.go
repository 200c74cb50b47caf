package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "madoguchi"

// The layout rule. Dependencies point one way:
//
//	main (the root)  → app
//	app              → ui, account, procedures, auth, store, protocol, i18n;
//	                   sandbox only from demo wiring (files left out by -tags nosandbox, ADR 0010)
//	ui               → i18n only (it declares the service interfaces it needs; app implements them)
//	account          → auth, store, procedures, protocol, i18n
//	auth, procedures, store → protocol, i18n at most (procedures takes its drafts store as an interface)
//	protocol         → i18n only
//	i18n             → nothing of the module
//	sandbox          → protocol, i18n: it shares formats with the client only through protocol/,
//	                   never through the client's internals (an emulator built on the client's
//	                   own codec mirrors its mistakes)
//	integration, internal → nothing (test-only packages: their tests may import anything)
//
// Nothing imports app (but main) or ui (but app). A subpackage counts as its
// top-level folder (procedures/postal is procedures) and imports within a
// folder are free (account/wallet is the account's). i18n, with the one
// failure type (i18n/failure), is open to every package. app may use
// protocol/ directly: its types are the vocabulary account and procedures
// speak in (receipts, grants, certificates). One edge beyond the rule is
// allowed by name (adapters, below): the virtual card's in-process reader,
// sandbox/card/inproc → auth/card. Known violations awaiting a fix would be
// listed by file in exceptions (empty today).
//
// Only non-test files count, in every build configuration (files left out
// by build tags or GOOS are read too). _test.go files are free, except that
// ui's tests stay free of app.
var allowed = map[string][]string{
	"main":        {"app"},
	"app":         {"ui", "account", "procedures", "auth", "store", "protocol", "i18n", "sandbox"},
	"ui":          {"i18n"},
	"account":     {"auth", "store", "procedures", "protocol", "i18n"},
	"auth":        {"protocol", "i18n"},
	"procedures":  {"protocol", "i18n"},
	"store":       {"protocol", "i18n"},
	"protocol":    {"i18n"},
	"i18n":        {},
	"sandbox":     {"protocol", "i18n"},
	"integration": {},
	"internal":    {},
}

// The tag that builds the resident's binary without the sandbox (ADR 0010):
// app's files that import sandbox/ must be left out by it.
const noSandboxTag = "nosandbox"

// An edge is one package allowed to import one package beyond the rule, as
// a design decision (not a debt to pay off).
type edge struct {
	from, to, why string
}

var adapters = []edge{{
	from: "madoguchi/sandbox/card/inproc", to: "madoguchi/auth/card",
	why: "the in-process reader adapter (ADR 0011): it implements the client's card.Transport and " +
		"card.Backend ports over the virtual card for the demo and unit tests, passing raw APDUs; it " +
		"uses the client's port types and errors, no codec of the client's. The virtual card itself " +
		"(sandbox/card) never imports auth/ (sandbox/card/deps_test.go).",
}}

// An exception is a known violation waiting for its fix: one file's one
// import, with who owns the fix and why it is not fixed yet. The test fails
// once an exception is no longer needed, so the list only shrinks.
type exception struct {
	file, imp, why string
}

var exceptions = []exception{}

// groupOf is the top-level folder of an import path of the module.
func groupOf(path string) string {
	if path == module {
		return "main"
	}
	top, _, _ := strings.Cut(strings.TrimPrefix(path, module+"/"), "/")
	return top
}

func inModule(path string) bool { return path == module || strings.HasPrefix(path, module+"/") }

// srcFile is what the rule needs of one Go file.
type srcFile struct {
	pkg     string // import path
	name    string // package name in the file
	rel     string // path from the module root, slash-separated
	test    bool
	build   constraint.Expr // the //go:build line; nil when there is none
	imports []string
	doc     string // the package doc comment's text
}

// excludedBy reports whether a file with this build constraint is left out
// whenever tag is set (whatever the other tags are).
func excludedBy(build constraint.Expr, tag string) bool {
	if build == nil {
		return false
	}
	for _, others := range []bool{false, true} {
		if build.Eval(func(t string) bool { return t == tag || others }) {
			return false
		}
	}
	return true
}

// checkImports returns one line per forbidden import, naming the file.
func checkImports(files []srcFile, adapters []edge, exceptions []exception) []string {
	var problems []string
	used := make([]bool, len(exceptions))
	unknown := map[string]bool{}
	for _, f := range files {
		from := groupOf(f.pkg)
		if f.test {
			for _, imp := range f.imports {
				if from == "ui" && inModule(imp) && groupOf(imp) == "app" {
					problems = append(problems, fmt.Sprintf("%s imports %s: ui's tests stay free of app (they run on Fyne's test driver with fakes of ui's own ports)", f.rel, imp))
				}
			}
			continue
		}
		rule, ok := allowed[from]
		if !ok {
			if !unknown[from] {
				unknown[from] = true
				problems = append(problems, fmt.Sprintf("%s: top-level folder %s/ is not in the layout rule (internal/layout/layout_test.go): add it, with what it may import", f.rel, from))
			}
			continue
		}
	imports:
		for _, imp := range f.imports {
			if !inModule(imp) {
				continue
			}
			to := groupOf(imp)
			if to == from {
				continue
			}
			if slices.Contains(rule, to) {
				if from == "app" && to == "sandbox" && !excludedBy(f.build, noSandboxTag) {
					problems = append(problems, fmt.Sprintf("%s imports %s: app reaches the sandbox only from demo wiring, in files left out by -tags %s (ADR 0010: add //go:build !%s)", f.rel, imp, noSandboxTag, noSandboxTag))
				}
				continue
			}
			for _, a := range adapters {
				if a.from == f.pkg && a.to == imp {
					continue imports
				}
			}
			for i, e := range exceptions {
				if e.file == f.rel && e.imp == imp {
					used[i] = true
					continue imports
				}
			}
			may := "nothing of the module"
			if len(rule) > 0 {
				may = strings.Join(rule, ", ")
			}
			problems = append(problems, fmt.Sprintf("%s imports %s: %s may import only %s (and its own subpackages)", f.rel, imp, from, may))
		}
	}
	for i, e := range exceptions {
		if !used[i] {
			problems = append(problems, fmt.Sprintf("exception %s → %s is no longer needed: remove it from the list (it was: %s)", e.file, e.imp, e.why))
		}
	}
	return problems
}

// checkDocs returns one line per package without a package doc comment in
// a non-test file: "Package name …", or "Command name …" for a command.
func checkDocs(files []srcFile) []string {
	type pkg struct {
		name, dir string
		ok        bool
	}
	pkgs := map[string]*pkg{}
	var order []string
	for _, f := range files {
		if f.test {
			continue
		}
		p := pkgs[f.pkg]
		if p == nil {
			p = &pkg{name: f.name, dir: filepath.ToSlash(filepath.Dir(f.rel))}
			pkgs[f.pkg] = p
			order = append(order, f.pkg)
		}
		if f.name != p.name {
			continue // an ignored file of another package (a //go:build ignore program)
		}
		want := "Package " + f.name
		if f.name == "main" {
			want = "Command "
		}
		if strings.HasPrefix(f.doc, want) && (f.name == "main" || len(f.doc) > len(want) && (f.doc[len(want)] == ' ' || f.doc[len(want)] == '\n')) {
			p.ok = true
		}
	}
	var problems []string
	for _, path := range order {
		if p := pkgs[path]; !p.ok {
			want := "// Package " + p.name + " …"
			if p.name == "main" {
				want = "// Command <name> …"
			}
			problems = append(problems, fmt.Sprintf("%s (%s/): no package doc comment: add %q before the package clause of one non-test file (usually doc.go)", path, p.dir, want))
		}
	}
	return problems
}

// listed is what `go list -json` says of a package.
type listed struct {
	ImportPath, Name, Dir                     string
	GoFiles, CgoFiles, IgnoredGoFiles         []string
	InvalidGoFiles, TestGoFiles, XTestGoFiles []string
}

// load reads every Go file of every package of the module.
func load(t *testing.T) []srcFile {
	t.Helper()
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,IgnoredGoFiles,InvalidGoFiles,TestGoFiles,XTestGoFiles", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var files []srcFile
	fset := token.NewFileSet()
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		// The package's own files first (go list sorts each list), so the
		// first file names the package even beside a //go:build ignore program.
		var names []string
		for _, l := range [][]string{p.GoFiles, p.CgoFiles, p.IgnoredGoFiles, p.InvalidGoFiles, p.TestGoFiles, p.XTestGoFiles} {
			for _, n := range l {
				if strings.HasSuffix(n, ".go") && !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
		for _, n := range names {
			path := filepath.Join(p.Dir, n)
			af, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly|parser.ParseComments)
			if err != nil {
				t.Errorf("%v", err)
				continue
			}
			rel, _ := filepath.Rel(root, path)
			f := srcFile{pkg: p.ImportPath, name: af.Name.Name, rel: filepath.ToSlash(rel), test: strings.HasSuffix(n, "_test.go")}
			if af.Doc != nil {
				f.doc = af.Doc.Text()
			}
			for _, cg := range af.Comments {
				if cg.Pos() > af.Package {
					break
				}
				for _, c := range cg.List {
					if constraint.IsGoBuild(c.Text) {
						if f.build, err = constraint.Parse(c.Text); err != nil {
							t.Errorf("%s: %v", f.rel, err)
						}
					}
				}
			}
			for _, s := range af.Imports {
				imp, _ := strconv.Unquote(s.Path.Value)
				f.imports = append(f.imports, imp)
			}
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Fatal("go list found no Go files")
	}
	return files
}

func TestDependenciesPointOneWay(t *testing.T) {
	for _, p := range checkImports(load(t), adapters, exceptions) {
		t.Error(p)
	}
	for _, a := range adapters {
		t.Logf("allowed beyond the rule: %s → %s: %s", a.from, a.to, a.why)
	}
	for _, e := range exceptions {
		t.Logf("excepted until fixed: %s → %s: %s", e.file, e.imp, e.why)
	}
}

func TestEveryPackageHasADocComment(t *testing.T) {
	for _, p := range checkDocs(load(t)) {
		t.Error(p)
	}
}

// The checks themselves, on made-up files.
func TestTheRuleCatchesWhatItShould(t *testing.T) {
	demoOnly, _ := constraint.Parse("//go:build !nosandbox")
	linux, _ := constraint.Parse("//go:build linux")
	files := []srcFile{
		{pkg: "madoguchi/ui", rel: "ui/a.go", imports: []string{"fmt", "madoguchi/i18n", "madoguchi/auth/card"}},
		{pkg: "madoguchi/ui", rel: "ui/a_test.go", test: true, imports: []string{"madoguchi/app/gui", "madoguchi/auth/card"}},
		{pkg: "madoguchi/auth/sso", rel: "auth/sso/a_test.go", test: true, imports: []string{"madoguchi/sandbox/idp"}},
		{pkg: "madoguchi/app/demo", rel: "app/demo/demo.go", build: demoOnly, imports: []string{"madoguchi/sandbox/card"}},
		{pkg: "madoguchi/app/cli", rel: "app/cli/x.go", build: linux, imports: []string{"madoguchi/sandbox/idp"}},
		{pkg: "madoguchi/procedures/postal", rel: "procedures/postal/p.go", imports: []string{"madoguchi/procedures", "madoguchi/store"}},
		{pkg: "madoguchi/account/wallet", rel: "account/wallet/w.go", imports: []string{"madoguchi/store", "madoguchi/account"}},
		{pkg: "madoguchi/account", rel: "account/a.go", imports: []string{"madoguchi/app"}},
		{pkg: "madoguchi/sandbox/card/inproc", rel: "sandbox/card/inproc/i.go", imports: []string{"madoguchi/auth/card", "madoguchi/auth/sso"}},
		{pkg: "madoguchi/sandbox/fixtures/gen", rel: "sandbox/fixtures/gen/main.go", imports: []string{"madoguchi/auth/card"}},
		{pkg: "madoguchi/tools", rel: "tools/t.go"},
	}
	got := checkImports(files, adapters, []exception{
		{file: "sandbox/fixtures/gen/main.go", imp: "madoguchi/auth/card"},
		{file: "store/s.go", imp: "madoguchi/app"},
	})
	want := []string{
		"ui/a.go imports madoguchi/auth/card: ui may import only i18n",
		"ui/a_test.go imports madoguchi/app/gui: ui's tests stay free of app",
		"app/cli/x.go imports madoguchi/sandbox/idp: app reaches the sandbox only from demo wiring",
		"procedures/postal/p.go imports madoguchi/store: procedures may import only protocol, i18n",
		"account/a.go imports madoguchi/app: account may import only",
		"sandbox/card/inproc/i.go imports madoguchi/auth/sso: sandbox may import only protocol, i18n",
		"tools/t.go: top-level folder tools/ is not in the layout rule",
		"exception store/s.go → madoguchi/app is no longer needed",
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range min(len(got), len(want)) {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s…", i, got[i], want[i])
		}
	}

	docs := checkDocs([]srcFile{
		{pkg: "madoguchi/ui", name: "ui", rel: "ui/a.go", doc: "Package ui owns the screens.\n"},
		{pkg: "madoguchi/store", name: "store", rel: "store/s.go", doc: "Package storage keeps things.\n"},
		{pkg: "madoguchi/store", name: "store", rel: "store/s_test.go", test: true, doc: "Package store keeps things.\n"},
		{pkg: "madoguchi/x/gen", name: "main", rel: "x/gen/main.go", doc: "Command gen writes the table.\n"},
		{pkg: "madoguchi/x", name: "x", rel: "x/x.go"},
		{pkg: "madoguchi/x", name: "main", rel: "x/ignored.go", doc: "Package x is not this file's.\n"},
	})
	if len(docs) != 2 || !strings.HasPrefix(docs[0], "madoguchi/store (store/)") || !strings.HasPrefix(docs[1], "madoguchi/x (x/)") {
		t.Errorf("doc problems:\n%s", strings.Join(docs, "\n"))
	}
}
