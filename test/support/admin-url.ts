/** The PostgreSQL server tests run against: TEST_DATABASE_URL, else the local one (trust auth). */
export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}
