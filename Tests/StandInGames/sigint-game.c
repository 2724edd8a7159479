/* Imitates a game server that saves only on Ctrl+C (Rust, Valheim, ARK, Factorio and most
   games LinuxGSM stops with C-c): SIGINT writes world.sav and exits 0; SIGHUP and SIGTERM are
   ignored, and so is a typed "quit". */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include "console.h"

static void save_and_exit(int signal) {
    (void)signal;
    static const char said[] = "SIGINT: saving world... saved, bye\n";
    int save = open("world.sav.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (save >= 0) {
        static const char world[] = "saved on SIGINT\n";
        (void)!write(save, world, sizeof world - 1);
        close(save);
        rename("world.sav.tmp", "world.sav");
    }
    (void)!write(1, said, sizeof said - 1);
    _exit(0);
}

static void quit(void) {
    puts("quit ignored: this server stops with Ctrl+C");
}

int main(void) {
    signal(SIGHUP, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    struct sigaction action = {0};
    action.sa_handler = save_and_exit;
    sigaction(SIGINT, &action, NULL);
    console_loop("sigint-game", quit);
    return 0;
}
