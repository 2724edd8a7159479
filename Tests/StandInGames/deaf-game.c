/* Imitates a game server that swallows SIGHUP, SIGTERM and SIGINT (a handler that only sets a
   flag it never reads, or a start script with `trap '' HUP TERM INT`): only its console
   command, or SIGKILL, ends it. */
#include <signal.h>
#include <stdlib.h>
#include "console.h"

static void quit(void) {
    puts("bye");
    exit(0);
}

int main(void) {
    signal(SIGHUP, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    console_loop("deaf-game", quit);
    return 0;
}
