# dmarcward: one library (src/*/ except the front ends), thin front ends,
# unit tests, fuzz targets.  `make check` runs the suite, `make check-asan`
# runs it again under AddressSanitizer + UndefinedBehaviorSanitizer.

CC	?= cc
BUILD	?= build
PKGS	 = expat zlib libzstd libarchive gmime-3.0 sqlite3 libcrypto libssl jansson libunbound yaml-0.1 libcurl \
	   inih libmicrohttpd libsodium libpsl libmaxminddb
TESTPKGS = cmocka

OPT	?= -O2
CSTD	 = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wvla -Wformat=2 \
	   -Wno-missing-field-initializers
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(TESTPKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
TEST_LIBS  := $(shell pkg-config --libs $(TESTPKGS))
CFLAGS	?= $(OPT) -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -Isrc -MMD -MP
LDLIBS	 = $(PKG_LIBS) -lpthread -lm

ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
OPT	 = -O1
endif

FRONT_DIRS = src/cli src/web src/daemon
LIB_SRCS  := $(filter-out $(addsuffix /%,$(FRONT_DIRS)),$(wildcard src/*/*.c))
CLI_SRCS  := $(wildcard src/cli/*.c src/daemon/*.c)
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
GEN_SRCS  := $(BUILD)/gen/migrations.c $(BUILD)/gen/catalog.c
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(GEN_SRCS:.c=.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TESTLIB_SRCS := $(wildcard tests/lib/*.c)
TESTLIB_OBJS := $(TESTLIB_SRCS:%.c=$(BUILD)/%.o)
MAN_SRCS  := $(wildcard docs/man/*.md)
MANS      := $(MAN_SRCS:docs/man/%.md=$(BUILD)/man/%)
FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)
# Each fuzz target built with fuzz/standalone.c instead of libFuzzer, in
# this build's flags, for tests/cli/regress.sh.
FUZZRUN_BINS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz-run/%)

.PHONY: all check check-asan fuzz fuzz-smoke bench man clean checksrc test

all: $(BUILD)/dmarcward $(BUILD)/libdmarcward.a

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/gen/migrations.c: $(MIGRATIONS) scripts/embed-sql
	@mkdir -p $(dir $@)
	sh scripts/embed-sql $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/migrations.o: $(BUILD)/gen/migrations.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The known-service catalog, built into the binary.
$(BUILD)/gen/catalog.c: data/services.ini scripts/embed-data
	@mkdir -p $(dir $@)
	sh scripts/embed-data catalog_builtin sources/catalog.h \
	    data/services.ini > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/catalog.o: $(BUILD)/gen/catalog.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libdmarcward.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/dmarcward: $(CLI_OBJS) $(BUILD)/libdmarcward.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libdmarcward.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(TESTLIB_OBJS) $(BUILD)/libdmarcward.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/lib -o $@ $< $(TESTLIB_OBJS) \
	    $(BUILD)/libdmarcward.a $(TEST_LIBS) $(LDLIBS)

$(BUILD)/fuzz-run/fuzz_%: fuzz/fuzz_%.c fuzz/standalone.c \
    $(BUILD)/libdmarcward.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< fuzz/standalone.c \
	    $(BUILD)/libdmarcward.a $(LDLIBS)

$(BUILD)/man/%: docs/man/%.md
	@mkdir -p $(dir $@)
	pandoc -s -f markdown -t man -o $@ $<

man: $(MANS)

check: all $(TEST_BINS) $(FUZZRUN_BINS) $(MANS)
	sh tests/run.sh $(BUILD)

check-asan:
	$(MAKE) BUILD=build-asan SAN=1 check

checksrc:
	sh scripts/checksrc
	sh scripts/top-length

# libFuzzer targets: clang, every sanitizer that composes with it.
FUZZ_BUILD = build-fuzz
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(FUZZ_BUILD)/%)
fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang SAN=1 \
	    SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	    $(FUZZ_BUILD)/libdmarcward.a
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang fuzz-bins
fuzz-bins: $(FUZZ_BINS)
$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_BUILD)/libdmarcward.a
	clang $(CSTD) $(WARN) -g -O1 $(PKG_CFLAGS) -Isrc \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o $@ $< $(FUZZ_BUILD)/libdmarcward.a $(LDLIBS)
fuzz-smoke: fuzz
	sh fuzz/smoke.sh $(FUZZ_BUILD)

# bench helpers that use the library (the others are built by their
# script with cc alone)
$(BUILD)/bench/%: bench/%.c $(BUILD)/libdmarcward.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libdmarcward.a $(LDLIBS)

bench: all
	sh bench/ingest
	sh bench/spf

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
