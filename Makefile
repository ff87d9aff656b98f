# confluent-sd — every task a developer or CI runs. `make help` lists them.
SHELL := /bin/bash
NPM_CI := npm ci --no-audit --no-fund
NODE_TEST := node --openssl-legacy-provider --import tsx
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED := true

.PHONY: help deps generate check-generated typecheck lint format build test test-unit demo simulate bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package-lock.json
	$(NPM_CI)

deps: node_modules/.package-lock.json ## install dependencies (npm ci) when missing or stale

generate: deps ## regenerate src/confluent/generated/ from openapi/
	bash scripts/generate.sh

check-generated: deps ## fail when src/confluent/generated/ differs from openapi/
	bash scripts/generate.sh --check

typecheck: deps ## tsc --noEmit over src and test
	npx tsc -p . --noEmit

lint: deps ## biome check (format + lint)
	npx biome check .

format: deps ## biome check --write
	npx biome check --write .

build: deps ## compile to dist/
	rm -rf dist && npx tsc -p tsconfig.build.json && chmod +x dist/cli.js

test: deps check-generated typecheck lint ## everything CI runs: drift check, types, lint, all tests
	bash scripts/test.sh

test-unit: deps ## only test/unit
	bash scripts/test.sh test/unit

demo: build ## simulator (127.0.0.1:8090) + one publish into ./data + the server on 127.0.0.1:8080; DEMO_FLAGS="--port N" moves them
	node dist/cli.js demo $(DEMO_FLAGS)

simulate: build ## the Confluent Cloud simulator on 127.0.0.1:8090
	node dist/cli.js simulate --port 8090

bench: build ## benchmarks; figures go to docs/benchmarks.md
	bash scripts/bench.sh

clean: ## remove build output and local data
	rm -rf dist data .tmp
