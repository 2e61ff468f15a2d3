import { expect, test } from "bun:test";
import { postgresUrl } from "./postgres";

const fields = { host: "db", port: 5432, user: "bifrost", password: "", db_name: "logs", ssl_mode: "require", max_open_conns: 5 };

test("Go's logs_store postgres fields become a URL, the password percent-encoded", () => {
  expect(postgresUrl({ ...fields, password: "p@ss/word" }, {})).toBe("postgres://bifrost:p%40ss%2Fword@db:5432/logs?sslmode=require");
  expect(postgresUrl(fields, {})).toBe("postgres://bifrost@db:5432/logs?sslmode=require");
});

test("an env.X password or url is read from the environment; an unset one fails naming the variable", () => {
  expect(postgresUrl({ ...fields, password: "env.PG_PW" }, { PG_PW: "s3cret" })).toBe("postgres://bifrost:s3cret@db:5432/logs?sslmode=require");
  expect(postgresUrl({ ...fields, url: "env.PG_URL" }, { PG_URL: "postgres://x@y/z" })).toBe("postgres://x@y/z");
  expect(() => postgresUrl({ ...fields, password: "env.PG_PW" }, {})).toThrow("environment variable PG_PW is not set");
});
