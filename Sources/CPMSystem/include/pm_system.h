#ifndef PM_SYSTEM_H
#define PM_SYSTEM_H

#include <sys/types.h>

/// What a new process gets. The caller resolves the program path (PATH lookup is Swift's job)
/// and opens the three standard descriptors; every other descriptor of the caller must be
/// close-on-exec.
typedef struct {
    const char *path;
    char *const *argv;
    char *const *envp;
    /// Working directory, or NULL to keep the caller's.
    const char *cwd;
    /// Nonzero: switch to uid/gid and the supplementary groups before exec (needs privilege).
    int switch_user;
    uid_t uid;
    gid_t gid;
    const gid_t *groups;
    int group_count;
    /// Nonzero: the child leads a new session (and so a new process group).
    int new_session;
    /// Nonzero: the child leads a new process group (ignored with new_session).
    int new_process_group;
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
} pm_spawn_request;

/// Starts a process. Returns 0 and stores its pid, or returns the errno of the step that failed
/// (in the child: chdir, setgroups, setgid, setuid or execve; the child then never runs).
int pm_spawn(const pm_spawn_request *request, pid_t *pid);

/// A pidfd for `pid` (Linux 5.3+), or -1 with errno set where the kernel has none.
int pm_pidfd_open(pid_t pid);

/// Sends `signal` to the process a pidfd refers to (Linux 5.1+): never to a process that
/// reused its pid. 0, or -1 with errno set (ENOSYS where the kernel has no such call).
int pm_pidfd_send_signal(int pidfd, int signal);

/// An unlinked, close-on-exec temporary file in /tmp (O_TMPFILE where the file system has it),
/// or -1 with errno set.
int pm_temporary_file(void);

/* pipe2(fds, O_CLOEXEC): both ends closed on exec from the start, so no child that another
   thread spawns meanwhile inherits them. 0, or -1 with errno set. */
int pm_pipe_cloexec(int fds[2]);

/// A descriptor for the file `path` names in `directory` (a descriptor, or AT_FDCWD), never
/// following a last link (`O_PATH | O_NOFOLLOW`, close-on-exec), for fstat(2) and
/// /proc/self/fd; -1 with errno set (ENOSYS without O_PATH).
int pm_open_node(int directory, const char *path);

/// Makes the caller the child subreaper of its descendants (Linux 3.4+): orphans among them
/// become its children. 0, or -1 with errno set.
int pm_become_subreaper(void);

/// Set to 1 by the SIGINT/SIGTERM/SIGHUP handler that pm_catch_interrupts installs.
extern volatile int pm_interrupted;

/// pm_interrupted, read from Swift (which may not touch a shared C variable directly).
int pm_interrupt_pending(void);

/// Makes SIGINT, SIGTERM and SIGHUP set pm_interrupted instead of ending the process, so that
/// a tool that changed something for a while (a stop's drop-in, a follower's pipe) can undo it.
/// Without SA_RESTART: a blocking call the signal interrupts returns EINTR.
void pm_catch_interrupts(void);

/// Makes SIGUSR1 set the stop notice and SIGUSR2 clear it (a game supervisor: a stop is coming,
/// or was called off). Without SA_RESTART.
void pm_catch_stop_notices(void);

/// Whether the last of SIGUSR1 and SIGUSR2 to arrive was SIGUSR1.
int pm_stop_notice_pending(void);

/// Ignores SIGPIPE (writes to a closed pipe then fail with EPIPE instead of killing the tool)
/// and restores the default SIGCHLD, which an ignoring parent may have passed on (children
/// would then be reaped by the kernel and their exit status lost).
void pm_prepare_signals(void);

#endif
