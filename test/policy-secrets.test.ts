/**
 * Secrets judged by value: live keys under innocent names are caught, ordinary config under secret-sounding
 * names is not. Every token below is fabricated in the issuer's published format.
 */
import { describe, expect, it } from "vitest";
import * as Kr from "../policy/kubernetes";
import { secretValueProblem, secretsIn, shannonEntropy } from "../policy/secrets";
import { check } from "./policy-args";

const { K } = Kr;

const deployment = (env: { name: string; value: string }[]) => ({
  metadata: { name: "api", namespace: "api" },
  spec: { template: { spec: { containers: [{ name: "api", image: "ghcr.io/x/api:1.0.0", env }] } } },
});

describe("secret values", () => {
  it.each([
    ["FEATURE_FLAGS_BACKEND", "sk_live_51Habcdefghijklmnop1234", "holds a Stripe live key"],
    ["UPSTREAM", "AKIAIOSFODNN7EXAMPLE", "holds an AWS access key id"],
    ["CI_HELPER", `ghp_${"a1B2c3D4e5".repeat(4)}`, "holds a GitHub token"],
    ["WEBHOOK", "xoxb-123456789012-abcdefghijkl", "holds a Slack token"],
    ["MODEL_PROVIDER", `sk-proj-${"Zx9".repeat(10)}`, "holds an OpenAI / Anthropic API key"],
    ["CERT", "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----", "holds a private key block"],
    ["BROKER", "amqp://app:Tr0ub4dor@rabbit:5672/", "holds a URL with a password (scheme://user:password@host)"],
    ["CACHE", "rediss://:p4ssw0rd@redis:6380/0", "holds a URL with a password (scheme://user:password@host)"],
    // 22 characters once and 5 twice in 32: 22/32 x 5 + 5 x 2/32 x 4 = 4.69 bits/char
    ["OPAQUE", "aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ", "holds a high-entropy string (32 characters, 4.7 bits/char)"],
    ["DB_PASSWORD", "hunter2", "is named like a secret and holds an opaque literal"],
    ["API_KEY", "9f86d081884c7d659a2feaa0c55ad015", "is named like a secret and holds a random-looking value"],
  ])("%s = %s: %s", (key, value, problem) => {
    expect(secretValueProblem(key, value)).toBe(problem);
  });

  it.each([
    ["PASSWORD_MIN_LENGTH", "12"],
    ["OAUTH_TOKEN_URL", "https://auth.example.com/oauth/token"],
    ["REDIS_URL", "redis://redis.internal:6379/0"],
    ["DATABASE_URL", "postgres://app:$(DB_PASSWORD)@db:5432/app"],
    ["TOKEN_TTL", "3600s"],
    ["SECRET_NAME", "db-credentials"],
    ["JWT_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt-AbCdEf"],
    ["TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"],
    ["AUTH_MODE", "oidc"],
    ["QUEUES", "cleanup,template,enterprise,priority"],
    ["IMAGE", "ghcr.io/finishthisidea/api@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
    ["METRIC", "pgbouncer_pools_client_active_connections"],
  ])("%s = %s is ordinary config", (key, value) => {
    expect(secretValueProblem(key, value)).toBeUndefined();
  });

  it("measures entropy: random base64 is high, words are low", () => {
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
    expect(shannonEntropy("pg_stat_statements")).toBeLessThan(3.5);
  });

  it("walks JSON documents with their keys", () => {
    const doc = JSON.stringify({ billing: { provider: "stripe", key: "sk_live_51Habcdefghijklmnop1234" }, limits: { passwordMinLength: 12 } });
    expect(secretsIn("app.json", doc)).toEqual([{ path: "app.json.billing.key", problem: "holds a Stripe live key" }]);
  });
});

describe("k8s-secrets-not-in-plaintext", () => {
  it("catches a live key under an innocent env name and inside a ConfigMap's JSON", () => {
    expect(check(Kr.secretsNotInPlainText, K.deployment, deployment([{ name: "FEATURE_BACKEND", value: "sk_live_51Habcdefghijklmnop1234" }]), { name: "api" })).toEqual([
      "api: container api env FEATURE_BACKEND holds a Stripe live key as a literal value; use valueFrom.secretKeyRef.",
    ]);
    const cm = { metadata: { name: "settings" }, data: { "settings.json": JSON.stringify({ integrations: { github: { token: `ghp_${"a1B2c3D4e5".repeat(4)}` } } }) } };
    expect(check(Kr.secretsNotInPlainText, K.configMap, cm, { name: "settings" })).toEqual([
      "settings: ConfigMap key settings.json.integrations.github.token holds a GitHub token; put it in a Secret.",
    ]);
  });

  it("passes ordinary config whose key names sound like secrets, and the secure variant (secretKeyRef)", () => {
    const cm = { metadata: { name: "app" }, data: { PASSWORD_MIN_LENGTH: "12", OAUTH_TOKEN_URL: "https://auth.example.com/oauth/token", REDIS_URL: "redis://redis.internal:6379/0", "limits.json": '{"tokenTtlSeconds": 3600}' } };
    expect(check(Kr.secretsNotInPlainText, K.configMap, cm)).toEqual([]);
    const secure = deployment([]);
    secure.spec.template.spec.containers[0].env = [{ name: "STRIPE_KEY", valueFrom: { secretKeyRef: { name: "billing", key: "stripe" } } } as any];
    expect(check(Kr.secretsNotInPlainText, K.deployment, secure)).toEqual([]);
  });

  it("ignoreKeys lets a reviewed false positive through", () => {
    const cm = { data: { FIXTURE: "aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ" } };
    expect(check(Kr.secretsNotInPlainText, K.configMap, cm)).toHaveLength(1);
    expect(check(Kr.secretsNotInPlainText, K.configMap, cm, { config: { ignoreKeys: ["FIXTURE"] } })).toEqual([]);
  });
});
