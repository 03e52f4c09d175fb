/*
 * migrations.h: the schema as numbered migrations.  Each file
 * src/store/migrations/NNNN_name.sql becomes one entry, in order, through
 * scripts/embed-sql; a store applies every entry it has not recorded
 * (not only those above the highest, as migrations numbered on separate
 * lines of work may arrive in another order), each in a transaction.
 * Files are never edited once shipped: a change is a new file.
 */
#ifndef DW_STORE_MIGRATIONS_H
#define DW_STORE_MIGRATIONS_H

#include <stddef.h>

struct store_migration {
	int		 version;
	const char	*name;
	const char	*sql;
};

extern const struct store_migration store_migrations[];
extern const size_t store_nmigrations;

#endif
