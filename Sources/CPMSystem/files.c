#define _GNU_SOURCE
#include "pm_system.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int pm_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int pm_temporary_file(void) {
    char path[] = "/tmp/pm-output-XXXXXX";
    int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) {
        return fd;
    }
    fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0) {
        unlink(path);
    }
    return fd;
}

int pm_open_node(int directory, const char *path) {
#ifdef O_PATH
    return openat(directory, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
#else
    (void)directory;
    (void)path;
    errno = ENOSYS;
    return -1;
#endif
}
