/*
 * mime_int.h: the gmime helpers of mime.c that other parsers in
 * src/report/ share (failure.c).  Not for use outside src/report/.
 */
#ifndef DW_MIME_INT_H
#define DW_MIME_INT_H

#include <stddef.h>

#include <gmime/gmime.h>

/* Initializes gmime once per process; call before any other gmime use. */
void mime_init_once(void);
/*
 * Counts the media types that open a level (multipart/..., message/...)
 * anywhere in p[0..n): gmime's parser recurses once per level, so a
 * message with more of them than parts allowed is refused unparsed.
 */
unsigned mime_count_levels(const char *p, size_t n);
/*
 * Parses arr (taken: the message owns it from then on) as a message;
 * NULL when gmime cannot.
 */
GMimeMessage *mime_message_parse(GByteArray *arr);
/* The decoded content of a leaf part (base64 also without its last
 * padding), or NULL; the caller unrefs it. */
GByteArray *mime_part_bytes(GMimePart *part);

#endif
