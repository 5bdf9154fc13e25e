/**
 * The application contract (issue 14) in the real program: what the pods are handed (readers, LLM router, R2
 * credentials), the edge policy on every entry, and that every new credential stays secret end to end.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parseIni } from "../components/k8s/pgbouncer/config";
import { named, ofType, runStackFile, type ProgramRun } from "./harness";

const SECRET = "kubernetes:core/v1:Secret";
const ACL = "aws:wafv2/webAcl:WebAcl";

describe("application contract (prod, growth)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStackFile("prod", { preview: false, outputs: true });
  });

  it("serves a read pool over the in-region replica only (the cross-region replicas are DR copies)", () => {
    const ini = parseIni(named(run, "kubernetes:core/v1:ConfigMap", "pgbouncer-config").inputs.data["pgbouncer.ini"]);
    expect(ini.databases.finishthisidea_read).toBe("host=database-replica-1.abc123.us-east-1.rds.amazonaws.com port=5432 dbname=finishthisidea");
    expect(JSON.stringify(ini.databases)).not.toMatch(/us-west-2|eu-west-1/);
  });

  it("gives the pods the writer and reader URLs and the R2 keys only through their Secrets", async () => {
    for (const name of ["api-env", "workers-env"]) {
      const s = named(run, SECRET, name);
      expect(s.secretInputs).toEqual(["stringData"]);
      expect(Object.keys(s.inputs.stringData)).toEqual(expect.arrayContaining(["DATABASE_URL", "DATABASE_READ_URL", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY"]));
      expect(s.inputs.stringData.R2_ACCESS_KEY_ID).toBe("storage-r2-token-id");
    }
    const plain = JSON.stringify(run.resources.filter((r) => r.type !== SECRET && !r.type.startsWith("pulumi:providers:")).map((r) => r.inputs));
    expect(plain).not.toContain("mock-token-value-for-storage-r2-token");
    // No stack output carries an R2 credential, plain or not.
    expect(Object.keys(run.outputs).filter((k) => /r2(Access|Secret)/i.test(k))).toEqual([]);
  });

  it("puts the CDN's WAF rules on the API's ALB too, in a regional web ACL", () => {
    const cdn = named(run, ACL, "cdn-waf").inputs;
    const api = named(run, ACL, "api-waf-acl").inputs;
    expect(api.scope).toBe("REGIONAL");
    const shape = (rules: any[]) => rules.map((r) => ({ ...r, visibilityConfig: undefined }));
    expect(shape(api.rules)).toEqual(shape(cdn.rules));
    expect(api.rules[0].statement.rateBasedStatement.limit).toBe(2000);
    const ingress = named(run, "kubernetes:networking.k8s.io/v1:Ingress", "api-ingress").inputs;
    expect(ingress.metadata.annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"]).toBe("arn:aws:wafv2:us-east-1:123456789012:api-waf-acl");
  });
});

describe("application contract (staging, mvp)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStackFile("staging", { preview: false });
  });

  it("has the WAF on both entries with staging's own limit", () => {
    expect(ofType(run, ACL).map((a) => [a.name, a.inputs.scope, a.inputs.rules[0].statement.rateBasedStatement.limit]).sort())
      .toEqual([["api-waf-acl", "REGIONAL", 200], ["cdn-waf", "CLOUDFRONT", 200]]);
  });

  it("keeps an LLM key set on the stack secret from config to the workers' Secret", async () => {
    const { runStack } = await import("../tools/program");
    const { readStackFile } = await import("../infra/stack-file");
    const file = readStackFile("staging");
    const keyed = await runStack({ values: file.raw.values, secrets: { ...file.raw.secrets, openaiApiKey: pulumi.secret("sk-e2e-openai") } }, file.project, "staging", { preview: false });
    const workers = named(keyed, SECRET, "workers-env");
    expect(workers.secretInputs).toEqual(["stringData"]);
    expect(workers.inputs.stringData.OPENAI_API_KEY).toBe("sk-e2e-openai");
    expect(JSON.stringify(keyed.resources.filter((r) => r.type !== SECRET).map((r) => r.inputs))).not.toContain("sk-e2e-openai");
    expect(JSON.parse(named(keyed, "kubernetes:core/v1:ConfigMap", "workers-config").inputs.data.LLM_ROUTER).providers).toEqual(["openai"]);
  });
});
