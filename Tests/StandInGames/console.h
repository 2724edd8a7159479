/* The console loop the stand-in games share: a banner, then one command per line of
   standard input. Each game passes what it does on "quit"; "say TEXT" echoes. Every game
   takes a tag as its first argument and ignores it: the tests find one copy's processes by it. */
#ifndef STAND_IN_CONSOLE_H
#define STAND_IN_CONSOLE_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void console_loop(const char *game, void (*on_quit)(void)) {
    char line[4096];
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("%s ready (pid %d)\n", game, (int)getpid());
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, "quit") == 0) {
            on_quit();
        } else if (strncmp(line, "say ", 4) == 0) {
            printf("[chat] %s\n", line + 4);
        } else if (line[0] != '\0') {
            printf("unknown command: %s\n", line);
        }
    }
    /* End of input: a console that closed. Wait to be stopped, as a dedicated server does. */
    for (;;) {
        pause();
    }
}

#endif
