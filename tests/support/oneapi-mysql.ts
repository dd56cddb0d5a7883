import mysql from "mysql2/promise";

/** The MySQL / MariaDB server tests may use (default: the local MariaDB, root without a password). */
export const TEST_MYSQL_SERVER = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";

/** Drops and creates `database`, then runs `statements` in it (in ANSI_QUOTES, as the fixture's rows quote "group"). */
export async function createMysqlDatabase(database: string, statements: readonly string[]): Promise<string> {
  const connection = await mysql.createConnection({ uri: TEST_MYSQL_SERVER });
  try {
    await connection.query(`DROP DATABASE IF EXISTS ${database}`);
    await connection.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
    await connection.query(`USE ${database}`);
    await connection.query("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',ANSI_QUOTES')");
    for (const statement of statements) await connection.query(statement);
  } finally {
    await connection.end();
  }
  return `${TEST_MYSQL_SERVER}/${database}`;
}

export async function dropMysqlDatabase(database: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: TEST_MYSQL_SERVER });
  try {
    await connection.query(`DROP DATABASE IF EXISTS ${database}`);
  } finally {
    await connection.end();
  }
}
