import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { edgeWafRules, EdgeWebAcl, validateEdgeWebAclArgs } from "../components/edge/waf";
import { find, runComponent } from "./component-harness";

describe("edge WAF rules", () => {
  const rules = edgeWafRules(500, "api-waf");

  it("puts the per-IP rate limit first, then AWS's IP reputation, known bad inputs and common rule groups", () => {
    expect(rules.map((r) => [r.name, r.priority])).toEqual([
      ["rate-limit-per-ip", 1],
      ["AWSManagedRulesAmazonIpReputationList", 10],
      ["AWSManagedRulesKnownBadInputsRuleSet", 11],
      ["AWSManagedRulesCommonRuleSet", 12],
    ]);
    expect(rules[0].statement).toEqual({ rateBasedStatement: { limit: 500, aggregateKeyType: "IP", evaluationWindowSec: 300 } });
    for (const r of rules.slice(1)) {
      // A managed group takes an overrideAction (none: its own block actions apply), never an action.
      expect(r.overrideAction).toEqual({ none: {} });
      expect(r.action).toBeUndefined();
      expect((r.statement as any).managedRuleGroupStatement.vendorName).toBe("AWS");
    }
    expect(new Set(rules.map((r) => (r.visibilityConfig as any).metricName)).size).toBe(rules.length);
  });

  it("refuses a rate limit WAF cannot take and an unknown scope, naming the arg", () => {
    expect(() => validateEdgeWebAclArgs("api-waf", { scope: "REGIONAL", requestsPer5Minutes: 5, protects: "x" })).toThrow(/requestsPer5Minutes is 5; expected an integer from 10 to 2000000000/);
    expect(() => validateEdgeWebAclArgs("api-waf", { scope: "GLOBAL" as any, requestsPer5Minutes: 100, protects: "x" })).toThrow(/scope is "GLOBAL"; expected CLOUDFRONT or REGIONAL/);
  });

  it("builds a REGIONAL web ACL with those rules through the given provider", async () => {
    const { resources } = await runComponent((parent) => {
      const provider = new aws.Provider("aws-use1", { region: "us-east-1" }, { parent });
      return new EdgeWebAcl("api-waf", { scope: "REGIONAL", requestsPer5Minutes: 500, protects: "api.example.com" }, { parent, providers: [provider] });
    });
    const acl = find(resources, "aws:wafv2/webAcl:WebAcl", "api-waf-acl");
    expect(acl.inputs.scope).toBe("REGIONAL");
    expect(acl.inputs.rules).toHaveLength(4);
    expect(acl.options.provider).toBe("aws-use1");
  });
});
