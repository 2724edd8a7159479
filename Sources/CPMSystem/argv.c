// The two Swift runtime hooks behind `CommandLine.arguments`, for static release builds only
// (PM_OWN_ARGV, set in Package.swift). The runtime's own definitions (CommandLine.cpp in
// libswiftCore.a) find argv at start-up by parsing /proc/self/maps, about 40 us of every run.
// glibc passes argc and argv to each .init_array function, so they are kept from there; with
// both hooks defined here, the linker leaves the runtime's object out (a duplicate definition
// would fail the link, not go unnoticed). Other C libraries (musl) call constructors without
// arguments, so they keep the runtime's hooks. Measured (docs/benchmarks.md, "Start-up tricks"):
// 0.08 ms a call, and pm-status -m simple needs it, with the accessor flag, to stay within 3x of
// /bin/true.
#include <stdlib.h>  // defines __GLIBC__ under glibc

#if defined(PM_OWN_ARGV) && defined(__GLIBC__)

// The runtime declares the hooks with the Swift calling convention; for these signatures it
// passes the same registers as C, but say so where the compiler can.
#if defined(__has_attribute) && __has_attribute(swiftcall)
#define PM_SWIFTCALL __attribute__((swiftcall))
#else
#define PM_SWIFTCALL
#endif

static char **kept_argv;
static int kept_argc;

static void keep_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    kept_argc = argc;
    kept_argv = argv;
}

__attribute__((section(".init_array"), used))
static void (*const keep_arguments_entry)(int, char **, char **) = keep_arguments;

PM_SWIFTCALL char **_swift_stdlib_getUnsafeArgvArgc(int *count) {
    static char *empty[] = { NULL };
    if (kept_argv == NULL) {
        *count = 0;
        return empty;
    }
    *count = kept_argc;
    return kept_argv;
}

PM_SWIFTCALL void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc) {
    kept_argv = argv;
    kept_argc = argc;
}
#endif
