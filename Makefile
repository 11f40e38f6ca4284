# amfgate build. `make` builds build/amfgate; `make test` runs every test in a
# normal build and again under AddressSanitizer + UndefinedBehaviorSanitizer.
#
# Sources: every src/<module>/**.cpp is part of build/lib<module>.a and of
# build/libamfgate.a. Tests: tests/<module>/*.cpp form one doctest binary per
# folder, build/tests/<module>-tests, linked against the modules named in
# TEST_DEPS_<module> (default: all). Fuzzers: tests/fuzz/fuzz_<name>.cpp.
# Benchmarks: bench/bench_<name>.cpp, and the load generator bench/loadgen/.

CXX      ?= g++
CC       ?= gcc
BUILD    ?= build
SAN      ?=
FUZZ     ?=
VENDOR   := vendor/mbedtls
STAMP    := $(VENDOR)/.complete
LLHTTP_SRC := /usr/share/llhttp
LLHTTP_INC := /usr/share/include/llhttp

OPT      ?= -O2
CPPFLAGS := -Isrc -Iinclude -I$(VENDOR)/include -I$(LLHTTP_INC) -MMD -MP
CXXFLAGS := -std=c++20 $(OPT) -g -Wall -Wextra -Wno-missing-field-initializers -fno-omit-frame-pointer
CFLAGS   := $(OPT) -g -fno-omit-frame-pointer
LDLIBS   := $(VENDOR)/lib/libmbedtls.a $(VENDOR)/lib/libmbedx509.a $(VENDOR)/lib/libmbedcrypto.a \
            -luv -lxxhash -lpthread
ifneq ($(SAN),)
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
  CXXFLAGS += $(SANFLAGS)
  CFLAGS   += $(SANFLAGS)
  LDFLAGS  += $(SANFLAGS)
endif
ifneq ($(FUZZ),)
  # UBSan must abort, not print and carry on, or libFuzzer never sees it.
  FUZZFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -DAMFGATE_FUZZING
  CXXFLAGS += $(FUZZFLAGS)
  CFLAGS   += $(FUZZFLAGS)
endif

MODULES  := $(sort $(foreach f,$(shell find src -mindepth 2 -name '*.cpp'),$(word 2,$(subst /, ,$(f)))))
mod_srcs  = $(shell find src/$(1) -name '*.cpp')
mod_objs  = $(patsubst %.cpp,$(BUILD)/obj/%.o,$(call mod_srcs,$(1)))
MOD_LIBS := $(foreach m,$(MODULES),$(BUILD)/lib$(m).a)
LLHTTP_OBJS := $(patsubst $(LLHTTP_SRC)/%.c,$(BUILD)/obj/llhttp/%.o,$(wildcard $(LLHTTP_SRC)/*.c))
ALL_OBJS := $(foreach m,$(MODULES),$(call mod_objs,$(m))) $(LLHTTP_OBJS)
link_libs = -Wl,--start-group $(foreach m,$(1),$(BUILD)/lib$(m).a) $(BUILD)/libllhttp.a -Wl,--end-group $(LDLIBS)

TEST_MODULES := $(sort $(patsubst tests/%/,%,$(dir $(wildcard tests/*/test_*.cpp))))
TEST_BINS    := $(foreach t,$(TEST_MODULES),$(BUILD)/tests/$(t)-tests)
FUZZERS      := $(patsubst tests/fuzz/%.cpp,%,$(wildcard tests/fuzz/fuzz_*.cpp))
BENCHES      := $(patsubst bench/%.cpp,%,$(wildcard bench/bench_*.cpp))
-include $(wildcard tests/*/deps.mk)

.PHONY: all test test-run bench bench-compare fuzz fuzz-run interop run clean setup
all: $(BUILD)/amfgate $(BUILD)/libamfgate.a $(BUILD)/examples/embed

setup: $(STAMP)
$(STAMP): vendor/setup.sh
	bash vendor/setup.sh

$(BUILD)/obj/%.o: %.cpp | $(STAMP)
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@
$(BUILD)/obj/llhttp/%.o: $(LLHTTP_SRC)/%.c | $(STAMP)
	@mkdir -p $(dir $@)
	$(CC) -I$(LLHTTP_INC) $(CFLAGS) -c $< -o $@
$(BUILD)/libllhttp.a: $(LLHTTP_OBJS)
	@rm -f $@ && ar rcs $@ $^
define module_lib
$(BUILD)/lib$(1).a: $(call mod_objs,$(1))
	@rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call module_lib,$(m))))

$(BUILD)/libamfgate.a: $(ALL_OBJS)
	@rm -f $@ && ar rcs $@ $^

$(BUILD)/amfgate: $(BUILD)/obj/src/main.o $(MOD_LIBS) $(BUILD)/libllhttp.a
	$(CXX) $(LDFLAGS) $< $(call link_libs,$(MODULES)) -o $@

# examples/embed.cpp: an appliance embedding the server through the library
# alone (build/libamfgate.a and its public headers), as a user would link it.
$(BUILD)/examples/embed: $(BUILD)/obj/examples/embed.o $(BUILD)/libamfgate.a
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $< $(BUILD)/libamfgate.a $(LDLIBS) -o $@

# One doctest binary per tests/<module>/ folder.
define test_bin
$(BUILD)/tests/$(1)-tests: $(patsubst %.cpp,$(BUILD)/obj/%.o,$(wildcard tests/$(1)/*.cpp)) \
    $(BUILD)/obj/tests/support/doctest_main.o $(foreach m,$(or $(TEST_DEPS_$(1)),$(MODULES)),$(BUILD)/lib$(m).a) $(BUILD)/libllhttp.a
	@mkdir -p $$(dir $$@)
	$$(CXX) $$(LDFLAGS) $$(filter %.o,$$^) $$(call link_libs,$(or $(TEST_DEPS_$(1)),$(MODULES))) -o $$@
endef
$(foreach t,$(TEST_MODULES),$(eval $(call test_bin,$(t))))

# Runs every test binary (integration tests find the server through
# AMFGATE_BIN), then the load generator's own checks: the bench suite is
# part of the product, and its parsers, histogram and rate schedule get the
# sanitizers too.
test-run: $(TEST_BINS) $(BUILD)/amfgate $(BUILD)/examples/embed $(BUILD)/amfgate-bench
	@AMFGATE_BIN=$(abspath $(BUILD)/amfgate) AMFGATE_BUILD=$(abspath $(BUILD)) \
	  bash tests/support/run_tests.sh $(TEST_BINS)
	@$(BUILD)/amfgate-bench self-test

test:
	@$(MAKE) --no-print-directory test-run
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT=-O1 test-run

# libFuzzer targets, tests/fuzz/fuzz_<name>.cpp, built with clang (the modules
# too) into build/fuzz/fuzz/. Each links the modules in FUZZ_DEPS_fuzz_<name>
# (tests/fuzz/deps.mk; default all) and its own helper files, named in
# FUZZ_OBJS_fuzz_<name> (tests/fuzz/<helper>.cpp). `make fuzz` installs clang
# if missing and runs each target (or those in FUZZ_TARGETS) for FUZZ_SECONDS
# on a copy of its seed corpus; crash inputs go to build/fuzz-findings/<name>/.
define fuzz_bin
$(BUILD)/fuzz/$(1): $(BUILD)/obj/tests/fuzz/$(1).o $(patsubst %,$(BUILD)/obj/tests/fuzz/%.o,$(FUZZ_OBJS_$(1))) \
    $(foreach m,$(or $(FUZZ_DEPS_$(1)),$(MODULES)),$(BUILD)/lib$(m).a) $(BUILD)/libllhttp.a
	@mkdir -p $$(dir $$@)
	$$(CXX) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $$(filter %.o,$$^) $$(call link_libs,$(or $(FUZZ_DEPS_$(1)),$(MODULES))) -o $$@
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_bin,$(f))))
FUZZ_SECONDS ?= 25
FUZZ_TARGETS ?= $(FUZZERS)
fuzz:
	@bash tests/fuzz/setup.sh
	@$(MAKE) --no-print-directory CXX=clang++ CC=clang BUILD=build/fuzz FUZZ=1 OPT=-O1 fuzz-run
fuzz-run: $(foreach f,$(FUZZ_TARGETS),$(BUILD)/fuzz/$(f))
	@bash tests/fuzz/run_fuzzers.sh $(FUZZ_SECONDS) build/fuzz-findings $^

define bench_bin
$(BUILD)/bench/$(1): $(BUILD)/obj/bench/$(1).o $(MOD_LIBS) $(BUILD)/libllhttp.a
	@mkdir -p $$(dir $$@)
	$$(CXX) $$(LDFLAGS) $$< $$(call link_libs,$(MODULES)) -o $$@
endef
$(foreach b,$(BENCHES),$(eval $(call bench_bin,$(b))))
bench: $(foreach b,$(BENCHES),$(BUILD)/bench/$(b))
	@for b in $^; do echo "== $$b"; $$b || exit 1; done

# The load generator drives a running server over loopback. It links only
# core and mbedTLS (its HTTP and AMF code is its own), so a half-finished
# server module never keeps it from building.
LOADGEN_OBJS := $(patsubst %.cpp,$(BUILD)/obj/%.o,$(wildcard bench/loadgen/*.cpp))
$(BUILD)/amfgate-bench: $(LOADGEN_OBJS) $(BUILD)/libcore.a
	$(CXX) $(LDFLAGS) $^ $(LDLIBS) -o $@

# amfgate side by side with nginx and redis; BENCH_SECONDS, BENCH_ROUNDS tune it.
bench-compare: $(BUILD)/amfgate $(BUILD)/amfgate-bench
	bash bench/compare.sh

# Interoperability with AMF implementations nobody here wrote (Wireshark's
# dissector through tshark, the npm package amf3-ts). The driver links only
# core and amf; the script installs its test-only tools itself.
$(BUILD)/interop/amfjson: $(BUILD)/obj/tests/interop/amfjson_main.o $(BUILD)/libcore.a $(BUILD)/libamf.a
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $< $(BUILD)/libamf.a $(BUILD)/libcore.a $(LDLIBS) -o $@
interop: $(BUILD)/interop/amfjson
	@bash tests/interop/run_interop.sh $(abspath $(BUILD)/interop/amfjson) $(abspath $(BUILD)/interop)

# The demo Flash client (client/*.hx, built by Debian's haxe) and Ruffle (npm,
# pinned in e2e/package-lock.json), copied into the default document root where
# the app page finds them (/amfgate.swf, /amfgate-player.js, /ruffle/). `make
# e2e` installs what it needs (e2e/setup.sh) and runs the browser tests against
# build/amfgate; artifacts (screenshots, server logs) go to build/e2e/.
.PHONY: client ruffle e2e
DOCROOT_DIR := conf/docroot
client: $(DOCROOT_DIR)/amfgate.swf $(DOCROOT_DIR)/amfgate-player.js
$(BUILD)/client/amfgate.swf: client/amfgate.hxml $(wildcard client/*.hx)
	@mkdir -p $(dir $@)
	haxe client/amfgate.hxml -swf $@
$(DOCROOT_DIR)/amfgate.swf: $(BUILD)/client/amfgate.swf
	@mkdir -p $(dir $@) && cp $< $@
$(DOCROOT_DIR)/amfgate-player.js: client/amfgate-player.js
	@mkdir -p $(dir $@) && cp $< $@
ruffle: $(DOCROOT_DIR)/ruffle/ruffle.js
$(DOCROOT_DIR)/ruffle/ruffle.js: e2e/package-lock.json
	@DOCROOT=$(DOCROOT_DIR) bash e2e/setup.sh ruffle
e2e:
	@bash e2e/setup.sh packages npm
	@$(MAKE) --no-print-directory $(BUILD)/amfgate client ruffle
	@AMFGATE_BIN=$(abspath $(BUILD)/amfgate) E2E_OUT=$(abspath $(BUILD)/e2e) \
	  DOCROOT=$(abspath $(DOCROOT_DIR)) node e2e/run.mjs

# Starts the server on its built-in defaults with the demo SWF and Ruffle in
# the document root, so a person sees the handoff in a browser.
run: $(BUILD)/amfgate
	@bash e2e/setup.sh demo npm
	@$(MAKE) --no-print-directory client ruffle
	$(BUILD)/amfgate

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
