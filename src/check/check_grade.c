/*
 * check_grade.c: the overall grade of a domain (documented in
 * dmarcward-check(1)).
 *
 * The score starts at 100 and loses CHECK_PENALTY_* points per finding of
 * each severity (info costs nothing), down to 0.  The grade is A from 90,
 * B from 80, C from 70, D from 60, F below; a high finding caps the grade
 * at C and a critical one makes it F, whatever the score.  A domain that
 * could not be checked is F with a score of 0.
 */
#include "check/check.h"

static int
penalty(enum check_sev s)
{
	switch (s) {
	case CHECK_SEV_CRITICAL:
		return CHECK_PENALTY_CRITICAL;
	case CHECK_SEV_HIGH:
		return CHECK_PENALTY_HIGH;
	case CHECK_SEV_MEDIUM:
		return CHECK_PENALTY_MEDIUM;
	case CHECK_SEV_LOW:
		return CHECK_PENALTY_LOW;
	case CHECK_SEV_INFO:
		break;
	}
	return 0;
}

void
check_grade(struct check_result *res)
{
	int score = 100;
	size_t i;

	res->worst = CHECK_SEV_INFO;
	for (i = 0; i < res->nfindings; i++) {
		enum check_sev s = res->findings[i].def->sev;

		score -= penalty(s);
		if (s > res->worst)
			res->worst = s;
	}
	if (score < 0 || res->status != CHECK_DONE)
		score = 0;
	res->score = score;
	res->grade = score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ?
	    'C' : score >= 60 ? 'D' : 'F';
	if (res->worst == CHECK_SEV_HIGH && res->grade < 'C')
		res->grade = 'C';
	if (res->worst == CHECK_SEV_CRITICAL || res->status != CHECK_DONE)
		res->grade = 'F';
}
