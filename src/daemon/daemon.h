/*
 * daemon.h: dmarcward run -- the jobs of the configuration on their
 * schedules (IMAP polls, watched folders), the HTTP listener, graceful
 * shutdown on SIGTERM or SIGINT, configuration reload on SIGHUP.
 */
#ifndef DW_DAEMON_H
#define DW_DAEMON_H

/* Runs until told to stop; returns the process exit status. */
int daemon_run(const char *config_path);

#endif
