/* Imitates a game server with a large world: on "quit" it takes 3 seconds to write its save
   (world.sav in its directory, written to a temporary file and renamed when complete), while
   it runs worker threads and a helper process (a query or log child) beside it. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include "console.h"

static void quit(void) {
    puts("saving world...");
    FILE *save = fopen("world.sav.tmp", "w");
    if (save == NULL) {
        perror("world.sav.tmp");
        exit(1);
    }
    for (int part = 1; part <= 30; part++) {
        fprintf(save, "chunk %d\n", part);
        fflush(save);
        usleep(100000);
    }
    fclose(save);
    rename("world.sav.tmp", "world.sav");
    puts("world saved, bye");
    exit(0);
}

static void *worker(void *unused) {
    (void)unused;
    for (;;) {
        pause();
    }
    return NULL;
}

int main(void) {
    if (fork() == 0) {
        for (;;) {
            pause();
        }
    }
    for (int index = 0; index < 4; index++) {
        pthread_t thread;
        pthread_create(&thread, NULL, worker, NULL);
    }
    console_loop("slow-saver-game", quit);
    return 0;
}
