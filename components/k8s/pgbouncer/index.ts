export { PgBouncer, readPoolName, type PgBouncerArgs, type PgBouncerDatabase } from "./pgbouncer";
export { maxDbConnections, PGBOUNCER_VERSION, renderPgbouncerIni, renderUserlist } from "./config";
