/* rss_probe OUT TIMEOUT PROGRAM ARGS...: runs PROGRAM (killed by SIGALRM after TIMEOUT seconds
 * unless 0), writes its peak RSS in KiB to OUT and ends as it ended. The tests run programs
 * through it because a child forked from the (large) test process starts with the test
 * process's resident pages counted in its peak RSS; a child of this small program does not. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 4) return 127;
    const pid_t pid = fork();
    if (pid < 0) return 127;
    if (pid == 0) {
        const unsigned timeout = (unsigned)strtoul(argv[2], NULL, 10);
        if (timeout) alarm(timeout);
        execv(argv[3], argv + 3);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) return 127;
    FILE* out = fopen(argv[1], "w");
    if (out) {
        fprintf(out, "%ld\n", usage.ru_maxrss);
        fclose(out);
    }
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        raise(WTERMSIG(status));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 127;
}
