// The two Swift runtime hooks behind `CommandLine.arguments`, for static release builds only
// (PM_OWN_ARGV, set in Package.swift). The runtime's own definitions (CommandLine.cpp in
// libswiftCore.a) find argv at start-up by parsing /proc/self/maps, about 50 us of every run.
// glibc passes argc and argv to each .init_array function, so they are kept from there; with
// both hooks defined here, the linker leaves the runtime's object out (a duplicate definition
// would fail the link, not go unnoticed).
#ifdef PM_OWN_ARGV
#include <stddef.h>

static char **kept_argv;
static int kept_argc;

static void keep_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    kept_argc = argc;
    kept_argv = argv;
}

__attribute__((section(".init_array"), used))
static void (*const keep_arguments_entry)(int, char **, char **) = keep_arguments;

char **_swift_stdlib_getUnsafeArgvArgc(int *count) {
    static char *empty[] = { NULL };
    if (kept_argv == NULL) {
        *count = 0;
        return empty;
    }
    *count = kept_argc;
    return kept_argv;
}

void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc) {
    kept_argv = argv;
    kept_argc = argc;
}
#endif
