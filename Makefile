# Madoguchi — see README.md. `make run` opens the demo; `make test` runs everything.
SHELL := /bin/bash
GO ?= go
STATICCHECK_VERSION := v0.8.2
TOOLS := $(CURDIR)/.tools/bin
BIN := madoguchi

.PHONY: all deps deps-build build run test unit lint fuzz bench screenshot windows clean soak interop-vectors

all: build

deps-build:
	@scripts/deps.sh build

deps:
	@scripts/deps.sh test

# Release builds carry Fyne's screen-reader bridge (-tags accessibility:
# Windows and macOS; Linux has none yet, docs/accessibility.md).
TAGS ?= accessibility
build: deps-build
	$(GO) build -tags '$(TAGS)' -o $(BIN) .

# Opens the app in demo mode: a fictional resident's virtual card in the
# "Madoguchi demo reader", the sandbox municipality running in-process, and
# the resident signed in with the card. Needs a display.
run: build
	./$(BIN) --demo --demo-sign-in

# The whole suite: lint, unit tests, the real-parts integration tests (pcscd +
# vpcd + the virtual card + OpenSC; a real window under Xvfb). Installs what
# it needs first.
test: deps lint
	$(GO) test -count=1 ./...
	@echo "make test: all packages passed"

lint: deps-build $(TOOLS)/staticcheck
	@echo "gofmt"; out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(TOOLS)/staticcheck ./...
	@echo "build without the sandbox (-tags nosandbox, ADR 0010)"; $(GO) build -tags nosandbox -o /dev/null .
	@if command -v govulncheck >/dev/null 2>&1; then \
	  govulncheck ./... || echo "govulncheck could not complete (it needs the vulnerability database online)"; \
	else echo "govulncheck not installed: skipped (it needs the online vulnerability database)"; fi

$(TOOLS)/staticcheck:
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# Each fuzz target for a while (the committed seed corpus also runs in `make test`).
FUZZTIME ?= 20s
fuzz:
	@for t in FuzzParseTLVs FuzzDERLength FuzzParseToken FuzzParseResponse; do \
	  $(GO) test ./protocol/mynacard -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) || exit 1; done
	@for t in FuzzParseAttributes FuzzParseMyNumber FuzzParseJPKIIdentity; do \
	  $(GO) test ./auth/card -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) || exit 1; done
	$(GO) test ./sandbox/card -run '^$$' -fuzz '^FuzzProcess$$' -fuzztime $(FUZZTIME)
	$(GO) test ./protocol/sdjwt -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./protocol/bundle -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	@for t in FuzzParseEvent FuzzParseAnswers; do \
	  $(GO) test ./procedures -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) || exit 1; done

# Benchmarks print figures (APDUs, bytes, time); nothing is asserted.
bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 50x ./auth/card ./auth/sso ./procedures ./app/gui ./integration

# A screenshot of the real window under Xvfb, in out/screenshots/.
screenshot: deps build
	$(GO) test -count=1 -run 'TestGUIWindow' -v ./integration

# Regenerates the committed sd-jwt-js presentation the SD-JWT tests verify
# without node (protocol/sdjwt/testdata/interop).
interop-vectors: deps
	echo '{"mode":"issue","nonce":"vector-nonce-1","aud":"https://verifier.example"}' | node protocol/sdjwt/interop/interop.mjs \
	  > protocol/sdjwt/testdata/interop/sdjwt-js-presentation.json

# The integration suite N times (default 20): passes and failures.
SOAK ?= 20
soak: deps
	@mkdir -p out; pass=0; fail=0; for i in $$(seq 1 $(SOAK)); do \
	  if $(GO) test -count=1 ./integration > out/soak-$$i.log 2>&1; then pass=$$((pass+1)); echo "run $$i: pass"; \
	  else fail=$$((fail+1)); echo "run $$i: FAIL (out/soak-$$i.log)"; fi; done; \
	  echo "soak: $$pass passed, $$fail failed of $(SOAK)"; [ $$fail -eq 0 ]

windows:
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc $(GO) build -tags '$(TAGS)' -ldflags "-H=windowsgui" -o $(BIN).exe .

clean:
	rm -rf $(BIN) $(BIN).exe out .tools
