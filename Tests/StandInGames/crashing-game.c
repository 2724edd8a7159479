/* Imitates a game server that dies by itself: `crashing-game TAG exit` ends at once with status
   3 (a missing map, a bad configuration), `crashing-game TAG segv` is killed by SIGSEGV (a
   crash). With a number of seconds after the word, it runs that long first. TAG only tells
   the tests' copies apart. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>

int main(int argc, char **argv) {
    const char *how = argc > 2 ? argv[2] : "exit";
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 3) {
        printf("crashing-game ready (pid %d)\n", (int)getpid());
        sleep((unsigned)atoi(argv[3]));
    }
    if (strcmp(how, "segv") == 0) {
        puts("crashing-game: segmentation fault ahead");
        /* A real fault, not raise(): as a container's first process the game would ignore a
           SIGSEGV sent to it, but not one its own bad access causes. */
        *(volatile int *)(uintptr_t)8 = 1;
    }
    puts("crashing-game: map de_missing not found");
    return 3;
}
