# The two commands a new user needs (README): `make quickstart` and `make test`.
# Both install what is missing, build the release preset into build/, then run.
PRESET ?= release
JOBS ?= $(shell nproc)

.PHONY: all deps build test quickstart bench format format-check clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

test: build
	@ctest --preset $(PRESET) -j $(JOBS) --timeout 300

quickstart: build
	@build/bin/twi quickstart --dir var

bench: build
	@build/bin/twi-bench-issuance --out docs/performance-latest.json
	@build/bin/twi-bench-key-release --out docs/performance-key-release-latest.json
	@build/bin/twi-bench-tlog --out docs/performance-tlog-latest.json
	@build/bin/twi-bench-tpm --out docs/performance-tpm-latest.json

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

format-check: deps
	@git ls-files '*.h' '*.cc' | xargs clang-format --dry-run --Werror

clean:
	@rm -rf build build-debug build-asan build-tsan build-fuzz var
