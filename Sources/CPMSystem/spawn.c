#define _GNU_SOURCE
#include "pm_system.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <unistd.h>

static int spawn_without_user_switch(const pm_spawn_request *r, pid_t *pid) {
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    sigset_t all, none;
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    int rc;

    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    if (r->new_session) {
        flags |= POSIX_SPAWN_SETSID;
    } else if (r->new_process_group) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(&attr, 0);
    }
    posix_spawnattr_setflags(&attr, flags);
    posix_spawn_file_actions_adddup2(&actions, r->stdin_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, r->stdout_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, r->stderr_fd, 2);
    if (r->cwd != NULL) {
        posix_spawn_file_actions_addchdir_np(&actions, r->cwd);
    }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
    rc = posix_spawn(pid, r->path, &actions, &attr, r->argv, r->envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
}

/// Moves fd above 2 so that the dup2 calls onto 0..2 cannot clobber a source descriptor.
static int lift(int fd) {
    return fd > 2 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/// Closes every descriptor from `first` up, except `keep`: a child gets only what it is given,
/// not whatever the tool's own caller left open.
static void close_from(int first, int keep) {
    int fd, max;
#ifdef SYS_close_range
    if ((keep <= first || syscall(SYS_close_range, first, keep - 1, 0) == 0)
        && syscall(SYS_close_range, keep < first ? first : keep + 1, ~0U, 0) == 0) {
        return;
    }
#endif
    max = (int)sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) {
        max = 65536;
    }
    for (fd = first; fd < max; fd++) {
        if (fd != keep) {
            close(fd);
        }
    }
}

static void child_fail(int report_fd, int err) {
    ssize_t ignored = write(report_fd, &err, sizeof err);
    (void)ignored;
    _exit(127);
}

static int spawn_with_user_switch(const pm_spawn_request *r, pid_t *pid) {
    int report[2];
    int err = 0;
    ssize_t n;
    pid_t child;

    if (pipe2(report, O_CLOEXEC) != 0) {
        return errno;
    }
    child = fork();
    if (child < 0) {
        err = errno;
        close(report[0]);
        close(report[1]);
        return err;
    }
    if (child == 0) {
        sigset_t none;
        int in, out, errfd, sig;
        for (sig = 1; sig < NSIG; sig++) {
            signal(sig, SIG_DFL);
        }
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (r->new_session) {
            setsid();
        } else if (r->new_process_group) {
            setpgid(0, 0);
        }
        in = lift(r->stdin_fd);
        out = lift(r->stdout_fd);
        errfd = lift(r->stderr_fd);
        if (in < 0 || out < 0 || errfd < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0) {
            child_fail(report[1], errno);
        }
        close_from(3, report[1]);
        if (setgroups((size_t)r->group_count, r->groups) != 0) {
            child_fail(report[1], errno);
        }
        if (setgid(r->gid) != 0) {
            child_fail(report[1], errno);
        }
        if (setuid(r->uid) != 0) {
            child_fail(report[1], errno);
        }
        /* As the user: a directory the user could swap for a link leads only where the user
           may go anyway, never where only root may. */
        if (r->cwd != NULL && chdir(r->cwd) != 0) {
            child_fail(report[1], errno);
        }
        execve(r->path, r->argv, r->envp);
        child_fail(report[1], errno);
    }
    close(report[1]);
    do {
        n = read(report[0], &err, sizeof err);
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof err) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        return err;
    }
    *pid = child;
    return 0;
}

int pm_spawn(const pm_spawn_request *request, pid_t *pid) {
    if (request->switch_user) {
        return spawn_with_user_switch(request, pid);
    }
    return spawn_without_user_switch(request, pid);
}

int pm_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int pm_pidfd_send_signal(int pidfd, int signal) {
#ifdef SYS_pidfd_send_signal
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
#else
    (void)pidfd;
    (void)signal;
    errno = ENOSYS;
    return -1;
#endif
}

int pm_become_subreaper(void) {
#ifdef PR_SET_CHILD_SUBREAPER
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

volatile int pm_interrupted = 0;

int pm_interrupt_pending(void) { return pm_interrupted; }

static void on_interrupt(int signal) {
    (void)signal;
    pm_interrupted = 1;
}

void pm_catch_interrupts(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
}

static volatile sig_atomic_t stop_noticed = 0;

static void on_stop_notice(int signal) {
    stop_noticed = signal == SIGUSR1;
}

void pm_catch_stop_notices(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop_notice;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, NULL);
    sigaction(SIGUSR2, &action, NULL);
}

int pm_stop_notice_pending(void) { return stop_noticed; }

void pm_prepare_signals(void) {
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
}
