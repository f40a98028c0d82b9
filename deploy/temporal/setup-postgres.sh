#!/bin/sh
# Creates Temporal's databases and brings their schemas up to date; safe to run again. docker-compose.yml runs it
# in the admin-tools image; the topology harness (topology/schema.ts) runs it with the SQL tool of the same
# version. temporal-sql-tool reads SQL_HOST, SQL_PORT, SQL_USER and SQL_PASSWORD from the environment.
set -eu
: "${SQL_HOST:=postgresql}" "${SQL_PORT:=5432}" "${SQL_USER:=temporal}" "${SCHEMA_DIR:=/etc/temporal/schema}"
export SQL_HOST SQL_PORT SQL_USER
tool() { temporal-sql-tool --plugin postgres12 "$@"; }
for db in temporal temporal_visibility; do
  # Fails when the database exists (a second run): the schema steps below fail loudly on anything else.
  tool --db "$db" create 2>/dev/null || true
done
tool --db temporal setup-schema -v 0.0 2>/dev/null || true
tool --db temporal update-schema -d "$SCHEMA_DIR/postgresql/v12/temporal/versioned"
tool --db temporal_visibility setup-schema -v 0.0 2>/dev/null || true
tool --db temporal_visibility update-schema -d "$SCHEMA_DIR/postgresql/v12/visibility/versioned"
