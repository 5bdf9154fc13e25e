/** IAM and KMS: wildcard grants, admin policies on workload roles, open trust, public key policies. */
import { describe, expect, it } from "vitest";
import * as I from "../policy/iam";
import { check } from "./policy-args";

const { IAM } = I;
const doc = (...Statement: any[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("iam-no-wildcard-grants", () => {
  it('catches "*:*", iam:* and kms:* on "*", and NotAction on "*", in managed, inline and role-inline policies', () => {
    expect(check(I.iamNoWildcardGrants, IAM.policy, { policy: doc({ Effect: "Allow", Action: "*:*", Resource: "*" }) }, { name: "admin" })).toEqual([
      'admin: policy grants Action "*:*" on Resource "*" (full administrator); list the actions and resources the workload needs.',
    ]);
    expect(check(I.iamNoWildcardGrants, IAM.rolePolicy, { role: "api", policy: doc({ Sid: "Keys", Effect: "Allow", Action: ["kms:*"], Resource: ["*"] }) }, { name: "api-kms" })).toEqual([
      'api-kms: policy statement Keys grants Action "kms:*" on Resource "*" (every KMS action on every resource); list the actions and resources the workload needs.',
    ]);
    expect(check(I.iamNoWildcardGrants, IAM.role, { assumeRolePolicy: doc(), inlinePolicies: [{ name: "boot", policy: doc({ Effect: "Allow", Action: "iam:*", Resource: "*" }) }] }, { name: "r" })[0]).toMatch(/inline policy boot grants Action "iam:\*"/);
    expect(check(I.iamNoWildcardGrants, IAM.policy, { policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) })[0]).toMatch(/NotAction/);
  });

  it("passes scoped statements, a service wildcard on one resource, and Deny statements", () => {
    expect(check(I.iamNoWildcardGrants, IAM.policy, { policy: doc(
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::fti-uploads/*" },
      { Effect: "Allow", Action: "kms:*", Resource: "arn:aws:kms:us-east-1:123456789012:key/abc" },
      { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ) })).toEqual([]);
  });
});

describe("iam-no-admin-attachments", () => {
  it("catches AdministratorAccess on a workload role (attachment and managedPolicyArns); a scoped policy and an exempt break-glass role pass", () => {
    expect(check(I.iamNoAdminAttachments, IAM.rolePolicyAttachment, { role: "api-irsa", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { name: "api-admin" })).toEqual([
      "api-admin: attaches AdministratorAccess; a workload role gets a policy scoped to its actions and resources, never account administration.",
    ]);
    expect(check(I.iamNoAdminAttachments, IAM.role, { assumeRolePolicy: doc(), managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] }, { name: "ci" })[0]).toMatch(/attaches IAMFullAccess/);
    expect(check(I.iamNoAdminAttachments, IAM.rolePolicyAttachment, { role: "api-irsa", policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" })).toEqual([]);
    expect(check(I.iamNoAdminAttachments, IAM.rolePolicyAttachment, { role: "break-glass", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, { config: { exemptRoles: ["break-glass"] } })).toEqual([]);
  });
});

describe("iam-trust-restricted", () => {
  const assume = (Principal: any, Condition?: any) => doc({ Effect: "Allow", Principal, Action: "sts:AssumeRole", ...(Condition ? { Condition } : {}) });
  it('catches "*", another account and an OIDC provider without Conditions', () => {
    expect(check(I.iamTrustRestricted, IAM.role, { assumeRolePolicy: assume("*") }, { name: "r" })).toEqual([
      'r: trust policy allows principal "*" without a Condition: anyone in any AWS account can assume it; name the principal and add a Condition.',
    ]);
    expect(check(I.iamTrustRestricted, IAM.role, { assumeRolePolicy: assume({ AWS: "arn:aws:iam::999988887777:root" }) }, { name: "r" })[0]).toMatch(/account principal 999988887777 without a Condition/);
    expect(check(I.iamTrustRestricted, IAM.role, { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }, Action: "sts:AssumeRoleWithWebIdentity" }) }, { name: "gha" })[0]).toMatch(/federated principal .*githubusercontent.com without a Condition/);
  });

  it("passes a service principal, a named role, an account with sts:ExternalId, and IRSA with its sub condition", () => {
    expect(check(I.iamTrustRestricted, IAM.role, { assumeRolePolicy: assume({ Service: "ec2.amazonaws.com" }) })).toEqual([]);
    expect(check(I.iamTrustRestricted, IAM.role, { assumeRolePolicy: assume({ AWS: "arn:aws:iam::123456789012:role/deployer" }) })).toEqual([]);
    expect(check(I.iamTrustRestricted, IAM.role, { assumeRolePolicy: assume({ AWS: "999988887777" }, { StringEquals: { "sts:ExternalId": "fti-7d3c" } }) })).toEqual([]);
    expect(check(I.iamTrustRestricted, IAM.role, { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "oidc.eks.us-east-1.amazonaws.com/id/X:sub": "system:serviceaccount:api:api" } } }) })).toEqual([]);
  });
});

describe("kms-key-policy-not-public", () => {
  it('catches a key policy open to "*"; the account root and a conditioned service principal pass', () => {
    expect(check(I.kmsKeyPolicyNotPublic, IAM.kmsKey, { policy: doc({ Sid: "Open", Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" }) }, { name: "key" })).toEqual([
      'key: key policy statement Open allows principal "*" without a Condition: anyone can use the key; name the account or role.',
    ]);
    expect(check(I.kmsKeyPolicyNotPublic, IAM.kmsKeyPolicy, { keyId: "k", policy: doc(
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" },
      { Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:CallerAccount": "123456789012" } } },
    ) })).toEqual([]);
  });
});
