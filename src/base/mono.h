/* mono.h: the monotonic clock, for durations and deadlines. */
#ifndef DW_MONO_H
#define DW_MONO_H

/* Seconds since an arbitrary point; never goes back. */
double mono_now(void);

#endif
