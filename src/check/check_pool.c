/* check_pool.c: see check_pool.h. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "check/check_pool.h"

struct queue {
	struct check_job	*head, *tail;
};

struct check_pool {
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;	/* a job was queued, or stop */
	pthread_cond_t		 fin;	/* a job finished */
	struct queue		 todo, done;
	pthread_t		*th;
	size_t			 nth, maxth, idle;
	size_t			 outstanding;	/* submitted, done() not run */
	bool			 stop;
};

static void
push(struct queue *q, struct check_job *j)
{
	j->next = NULL;
	if (q->tail != NULL)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
}

static struct check_job *
pop(struct queue *q)
{
	struct check_job *j = q->head;

	if (j != NULL) {
		q->head = j->next;
		if (q->head == NULL)
			q->tail = NULL;
	}
	return j;
}

static void *
worker(void *arg)
{
	struct check_pool *p = arg;
	struct check_job *j;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->todo.head == NULL) {
			p->idle++;
			pthread_cond_wait(&p->work, &p->mu);
			p->idle--;
		}
		if (p->stop)
			break;
		j = pop(&p->todo);
		pthread_mutex_unlock(&p->mu);
		j->run(j);
		pthread_mutex_lock(&p->mu);
		push(&p->done, j);
		pthread_cond_signal(&p->fin);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct check_pool *
check_pool_new(size_t nthreads)
{
	struct check_pool *p;

	if (nthreads == 0)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->th = calloc(nthreads, sizeof(*p->th));
	if (p->th == NULL) {
		free(p);
		return NULL;
	}
	p->maxth = nthreads;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->fin, NULL);
	return p;
}

void
check_pool_free(struct check_pool *p)
{
	size_t i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	pthread_cond_destroy(&p->fin);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p->th);
	free(p);
}

enum dw_err
check_pool_submit(struct check_pool *p, struct check_job *j)
{
	enum dw_err err = DW_OK;

	pthread_mutex_lock(&p->mu);
	if (p->idle == 0 && p->nth < p->maxth &&
	    pthread_create(&p->th[p->nth], NULL, worker, p) == 0)
		p->nth++;
	if (p->nth == 0) {
		err = DW_ENOMEM;
	} else {
		push(&p->todo, j);
		p->outstanding++;
		pthread_cond_signal(&p->work);
	}
	pthread_mutex_unlock(&p->mu);
	return err;
}

/* An absolute CLOCK_REALTIME deadline ms from now (condition variables
 * wait on that clock by default). */
static struct timespec
deadline(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

size_t
check_pool_poll(struct check_pool *p, int timeout_ms)
{
	struct check_job *list, *j;
	struct timespec ts;
	size_t n = 0, left;

	pthread_mutex_lock(&p->mu);
	if (p->done.head == NULL && p->outstanding > 0 && timeout_ms != 0) {
		ts = deadline(timeout_ms > 0 ? timeout_ms : 0);
		while (p->done.head == NULL)
			if (timeout_ms < 0)
				pthread_cond_wait(&p->fin, &p->mu);
			else if (pthread_cond_timedwait(&p->fin, &p->mu,
			    &ts) == ETIMEDOUT)
				break;
	}
	list = p->done.head;
	p->done.head = p->done.tail = NULL;
	for (j = list; j != NULL; j = j->next)
		n++;
	p->outstanding -= n;
	pthread_mutex_unlock(&p->mu);
	while ((j = list) != NULL) {
		list = j->next;
		j->done(j);
	}
	pthread_mutex_lock(&p->mu);
	left = p->outstanding;
	pthread_mutex_unlock(&p->mu);
	return left;
}
