# Folio. `make run` builds everything and serves the sample articles;
# `make test` runs every test, the browser tests in headless Chromium included.

GO        ?= go
ADDR      ?= 127.0.0.1:8080
DB        ?= folio.db
FUZZTIME  ?= 20s
WASM      := web/app.wasm
GOFILES   := $(shell find . -name '*.go' -not -path './bench/out/*' 2>/dev/null)

.PHONY: all run build wasm server test test-short bench fuzz lint check-deps size clean

all: build

## run: build the WASM and the server, then serve the bundled sample articles on $(ADDR)
run: build
	./bin/folio serve -addr $(ADDR) -db $(DB)

## build: the server at bin/folio and the bundle at web/app.wasm (+ .br, .gz)
build: wasm server

wasm: $(WASM).br

# Each output is written to a temporary name and renamed, so a build that
# stops half-way (or two builds at once) never leaves a truncated bundle
# for the server to embed.
$(WASM): $(filter ./app/% ./wasm/% ./article/% ./sanitize/% ./draft/% ./embedcard/% ./internal/wire/%,$(GOFILES)) go.mod go.sum
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(WASM).part ./wasm
	mv -f $(WASM).part $(WASM)

$(WASM).br: $(WASM)
	@command -v brotli >/dev/null || { echo "brotli is missing: apt-get install -y brotli"; exit 1; }
	brotli -q 11 -c $(WASM) > $(WASM).br.part && mv -f $(WASM).br.part $(WASM).br
	gzip -9 -cn $(WASM) > $(WASM).gz.part && mv -f $(WASM).gz.part $(WASM).gz

server: wasm
	$(GO) build -trimpath -o bin/folio .

## test: vet, then every test (unit, store, server end-to-end, headless Chromium)
test: build
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./app/... ./wasm/... ./article/... ./sanitize/... ./draft/...
	@# The browser tests (the longest package) start at once, beside all the others.
	@set -e; export FOLIO_BIN=$(CURDIR)/bin/folio; \
	  $(GO) test -count=1 -parallel 4 -timeout 30m ./e2e/ > .e2e.log 2>&1 & e2e=$$!; \
	  rest=0; $(GO) test -count=1 -parallel 4 -timeout 30m $$($(GO) list ./... | grep -v '^folio/e2e$$') || rest=$$?; \
	  e2ecode=0; wait $$e2e || e2ecode=$$?; cat .e2e.log; rm -f .e2e.log; \
	  test $$rest -eq 0 -a $$e2ecode -eq 0

## bench: Go benchmarks for the sanitiser, the store and the API, then the load comparison with nginx
bench: build
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 ./sanitize/ ./store/ .
	./bench/load.sh

## fuzz: each fuzz target for $(FUZZTIME)
fuzz:
	@set -e; for pkg in ./sanitize ./draft ./importer ./article .; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test $$pkg -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME); \
	  done; \
	done

## lint: gofmt, vet (host and wasm), and the WASM dependency rules
lint: check-deps
	@test -z "$$(gofmt -l $(GOFILES))" || { echo "gofmt needed:"; gofmt -l $(GOFILES); exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./app/... ./wasm/... ./article/... ./sanitize/... ./draft/...

## check-deps: no store, server, importer or net/http client code in the WASM; SafeHTML made only by the sanitiser
check-deps:
	@deps=$$(GOOS=js GOARCH=wasm $(GO) list -deps ./wasm); \
	bad=$$(echo "$$deps" | grep -E '^(folio/(store|importer)|modernc\.org|github\.com/mmcdole|codeberg\.org/readeck|github\.com/chromedp)' || true); \
	if [ -n "$$bad" ]; then echo "the WASM links server-only packages:"; echo "$$bad"; exit 1; fi
	@bad=$$(git grep -nE 'article\.SafeHTML\(' -- '*.go' ':!sanitize/' ':!*_test.go' || true); \
	if [ -n "$$bad" ]; then echo "SafeHTML made outside the sanitiser:"; echo "$$bad"; exit 1; fi
	@bad=$$(git grep -nE 'app\.Raw\(' -- '*.go' ':!*_test.go' ':!app/body.go' ':!app/state.go' || true); \
	if [ -n "$$bad" ]; then echo "app.Raw outside app/body.go (sanitised bodies) and app/state.go (JSON state):"; echo "$$bad"; exit 1; fi
	@echo "check-deps: ok"

## size: the WASM raw, gzip and brotli
size: wasm
	@printf 'app.wasm raw %s, gzip %s, brotli %s bytes\n' $$(stat -c %s $(WASM)) $$(stat -c %s $(WASM).gz) $$(stat -c %s $(WASM).br)

clean:
	rm -rf bin $(WASM) $(WASM).br $(WASM).gz $(WASM)*.part
