/*
 * spawn.c - the bench's process launcher: for each file named on stdin,
 * run argv with that file as its standard input, and print
 * "seconds exit-status peak-rss-KiB".  Written in C so that the child
 * starts from a small process: ru_maxrss includes what a child held
 * before exec, which for a child of Python is Python's whole heap.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char path[4096];

	if (argc < 2) {
		fprintf(stderr, "usage: spawn CMD [ARGS] < file-list\n");
		return 2;
	}
	while (fgets(path, sizeof(path), stdin) != NULL) {
		struct timespec t0, t1;
		struct rusage ru;
		int status = 0;
		pid_t pid;

		path[strcspn(path, "\n")] = '\0';
		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid = fork();
		if (pid == 0) {
			int in = open(path, O_RDONLY);
			int null = open("/dev/null", O_WRONLY);

			if (in < 0 || null < 0)
				_exit(126);
			dup2(in, 0);
			dup2(null, 1);
			dup2(null, 2);
			execv(argv[1], argv + 1);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%.6f %d %ld\n", (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
		    WTERMSIG(status), ru.ru_maxrss);
		fflush(stdout);
	}
	return 0;
}
