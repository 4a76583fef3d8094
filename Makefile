# shim: build, demo and tests. `make run` and `make test` install what they need.
BUILD   ?= build
CC      ?= cc
PKGS    := libseccomp yajl libcap
CFLAGS  ?= -O2 -g
override CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I. \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
override LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null)

LIB_SRC  := $(sort $(wildcard config/*.c libct/*.c hooks/*.c))
LIB_SRC  := $(filter-out hooks/%-agent.c,$(LIB_SRC))
CLI_SRC  := $(sort $(wildcard shim/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
HELP_SRC := $(sort $(wildcard integration/helpers/*.c) $(wildcard hooks/*-agent.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
HELPERS  := $(foreach f,$(HELP_SRC),$(BUILD)/helpers/$(basename $(notdir $(f))))

# Debian packages: build deps, test tools and the reference runtimes.
DEB_BUILD := gcc make pkg-config libseccomp-dev libyajl-dev libcap-dev
DEB_TEST  := libcmocka-dev bats busybox-static jq runc crun util-linux iproute2 procps podman containerd umoci
DEB_RUN   := busybox-static

.PHONY: all deps deps-run build run test unit integration asan bench clean format
all: build
build: $(BUILD)/shim $(TESTS) $(HELPERS)

$(BUILD)/obj/%.o: %.c $(wildcard config/*.h libct/*.h hooks/*.h shim/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libshim.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# Stripped: create/run/exec copy the binary into a sealed memfd (CVE-2019-5736),
# so every byte costs start time. `make asan` keeps the symbols.
SHIM_LDFLAGS ?= -s
# libseccomp, yajl and libcap linked in when Debian's -dev packages have the
# archives: the binary is exec'd twice per start (memfd re-exec), and each
# shared library costs the dynamic loader time on both. STATIC_LIBS= links them
# dynamically (`make asan` does).
LIBDIR      := $(shell pkg-config --variable=libdir libseccomp 2>/dev/null)
STATIC_AS   := $(LIBDIR)/libseccomp.a $(LIBDIR)/libyajl_s.a $(LIBDIR)/libcap.a
STATIC_LIBS ?= $(if $(filter 3,$(words $(wildcard $(STATIC_AS)))),1)
SHIM_LIBS   := $(if $(STATIC_LIBS),$(STATIC_AS),$(LDLIBS))
$(BUILD)/shim: $(CLI_OBJ) $(BUILD)/libshim.a
	$(CC) $(CFLAGS) $(LDFLAGS) $(SHIM_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libshim.a $(SHIM_LIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libshim.a $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libshim.a $(LDLIBS) -lcmocka

$(BUILD)/helpers/%: integration/helpers/%.c $(BUILD)/libshim.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libshim.a $(LDLIBS)

$(BUILD)/helpers/%: hooks/%.c $(BUILD)/libshim.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libshim.a $(LDLIBS)

# Installs only what is missing; needs root and apt on a fresh Debian 12.
deps:
	@missing=$$(for p in $(DEB_BUILD) $(DEB_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

deps-run:
	@missing=$$(for p in $(DEB_BUILD) $(DEB_RUN); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# The demo: a busybox bundle with containerd's RuntimeDefault seccomp profile.
run: deps-run
	$(MAKE) --no-print-directory $(BUILD)/shim
	integration/helpers/mkbundle.sh --demo $(BUILD)/demo-bundle
	$(BUILD)/shim --root $(BUILD)/run-root run --bundle $(BUILD)/demo-bundle shim-demo

unit: build
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done

integration: build
	SHIM_BUILD=$(abspath $(BUILD)) bats --timing integration/

test: deps
	$(MAKE) --no-print-directory build
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory integration

asan:
	$(MAKE) --no-print-directory BUILD=build-asan SHIM_LDFLAGS= STATIC_LIBS= \
		CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" build

bench: build
	bench/run.sh
	bench/seccomp_bench.sh $(BUILD)
	bench/syscall_run.sh

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) $(HELP_SRC) $(wildcard */*.h)

clean:
	rm -rf build build-asan
