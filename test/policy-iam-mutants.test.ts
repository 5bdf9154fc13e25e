/**
 * IAM and KMS rules, case by case (issue 19: every mutation of policy/iam.ts must fail a test). Each rule gets the
 * document a user would write that it must catch and the near-miss it must pass; expectations are literal messages.
 */
import { describe, expect, it } from "vitest";
import * as I from "../policy/iam";
import { check } from "./policy-args";

const { IAM } = I;
const doc = (...Statement: any[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const SENSITIVE = ["iam", "kms", "sts", "organizations"];

describe("IAM type tokens (the provider's, node_modules/@pulumi/aws/iam/*.d.ts)", () => {
  it("names every resource the rules judge by its exact token", () => {
    expect(IAM).toEqual({
      policy: "aws:iam/policy:Policy",
      rolePolicy: "aws:iam/rolePolicy:RolePolicy",
      userPolicy: "aws:iam/userPolicy:UserPolicy",
      groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
      role: "aws:iam/role:Role",
      rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
      userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
      groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
      kmsKey: "aws:kms/key:Key",
      kmsKeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    });
    expect(I.ADMIN_POLICY_ARNS).toEqual(["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::aws:policy/PowerUserAccess"]);
    expect(I.iamRules.map((r) => r.name)).toEqual(["iam-no-wildcard-grants", "iam-no-admin-attachments", "iam-trust-restricted", "kms-key-policy-not-public"]);
    // What `pulumi preview` prints beside a violation: each rule says what it enforces.
    expect(I.iamRules.map((r) => r.description)).toEqual([
      'IAM policies (managed, inline on roles/users/groups) grant no "*" / "*:*" and no iam:*, kms:*, sts:*, organizations:* on Resource "*".',
      "No AdministratorAccess, IAMFullAccess or PowerUserAccess on roles, users or groups the stack manages (workload roles get scoped policies; exemptRoles lists deliberate break-glass roles).",
      'Role trust policies never trust "*", a whole account or an OIDC provider without Conditions (sts:ExternalId, aws:PrincipalOrgID, <oidc>:sub ...).',
      'KMS key policies do not allow principal "*" without a Condition that scopes it (aws:PrincipalAccount, kms:CallerAccount, aws:SourceArn ...).',
    ]);
  });
});

describe("statementsOf", () => {
  it("reads a JSON text or an object; one statement object is a list of one; no Statement is none", () => {
    expect(I.statementsOf(doc({ Effect: "Allow" }, { Effect: "Deny" }))).toEqual([{ Effect: "Allow" }, { Effect: "Deny" }]);
    expect(I.statementsOf({ Statement: { Effect: "Allow" } })).toEqual([{ Effect: "Allow" }]);
    expect(I.statementsOf({ Version: "2012-10-17" })).toEqual([]);
    expect(I.statementsOf({ Statement: null })).toEqual([]);
  });

  it("has none while the document is unknown, absent or not a document", () => {
    expect(I.statementsOf("<computed>")).toEqual([]);
    expect(I.statementsOf(undefined)).toEqual([]);
    expect(I.statementsOf(null)).toEqual([]);
    expect(I.statementsOf("null")).toEqual([]);
    expect(I.statementsOf("not json")).toEqual([]);
    expect(I.statementsOf(42)).toEqual([]);
  });
});

describe("wildcardGrant", () => {
  const allow = (extra: Record<string, unknown>) => ({ Effect: "Allow", ...extra });

  it('names "*" and "*:*" on Resource "*" as full administrator', () => {
    expect(I.wildcardGrant(allow({ Action: "*", Resource: "*" }), SENSITIVE)).toBe('Action "*" on Resource "*" (full administrator)');
    expect(I.wildcardGrant(allow({ Action: ["s3:GetObject", "*:*"], Resource: ["arn:aws:s3:::b", "*"] }), SENSITIVE)).toBe('Action "*:*" on Resource "*" (full administrator)');
  });

  it("names a sensitive service wildcard, whatever its case, with the service in capitals", () => {
    expect(I.wildcardGrant(allow({ Action: "sts:*", Resource: "*" }), SENSITIVE)).toBe('Action "sts:*" on Resource "*" (every STS action on every resource)');
    expect(I.wildcardGrant(allow({ Action: "IAM:*", Resource: "*" }), SENSITIVE)).toBe('Action "IAM:*" on Resource "*" (every IAM action on every resource)');
    expect(I.wildcardGrant(allow({ Action: "organizations:*", Resource: "*" }), SENSITIVE)).toBe('Action "organizations:*" on Resource "*" (every ORGANIZATIONS action on every resource)');
  });

  it("passes a service wildcard outside the sensitive list, a prefixed action, and the configured list only", () => {
    expect(I.wildcardGrant(allow({ Action: "s3:*", Resource: "*" }), SENSITIVE)).toBeUndefined();
    expect(I.wildcardGrant(allow({ Action: "iam:*Role", Resource: "*" }), SENSITIVE)).toBeUndefined();
    expect(I.wildcardGrant(allow({ Action: "xiam:*", Resource: "*" }), SENSITIVE)).toBeUndefined();
    expect(I.wildcardGrant(allow({ Action: "s3:*", Resource: "*" }), ["s3"])).toBe('Action "s3:*" on Resource "*" (every S3 action on every resource)');
    expect(I.wildcardGrant(allow({ Action: "iam:*", Resource: "*" }), ["s3"])).toBeUndefined();
  });

  it("ignores non-string actions (a malformed document is not a wildcard)", () => {
    expect(I.wildcardGrant(allow({ Action: [{ not: "*" }, 7], Resource: "*" }), SENSITIVE)).toBeUndefined();
  });

  it("judges only Allow statements on every resource", () => {
    expect(I.wildcardGrant({ Effect: "Deny", Action: "*", Resource: "*" }, SENSITIVE)).toBeUndefined();
    expect(I.wildcardGrant({ Action: "*", Resource: "*" }, SENSITIVE)).toBeUndefined();
    expect(I.wildcardGrant(undefined, SENSITIVE)).toBeUndefined();
    expect(I.wildcardGrant(allow({ Action: "*", Resource: "arn:aws:s3:::b/*" }), SENSITIVE)).toBeUndefined();
    expect(I.wildcardGrant(allow({ Action: "*" }), SENSITIVE)).toBeUndefined();
  });

  it("treats NotResource without Resource as every resource, but not NotResource next to a Resource list", () => {
    expect(I.wildcardGrant(allow({ Action: "*", NotResource: "arn:aws:s3:::audit/*" }), SENSITIVE)).toBe('Action "*" on Resource "*" (full administrator)');
    expect(I.wildcardGrant(allow({ Action: "*", Resource: "arn:aws:s3:::b/*", NotResource: "arn:aws:s3:::b/private/*" }), SENSITIVE)).toBeUndefined();
  });

  it("quotes a NotAction list", () => {
    expect(I.wildcardGrant(allow({ NotAction: ["iam:*", "kms:*"], Resource: "*" }), SENSITIVE)).toBe('Allow with NotAction ["iam:*","kms:*"] on Resource "*" (everything except a list)');
  });
});

describe("iam-no-wildcard-grants", () => {
  const admin = doc({ Effect: "Allow", Action: "*", Resource: "*" });

  it("judges user and group inline policies; names a role's unnamed inline policy ?", () => {
    expect(check(I.iamNoWildcardGrants, IAM.userPolicy, { user: "u", policy: admin }, { name: "up" })).toEqual([
      'up: policy grants Action "*" on Resource "*" (full administrator); list the actions and resources the workload needs.',
    ]);
    expect(check(I.iamNoWildcardGrants, IAM.groupPolicy, { group: "g", policy: admin }, { name: "gp" })).toHaveLength(1);
    expect(check(I.iamNoWildcardGrants, IAM.role, { inlinePolicies: [{ policy: admin }] }, { name: "r" })).toEqual([
      'r: inline policy ? grants Action "*" on Resource "*" (full administrator); list the actions and resources the workload needs.',
    ]);
    expect(check(I.iamNoWildcardGrants, IAM.role, { inlinePolicies: { name: "only", policy: admin } }, { name: "r" })[0]).toMatch(/^r: inline policy only grants/);
  });

  it("reports every wildcard statement of a document, and none for a document still unknown", () => {
    expect(check(I.iamNoWildcardGrants, IAM.policy, { policy: doc({ Sid: "A", Effect: "Allow", Action: "*", Resource: "*" }, { Sid: "B", Effect: "Allow", Action: "kms:*", Resource: "*" }) }, { name: "p" })).toEqual([
      'p: policy statement A grants Action "*" on Resource "*" (full administrator); list the actions and resources the workload needs.',
      'p: policy statement B grants Action "kms:*" on Resource "*" (every KMS action on every resource); list the actions and resources the workload needs.',
    ]);
    expect(check(I.iamNoWildcardGrants, IAM.policy, { policy: "<computed>" })).toEqual([]);
  });

  it("by default also catches sts:* and organizations:*", () => {
    for (const action of ["sts:*", "organizations:*"]) {
      expect(check(I.iamNoWildcardGrants, IAM.policy, { policy: doc({ Effect: "Allow", Action: action, Resource: "*" }) }), action).toHaveLength(1);
    }
  });

  it("a role's malformed inline policy entry is skipped", () => {
    expect(check(I.iamNoWildcardGrants, IAM.role, { inlinePolicies: [null, { name: "ok", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) }] })).toEqual([]);
  });

  it("takes sensitiveServices from config", () => {
    const s3 = { policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }) };
    expect(check(I.iamNoWildcardGrants, IAM.policy, s3)).toEqual([]);
    expect(check(I.iamNoWildcardGrants, IAM.policy, s3, { config: { sensitiveServices: ["s3"] } })).toHaveLength(1);
  });

  it("ignores a role's assume-role policy and other resource types", () => {
    expect(check(I.iamNoWildcardGrants, IAM.role, { assumeRolePolicy: admin })).toEqual([]);
    expect(check(I.iamNoWildcardGrants, IAM.kmsKey, { policy: admin })).toEqual([]);
  });
});

describe("iam-no-admin-attachments", () => {
  const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
  const message = (name: string, policy: string) => `${name}: attaches ${policy}; a workload role gets a policy scoped to its actions and resources, never account administration.`;

  it("catches each admin policy on each attachment type, in any AWS partition", () => {
    expect(check(I.iamNoAdminAttachments, IAM.userPolicyAttachment, { user: "ci", policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" }, { name: "u" })).toEqual([message("u", "PowerUserAccess")]);
    expect(check(I.iamNoAdminAttachments, IAM.groupPolicyAttachment, { group: "ops", policyArn: ADMIN }, { name: "g" })).toEqual([message("g", "AdministratorAccess")]);
    expect(check(I.iamNoAdminAttachments, IAM.policyAttachment, { roles: ["a", "b"], policyArn: ADMIN }, { name: "pa" })).toEqual([message("pa", "AdministratorAccess")]);
    expect(check(I.iamNoAdminAttachments, IAM.rolePolicyAttachment, { role: "r", policyArn: "arn:aws-us-gov:iam::aws:policy/AdministratorAccess" }, { name: "gov" })).toEqual([message("gov", "AdministratorAccess")]);
    expect(check(I.iamNoAdminAttachments, IAM.role, { managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", ADMIN, "arn:aws:iam::aws:policy/IAMFullAccess"] }, { name: "r" })).toEqual([
      message("r", "AdministratorAccess"),
      message("r", "IAMFullAccess"),
    ]);
  });

  it("matches whole ARNs only: a customer policy named like an admin one, or with a suffix, passes", () => {
    expect(check(I.iamNoAdminAttachments, IAM.rolePolicyAttachment, { role: "r", policyArn: "arn:aws:iam::123456789012:policy/AdministratorAccess" })).toEqual([]);
    expect(check(I.iamNoAdminAttachments, IAM.rolePolicyAttachment, { role: "r", policyArn: `${ADMIN}-scoped` })).toEqual([]);
    expect(check(I.iamNoAdminAttachments, IAM.rolePolicyAttachment, { role: "r", policyArn: `x${ADMIN}` })).toEqual([]);
    expect(check(I.iamNoAdminAttachments, IAM.rolePolicyAttachment, { role: "r", policyArn: "<computed>" })).toEqual([]);
    expect(check(I.iamNoAdminAttachments, IAM.role, { managedPolicyArns: [{ arn: ADMIN }] })).toEqual([]);
  });

  it("exempts a break-glass role by its role property, a roles list entry, a role's name, or the resource name", () => {
    const exempt = { config: { exemptRoles: ["break-glass"] } };
    expect(check(I.iamNoAdminAttachments, IAM.policyAttachment, { roles: ["x", "break-glass"], policyArn: ADMIN }, exempt)).toEqual([]);
    expect(check(I.iamNoAdminAttachments, IAM.role, { name: "break-glass", managedPolicyArns: [ADMIN] }, { ...exempt, name: "bg" })).toEqual([]);
    expect(check(I.iamNoAdminAttachments, IAM.role, { managedPolicyArns: [ADMIN] }, { ...exempt, name: "break-glass" })).toEqual([]);
    expect(check(I.iamNoAdminAttachments, IAM.rolePolicyAttachment, { role: "api", policyArn: ADMIN }, { ...exempt, name: "break-glass" })).toEqual([]);
  });

  it("exempts only the names listed, and only role names (or the resource name)", () => {
    const exempt = { config: { exemptRoles: ["break-glass"] } };
    expect(check(I.iamNoAdminAttachments, IAM.rolePolicyAttachment, { role: "api", policyArn: ADMIN }, { ...exempt, name: "api-admin" })).toEqual([message("api-admin", "AdministratorAccess")]);
    // An attachment's own `name` property is not a role name.
    expect(check(I.iamNoAdminAttachments, IAM.policyAttachment, { name: "break-glass", roles: ["api"], policyArn: ADMIN }, { ...exempt, name: "pa" })).toEqual([message("pa", "AdministratorAccess")]);
    // A role's managed policy list is judged; an attachment's policyArn is the only ARN it has.
    expect(check(I.iamNoAdminAttachments, IAM.rolePolicyAttachment, { role: "api", managedPolicyArns: [ADMIN], policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" })).toEqual([]);
    expect(check(I.iamNoAdminAttachments, IAM.role, { policyArn: ADMIN, managedPolicyArns: [] })).toEqual([]);
  });
});

describe("openTrust", () => {
  const trust = (Principal: unknown, Action: unknown = "sts:AssumeRole", extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Principal, Action, ...extra });
  const ANYONE = 'principal "*" without a Condition: anyone in any AWS account can assume it';

  it('catches "*" as a bare principal, as AWS "*", and in a list of AWS principals', () => {
    expect(I.openTrust(trust("*"))).toBe(ANYONE);
    expect(I.openTrust(trust({ AWS: "*" }))).toBe(ANYONE);
    expect(I.openTrust(trust({ AWS: ["arn:aws:iam::123456789012:role/deployer", "*"] }))).toBe(ANYONE);
  });

  it("catches a whole account, as its root ARN (any partition) or its bare id", () => {
    const account = (id: string) => `account principal ${id} without a Condition: every role and user of that account can assume it`;
    expect(I.openTrust(trust({ AWS: "arn:aws:iam::999988887777:root" }))).toBe(account("999988887777"));
    expect(I.openTrust(trust({ AWS: "arn:aws-cn:iam::999988887777:root" }))).toBe(account("999988887777"));
    expect(I.openTrust(trust({ AWS: "999988887777" }))).toBe(account("999988887777"));
  });

  it("passes principals that only look like accounts: a role, a short or long id, a root ARN with a suffix", () => {
    expect(I.openTrust(trust({ AWS: "arn:aws:iam::999988887777:role/root" }))).toBeUndefined();
    expect(I.openTrust(trust({ AWS: "99998888777" }))).toBeUndefined();
    expect(I.openTrust(trust({ AWS: "9999888877771" }))).toBeUndefined();
    expect(I.openTrust(trust({ AWS: "x999988887777" }))).toBeUndefined();
    expect(I.openTrust(trust({ AWS: "arn:aws:iam::999988887777:rootx" }))).toBeUndefined();
    expect(I.openTrust(trust({ AWS: "xarn:aws:iam::999988887777:root" }))).toBeUndefined();
    expect(I.openTrust(trust({ Service: "999988887777" }))).toBeUndefined();
    expect(I.openTrust(trust({ NotAWS: "999988887777" }))).toBeUndefined(); // the kind must be exactly AWS
  });

  it("catches an OIDC provider without a Condition; a SAML provider passes", () => {
    expect(I.openTrust(trust({ Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }, "sts:AssumeRoleWithWebIdentity"))).toBe(
      "federated principal arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com without a Condition on its subject: every identity of that provider can assume it",
    );
    expect(I.openTrust(trust({ Federated: "arn:aws:iam::123456789012:saml-provider/okta" }, "sts:AssumeRoleWithSAML"))).toBeUndefined();
    expect(I.openTrust(trust({ Service: "eks.amazonaws.com" }))).toBeUndefined();
  });

  it("judges only Allow statements whose actions can assume the role (any sts: action, any case, or *)", () => {
    expect(I.openTrust(trust("*", "*"))).toBe(ANYONE);
    expect(I.openTrust(trust("*", ["s3:GetObject", "STS:TagSession"]))).toBe(ANYONE);
    expect(I.openTrust(trust("*", "s3:GetObject"))).toBeUndefined();
    expect(I.openTrust(trust("*", "xsts:AssumeRole"))).toBeUndefined();
    expect(I.openTrust(trust("*", [42]))).toBeUndefined();
    expect(I.openTrust({ ...trust("*"), Effect: "Deny" })).toBeUndefined();
    expect(I.openTrust(undefined)).toBeUndefined();
  });

  it("passes any principal under a non-empty Condition; an empty Condition is no condition", () => {
    expect(I.openTrust(trust("*", "sts:AssumeRole", { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }))).toBeUndefined();
    expect(I.openTrust(trust("*", "sts:AssumeRole", { Condition: {} }))).toBe(ANYONE);
    expect(I.openTrust(trust("*", "sts:AssumeRole", { Condition: null }))).toBe(ANYONE);
  });

  it("has no principal to judge in a missing or malformed Principal", () => {
    expect(I.openTrust(trust(undefined))).toBeUndefined();
    expect(I.openTrust(trust(null))).toBeUndefined();
    expect(I.openTrust(trust("999988887777"))).toBeUndefined();
    expect(I.openTrust(trust({ AWS: null }))).toBeUndefined();
    expect(I.openTrust(trust("arn:aws:iam::*:root"))).toBeUndefined(); // a string other than "*" is no principal
  });
});

describe("iam-trust-restricted", () => {
  it("reports each open statement; an unknown trust policy, a non-role and a role without one pass", () => {
    const open = doc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }, { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "sts:AssumeRole" });
    expect(check(I.iamTrustRestricted, IAM.role, { assumeRolePolicy: open }, { name: "r" })).toEqual([
      'r: trust policy allows principal "*" without a Condition: anyone in any AWS account can assume it; name the principal and add a Condition.',
      "r: trust policy allows account principal 111122223333 without a Condition: every role and user of that account can assume it; name the principal and add a Condition.",
    ]);
    expect(check(I.iamTrustRestricted, IAM.role, { assumeRolePolicy: "<computed>" })).toEqual([]);
    expect(check(I.iamTrustRestricted, IAM.role, {})).toEqual([]);
    expect(check(I.iamTrustRestricted, IAM.policy, { assumeRolePolicy: open })).toEqual([]);
  });
});

describe("kms-key-policy-not-public", () => {
  const open = (extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*", ...extra });

  it('catches a bare "*" principal; the message has no Sid when the statement has none', () => {
    expect(check(I.kmsKeyPolicyNotPublic, IAM.kmsKeyPolicy, { keyId: "k", policy: doc(open()) }, { name: "kp" })).toEqual([
      'kp: key policy statement allows principal "*" without a Condition: anyone can use the key; name the account or role.',
    ]);
    expect(check(I.kmsKeyPolicyNotPublic, IAM.kmsKey, { policy: doc(open({ Principal: { AWS: ["arn:aws:iam::123456789012:root", "*"] } })) })).toHaveLength(1);
  });

  it("passes a Deny, a conditioned Allow, a named principal, an unknown policy and other types", () => {
    expect(check(I.kmsKeyPolicyNotPublic, IAM.kmsKey, { policy: doc(open({ Effect: "Deny" })) })).toEqual([]);
    expect(check(I.kmsKeyPolicyNotPublic, IAM.kmsKey, { policy: doc(open({ Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } } })) })).toEqual([]);
    expect(check(I.kmsKeyPolicyNotPublic, IAM.kmsKey, { policy: doc(open({ Principal: { Service: "logs.amazonaws.com" } })) })).toEqual([]);
    expect(check(I.kmsKeyPolicyNotPublic, IAM.kmsKey, { policy: "<computed>" })).toEqual([]);
    expect(check(I.kmsKeyPolicyNotPublic, IAM.policy, { policy: doc(open()) })).toEqual([]);
  });

  it("skips malformed statements; a service given as * is anyone too", () => {
    expect(check(I.kmsKeyPolicyNotPublic, IAM.kmsKey, { policy: JSON.stringify({ Statement: [null, "x", { Effect: "Allow", Principal: { Service: "logs.amazonaws.com" } }] }) })).toEqual([]);
    expect(check(I.kmsKeyPolicyNotPublic, IAM.kmsKey, { policy: doc(open({ Principal: { Service: "*" } })) })).toHaveLength(1);
  });

  it("an empty Condition does not scope a public statement", () => {
    expect(check(I.kmsKeyPolicyNotPublic, IAM.kmsKey, { policy: doc(open({ Condition: {} })) })).toHaveLength(1);
  });
});
