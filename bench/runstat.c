/*
 * runstat.c: runs a command and prints its wall-clock seconds and peak
 * resident memory (the child's ru_maxrss) on standard error as
 * "runstat: SECONDS s, RSS MB", then exits with the command's status.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <stdio.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec a, b;
	struct rusage ru;
	pid_t pid;
	int st;

	if (argc < 2)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &b);
	fprintf(stderr, "runstat: %.3f s, %.1f MB\n",
	    (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) /
	    1e9, (double)ru.ru_maxrss / 1024.0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
