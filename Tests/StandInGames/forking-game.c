/* Imitates a game server that starts helpers which outlive it: a crash reporter that
   daemonizes with setsid (and so leaves the game's process tree and session), and an updater
   started under nohup (it ignores SIGHUP). On "quit" the game exits and leaves both. */
#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include "console.h"

static void quit(void) {
    puts("bye, helpers stay");
    exit(0);
}

static void start_daemon(void) {
    pid_t first = fork();
    if (first == 0) {
        setsid();
        if (fork() == 0) {
            for (;;) {
                pause();
            }
        }
        _exit(0);
    }
    waitpid(first, NULL, 0);
}

static void start_nohup_child(void) {
    if (fork() == 0) {
        signal(SIGHUP, SIG_IGN);
        for (;;) {
            pause();
        }
    }
}

int main(void) {
    start_daemon();
    start_nohup_child();
    console_loop("forking-game", quit);
    return 0;
}
