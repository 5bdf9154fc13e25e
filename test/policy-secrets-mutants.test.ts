/**
 * Secret detection, case by case (issue 19: every mutation of policy/secrets.ts must fail a test): each known
 * format with a key it must catch and a truncated one it must not, each "ordinary value" shape with the
 * near-miss password that only looks like it, and the entropy and length thresholds exactly at the boundary.
 * Every token is fabricated in its issuer's published format. Innocent keys (NOTE) isolate the value checks from
 * the name hint.
 */
import { describe, expect, it } from "vitest";
import { ENTROPY, KNOWN_SECRET_FORMATS, SECRET_NAME_HINT, secretValueProblem, secretsIn, urlCredential } from "../policy/secrets";

const OPAQUE = "is named like a secret and holds an opaque literal";
const RANDOM = "is named like a secret and holds a random-looking value";

describe("known credential formats", () => {
  it.each([
    ["a Stripe live key", "sk_live_abcdefghij123456"],
    ["a Stripe live key", "rk_live_abcdefghij123456"],
    ["an AWS access key id", "ASIAIOSFODNN7EXAMPLE"],
    ["a GitHub token", `gho_${"a1B2c3".repeat(6)}`],
    ["a GitHub token", `github_pat_${"11ABCDEFG_".repeat(3)}`],
    ["a Slack token", "xoxp-1234-abcdef"],
    ["a GitLab token", "glpat-abcdefghij_0123-4567"],
    ["a Google API key", `AIza${"Sy0123456789abcdefghijklmnopqrstu-_"}`],
    ["an OpenAI / Anthropic API key", "sk-abcdefghij0123456789"],
    ["an OpenAI / Anthropic API key", "sk-ant-api03-abcdefghij0123456789"],
    ["a SendGrid API key", "SG.abcdefghij123456.abcdefghij123456"],
    ["an npm token", `npm_${"a1B2c3".repeat(6)}`],
    ["a Hugging Face token", `hf_${"a1B2c3".repeat(5)}`],
    ["a JSON Web Token", "eyJhbGciOiJ.eyJzdWIiOiJ.abcdefgh"],
    ["a private key block", "-----BEGIN PRIVATE KEY-----"],
    ["a private key block", "-----BEGIN PGP PRIVATE KEY BLOCK-----"],
    ["an HTTP Authorization credential", "Authorization: Basic dXNlcjpw"],
    ["an HTTP Authorization credential", "Bearer abc.def~12"],
    ["a PgBouncer userlist entry", '"app" "SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2VydmVy"'],
    ["a PgBouncer userlist entry", `"app" "md5${"0123456789abcdef".repeat(2)}"`],
  ])("%s: %s", (name, value) => {
    expect(secretValueProblem("NOTE", value)).toBe(`holds ${name}`);
  });

  it.each([
    "sk_live_abc123",
    "AKIAX",
    "ghp_abc123",
    "github_pat_abc",
    "xoxb-1",
    "glpat-abc",
    "AIzaX",
    "sk-abc123",
    "SG.a.abcdefghij123456",
    "SG.abcdefghij123456.abc",
    "npm_a",
    "hf_abc123",
    "eyJh.eyJzdWIiOiJ.abcdefgh",
    "eyJhbGciOiJ.eyJz.abcdefgh",
    "eyJhbGciOiJ.eyJzdWIiOiJ.abc",
    "-----BEGIN PUBLIC KEY-----",
    "Bearer abc",
    "SCRAM-SHA-256$:x",
    '"md5a"',
  ])("%s is too short (or not the format) to be a credential", (value) => {
    expect(secretValueProblem("NOTE", value)).toBeUndefined();
  });

  it("names each format for the report", () => {
    expect(KNOWN_SECRET_FORMATS.map((f) => f.name)).toEqual([
      "a Stripe live key", "an AWS access key id", "a GitHub token", "a Slack token", "a GitLab token", "a Google API key",
      "an OpenAI / Anthropic API key", "a SendGrid API key", "an npm token", "a Hugging Face token", "a JSON Web Token",
      "a private key block", "an HTTP Authorization credential", "a PgBouncer userlist entry",
    ]);
  });
});

describe("passwords in URLs and assignments", () => {
  it("returns the password of the first URL that has a real one", () => {
    expect(urlCredential("a=postgres://app:$(PW)@db b=redis://:s3cret@cache")).toBe("s3cret");
    expect(urlCredential("db2://app:s3cret@db2.internal:50000/app")).toBe("s3cret");
    expect(urlCredential("s://app:s3cret@db")).toBe("s3cret"); // a one-letter scheme
    expect(urlCredential("https://example.com/a:b@c")).toBeUndefined();
  });

  it("decodes a percent-encoded placeholder, and keeps an undecodable one as written", () => {
    expect(urlCredential("postgres://app:%3Cpassword%3E@db:5432/app")).toBeUndefined();
    expect(urlCredential("postgres://app:${DB_%PASSWORD}@db:5432/app")).toBeUndefined();
    expect(urlCredential("postgres://app:p%ZZss@db:5432/app")).toBe("p%ZZss");
  });

  it.each([
    ["$(DB_PASSWORD)"], ["${DB_PASSWORD}"], ["<password>"], ["***"], ["xxxx"], ["CHANGEME"], ["redacted"],
  ])("%s is a placeholder, not a password", (pw) => {
    expect(urlCredential(`postgres://app:${pw}@db:5432/app`)).toBeUndefined();
  });

  it.each([["s3cretx"], ["xK9pQ"], ["<a>b"], ["a<b>"], ["$(a)b"]])("%s only looks like a placeholder", (pw) => {
    expect(urlCredential(`postgres://app:${pw}@db:5432/app`)).toBe(pw);
  });

  it("catches password=, pwd= and passwd= at the start or after a separator, spaced or not", () => {
    const ASSIGNED = "holds a password assignment (password=...)";
    expect(secretValueProblem("PGBOUNCER_INI", "password=s3cret")).toBe(ASSIGNED);
    expect(secretValueProblem("PGBOUNCER_INI", "password = s3cret")).toBe(ASSIGNED);
    expect(secretValueProblem("DSN", "host=db port=5432 password=s3cret")).toBe(ASSIGNED);
    expect(secretValueProblem("DSN", "Server=db;Pwd=s3cret")).toBe(ASSIGNED);
    expect(secretValueProblem("URL", "https://db/x?user=a&passwd=s3cret")).toBe(ASSIGNED);
  });

  it("passes a placeholder assignment and a key that only ends in password", () => {
    expect(secretValueProblem("PGBOUNCER_INI", "password=${DB_PASSWORD}")).toBeUndefined();
    expect(secretValueProblem("PGBOUNCER_INI", "password={{.Values.db.password}}")).toBeUndefined();
    expect(secretValueProblem("NOTE", "db_password=hunter2")).toBeUndefined();
  });
});

describe("high-entropy strings", () => {
  it(`flags a mixed-class token from ${ENTROPY.minLength} characters (24: caught, 23: not)`, () => {
    expect(secretValueProblem("NOTE", "aB3dE5fG7hJ9kL1mN3pQ5rS7")).toBe("holds a high-entropy string (24 characters, 4.3 bits/char)");
    expect(secretValueProblem("NOTE", "aB3dE5fG7hJ9kL1mN3pQ5rS")).toBeUndefined();
    expect(secretValueProblem("NOTE", "key: aB3dE5fG7hJ9kL1mN3pQ5rS7 (rotated)")).toBe("holds a high-entropy string (24 characters, 4.3 bits/char)");
  });

  it("needs upper case, lower case and digits together", () => {
    expect(secretValueProblem("NOTE", "abcdefghijklmnopqrstuvwxyz0123456789")).toBeUndefined();
    expect(secretValueProblem("NOTE", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ")).toBeUndefined();
    expect(secretValueProblem("NOTE", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")).toBeUndefined();
  });

  it(`under a secret-looking name, flags a token from ${ENTROPY.hintedMinLength} characters and exactly ${ENTROPY.hintedMinEntropy} bits/char, any classes`, () => {
    expect(secretValueProblem("API_KEY", "abcdefghijkl x")).toBe(RANDOM); // 12 characters
    expect(secretValueProblem("API_KEY", "abcdefghijk x")).toBeUndefined(); // 11
    expect(secretValueProblem("API_KEY", "abcdefghabcdefgh x")).toBe(RANDOM); // 8 symbols twice each: 3.0 bits/char
    expect(secretValueProblem("API_KEY", "aaaaaaaabbbbbbbb x")).toBeUndefined(); // 1 bit/char
  });
});

describe("names that hint at a secret", () => {
  it.each([["DB_PASSWORD"], ["passwd"], ["STRIPE_SECRET"], ["AUTH_TOKEN"], ["API_KEY"], ["api-key"], ["apiKey"], ["PRIVATE_KEY"], ["privateKey"], ["gcpCredentials"]])("%s", (key) => {
    expect(SECRET_NAME_HINT.test(key)).toBe(true);
    expect(secretValueProblem(key, "hunter2")).toBe(OPAQUE);
  });

  it("an innocent name holding an ordinary word is not a secret", () => {
    expect(SECRET_NAME_HINT.test("GREETING")).toBe(false);
    expect(secretValueProblem("GREETING", "hello")).toBeUndefined();
  });
});

describe("ordinary values under secret-looking names", () => {
  it.each([
    ["TOKEN_OFFSET", "-5"],
    ["TOKEN_RATIO", "0.75"],
    ["TOKEN_MEMORY", "512Mi"],
    ["TOKEN_SHARE", "80%"],
    ["TOKEN_TTL", "30s"],
    ["SECRET_ROTATION", "Enabled"],
    ["PASSWORD_RESET", "off"],
    ["JWT_SECRET_ARN", "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:jwt"],
    ["TOKEN_FILE", "./secrets/token"],
    ["TOKEN_FILE", "../secrets/token"],
    ["SECRET_NAME", "prod-db-credentials"],
    ["TOKEN_AUDIENCE", "api.internal"],
    ["DB_PASSWORD", "correct horse battery staple"],
    ["DB_PASSWORD", "$(DB_PASSWORD)"],
    ["TOKEN_RATIO", "-0.75"],
    ["TOKEN_CACHE", "1.5Gi"],
    ["TOKEN_TTL", " 3600 "],
    ["DB_PASSWORD", "<set-by-the-operator>"],
  ])("%s = %s", (key, value) => {
    expect(secretValueProblem(key, value)).toBeUndefined();
  });

  it.each([
    ["hunter12"], // ends like a number
    ["12hunter"], // starts like one
    ["Trueblue7"], // starts like a boolean
    ["Hunter2null"], // ends like one
    ["hunter2@https://example.com"], // contains a URL
    ["hunter+arn:aws:kms"], // contains an ARN
    ["Tr0ub/4dor"], // contains a slash
    ["Db-creds"], // a resource name has no capitals
    ["db-creds_X"], // ... nor underscores
    ["hunter2\n"], // a trailing newline is not whitespace inside the value
    ["!@#$%^"], // no token at all is still an opaque literal
  ])("DB_PASSWORD = %j only looks ordinary", (value) => {
    expect(secretValueProblem("DB_PASSWORD", value)).toBe(OPAQUE);
  });

  it("an empty or non-string value is no secret", () => {
    expect(secretValueProblem("DB_PASSWORD", "   ")).toBeUndefined();
    expect(secretValueProblem("DB_PASSWORD", 42)).toBeUndefined();
    expect(secretValueProblem("DB_PASSWORD", undefined)).toBeUndefined();
  });
});

describe("secretsIn", () => {
  const STRIPE = "sk_live_abcdefghij123456";
  it("descends into JSON arrays and objects, naming the path; nulls and numbers are no secret", () => {
    expect(secretsIn("keys.json", JSON.stringify(["ok", STRIPE]))).toEqual([{ path: "keys.json[1]", problem: "holds a Stripe live key" }]);
    expect(secretsIn("app", { a: null, b: 12, c: [{ d: STRIPE }] })).toEqual([{ path: "app.c[0].d", problem: "holds a Stripe live key" }]);
    expect(secretsIn("app", undefined)).toEqual([]);
    expect(secretsIn("app", ` {"nested": "${STRIPE}"}`)).toEqual([{ path: "app.nested", problem: "holds a Stripe live key" }]);
  });

  it("judges text that only starts like JSON as text", () => {
    expect(secretsIn("token", "{{ .Values.token }}")).toEqual([]);
    expect(secretsIn("NOTE", `[${STRIPE}`)).toEqual([{ path: "NOTE", problem: "holds a Stripe live key" }]);
    expect(secretsIn("NOTE", "{")).toEqual([]);
    expect(secretsIn("DB_PASSWORD", "1e10")).toEqual([{ path: "DB_PASSWORD", problem: OPAQUE }]); // JSON would read a number
  });
});
