/**
 * One edge policy for every public entry: the same WAF rules on CloudFront (`cdn.<domain>`, scope CLOUDFRONT in
 * us-east-1) and on the API's ALB (`api.<domain>`, scope REGIONAL in the primary region): a per-IP rate limit
 * beside AWS's managed rule groups for common exploits, known bad inputs and IP reputation.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * AWS managed rule groups (vendor AWS; no subscription beyond the WAF request price). Names from the AWS WAF
 * Developer Guide, "AWS Managed Rules rule groups list" (docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html).
 * Listed after the rate limit so a flood is cut before its requests are inspected.
 */
export const AWS_MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesCommonRuleSet",
] as const;

/** WAF limits of a rate-based rule (requests per IP per evaluation window). */
export const WAF_RATE_LIMIT = { min: 10, max: 2_000_000_000, evaluationWindowSeconds: 300 } as const;

/** The rules of every edge web ACL, in priority order. */
export function edgeWafRules(requestsPer5Minutes: number, metricPrefix: string): aws.types.input.wafv2.WebAclRule[] {
  const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
  return [
    {
      name: "rate-limit-per-ip",
      priority: 1,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: requestsPer5Minutes, aggregateKeyType: "IP", evaluationWindowSec: WAF_RATE_LIMIT.evaluationWindowSeconds } },
      visibilityConfig: visibility(`${metricPrefix}-rate-limit`),
    },
    ...AWS_MANAGED_RULE_GROUPS.map((group, i) => ({
      name: group,
      priority: 10 + i,
      // The group's own actions (block) apply: `none` overrides nothing.
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
      visibilityConfig: visibility(`${metricPrefix}-${group}`),
    })),
  ];
}

export interface EdgeWebAclArgs {
  /** CLOUDFRONT (the provider must be us-east-1) or REGIONAL (an ALB in the provider's region). */
  scope: "CLOUDFRONT" | "REGIONAL";
  /** Requests one IP may send per 5 minutes before it is blocked. */
  requestsPer5Minutes: number;
  /** What the ACL protects, for its description. */
  protects: string;
}

export function validateEdgeWebAclArgs(name: string, args: EdgeWebAclArgs): void {
  const limit = args.requestsPer5Minutes;
  if (!Number.isInteger(limit) || limit < WAF_RATE_LIMIT.min || limit > WAF_RATE_LIMIT.max)
    throw new Error(`EdgeWebAcl ${name}: requestsPer5Minutes is ${JSON.stringify(limit)}; expected an integer from ${WAF_RATE_LIMIT.min} to ${WAF_RATE_LIMIT.max} (WAF rate-based rule limits)`);
  if (args.scope !== "CLOUDFRONT" && args.scope !== "REGIONAL") throw new Error(`EdgeWebAcl ${name}: scope is ${JSON.stringify(args.scope)}; expected CLOUDFRONT or REGIONAL`);
}

/** A WAFv2 web ACL with the edge rules; pass the provider of the region it belongs to. */
export class EdgeWebAcl extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: EdgeWebAclArgs, opts?: pulumi.ComponentResourceOptions) {
    validateEdgeWebAclArgs(name, args);
    super("finishthisidea:edge:EdgeWebAcl", name, {}, opts);
    const acl = new aws.wafv2.WebAcl(`${name}-acl`, {
      description: `Rate limit and AWS managed rules for ${args.protects}`,
      scope: args.scope,
      defaultAction: { allow: {} },
      rules: edgeWafRules(args.requestsPer5Minutes, name),
      visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: name },
    }, { parent: this });
    this.arn = acl.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
