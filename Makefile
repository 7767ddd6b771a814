# Gigwire: the two commands of the README, and the steps behind them.
#   make run    install what is missing, build, serve on 127.0.0.1:50051 with demo data
#               and the web console on http://127.0.0.1:8080/
#   make test   install what is missing, build, run every test of every language
.PHONY: all setup build cpp python ts docs console screenshots run test bazel-build bazel-test clean help

BUILD_DIR := build/cmake
LISTEN    ?= 127.0.0.1:50051
WEB       ?= 127.0.0.1:8080
DATA_DIR  ?= data
JOBS      ?= $(shell nproc)

all: build

help:
	@sed -n '2,4p' Makefile

setup:
	@tools/setup.sh

cpp: setup
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@ninja -C $(BUILD_DIR) -j $(JOBS) --quiet

python: setup
	@sdk/python/gen.sh

ts: setup
	@cd sdk/ts && npm run --silent build

# The API reference, from the proto comments: build/docs/api-reference.md
docs: setup
	@tools/apidoc/build.sh >/dev/null

# The web console (cmd/web-console), type-checked and bundled into build/web-console
# (served by gigwired --web-root); it compiles the TypeScript SDK's browser entry from source.
console: ts
	@cd cmd/web-console && npm run --silent build

# The console's browser test, then its main screenshots into docs/screenshots (the README's).
SCREENSHOTS := 03-buyer-post-job 05-admin-assignment-modal 06-admin-assignment-result \
  07-seller-offer-arrived-live 10-admin-bookings 16-mobile-assignment-modal
screenshots: build
	@cd cmd/web-console && GIGWIRE_E2E=require node --test test/console.browser.test.mjs
	@mkdir -p docs/screenshots
	@for s in $(SCREENSHOTS); do cp build/screenshots/$$s.png docs/screenshots/; done

build: cpp python ts docs console

run: build
	@mkdir -p $(DATA_DIR)
	@printf '%s\n' \
	  "gigwired: serving $(LISTEN), database $(DATA_DIR)/gigwire.db (demo data on first start)" \
	  "" \
	  "  Web console: http://$(WEB)/   (sign in as a demo account below; gRPC-Web on the same port)" \
	  "" \
	  "  Try it (grpcurl is in $$(go env GOPATH)/bin):" \
	  "    grpcurl -plaintext $(LISTEN) list" \
	  "    grpcurl -plaintext -d '{\"email\":\"ada@demo.gigwire.dev\",\"password\":\"gigwire-demo-password\"}' \\" \
	  "        $(LISTEN) gigwire.v1.AuthService/Login" \
	  "    grpcurl -plaintext -H \"authorization: Bearer <access_token>\" $(LISTEN) gigwire.v1.UserService/GetMe" \
	  "    grpcurl -plaintext -H \"authorization: Bearer <access_token>\" $(LISTEN) gigwire.v1.EventService/WatchEvents" \
	  "  Or with the admin CLI:" \
	  "    $(BUILD_DIR)/bin/gigctl --insecure --server $(LISTEN) login --email admin@demo.gigwire.dev" \
	  "    $(BUILD_DIR)/bin/gigctl jobs pending        ($(BUILD_DIR)/bin/gigctl --help for more)" \
	  "  Demo accounts (password gigwire-demo-password): admin@, ada@ (buyer), sam@ (seller)," \
	  "  lee@ (both) at demo.gigwire.dev. Stop with Ctrl-C." \
	  ""
	@exec $(BUILD_DIR)/bin/gigwired --listen $(LISTEN) --db $(DATA_DIR)/gigwire.db --demo-data \
	  --web-listen $(WEB) --web-root build/web-console

test: build
	@tools/run_tests.sh

bazel-build: setup
	@bazel build //...

bazel-test: setup
	@bazel build //... && bazel test //...

clean:
	rm -rf build sdk/python/gigwire/v1 sdk/ts/dist sdk/ts/src/gen
