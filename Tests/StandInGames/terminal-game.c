/* Imitates a game server that talks to its terminal as interactive programs do: colours
   (SGR), bracketed paste turned on and off, a window title (OSC), a loading line rewritten
   with carriage returns, and a byte that is not UTF-8. Then it reads console lines:
   `flood MIB` prints MIB mebibytes of numbered 64-byte lines as fast as it can and then
   `flood done (MS ms)`, `rate LINES SECONDS` prints LINES lines a second for SECONDS seconds
   and then `rate done`, `quit` prints its last words over half a second and exits 0, `segv`
   crashes. TAG only tells the tests' copies apart. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("\033]0;terminal-game\007\033[?2004h\033[1;32mterminal-game ready\033[0m\n");
    for (int percent = 0; percent <= 100; percent += 25) {
        printf("\rloading %d%%", percent);
        fflush(stdout);
        usleep(20000);
    }
    printf("\n\033[31mred\033[0m and invalid \377 byte\n");
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        if (strncmp(line, "flood ", 6) == 0) {
            long lines = atol(line + 6) * 1024L * 1024L / 64;
            double began = now();
            setvbuf(stdout, NULL, _IOFBF, 1 << 16);
            for (long i = 0; i < lines; i++) printf("flood line %012ld .......................................\n", i);
            fflush(stdout);
            setvbuf(stdout, NULL, _IOLBF, 0);
            printf("flood done (%.0f ms)\n", (now() - began) * 1000);
        } else if (strncmp(line, "rate ", 5) == 0) {
            long perSecond = atol(line + 5), seconds = atol(strchr(line + 5, ' ') ? strchr(line + 5, ' ') : "1");
            double began = now();
            setvbuf(stdout, NULL, _IOFBF, 1 << 16);
            for (long i = 0; i < perSecond * seconds; i++) {
                printf("rate line %012ld\n", i);
                if (i % 1000 == 999) {
                    fflush(stdout);
                    double due = began + (double)(i + 1) / perSecond, left = due - now();
                    if (left > 0) usleep((useconds_t)(left * 1e6));
                }
            }
            fflush(stdout);
            setvbuf(stdout, NULL, _IOLBF, 0);
            printf("rate done (%.0f ms)\n", (now() - began) * 1000);
        } else if (strcmp(line, "quit") == 0) {
            puts("saving the world...");
            usleep(500000);
            puts("world saved, goodbye");
            return 0;
        } else if (strcmp(line, "segv") == 0) {
            puts("about to crash");
            *(volatile int *)(uintptr_t)8 = 1;
        } else {
            printf("unknown command: %s\n", line);
        }
    }
    return 0;
}
