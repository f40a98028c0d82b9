#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised: the service's own database and role.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE licences LOGIN PASSWORD '${SERVICE_DB_PASSWORD}';
CREATE DATABASE licences OWNER licences;
SQL
