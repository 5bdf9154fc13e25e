/**
 * IAM and KMS rules: policy documents that grant everything (or everything in IAM/KMS/STS), AWS-managed admin
 * policies attached to roles, trust policies anyone (or any account) can use, key policies open to everyone.
 * Documents arrive as JSON text (or objects) on the provider's inputs; an unknown document (a preview) is not
 * judged.
 */
import { configOf, parseMaybeJson, resourceRule, schemaFrom, type Rule } from "./kit";

export const IAM = {
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
} as const;

const list = (v: unknown): any[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** The statements of a policy document; none while it is unknown (a preview's placeholder is not JSON) or unparseable. */
export function statementsOf(doc: unknown): any[] {
  const parsed = parseMaybeJson(doc);
  if (parsed === null || typeof parsed !== "object") return [];
  return list(parsed.Statement);
}

/** Every principal a statement names, as "AWS:<x>", "Service:<x>", "Federated:<x>", or "*" for anyone (`"*"`, `{ AWS: "*" }`). */
function principals(s: any): string[] {
  const p = s.Principal;
  if (p === "*") return ["*"];
  // Any other string is not a valid principal: nothing to judge.
  return Object.entries(typeof p === "object" && p !== null ? p : {}).flatMap(([kind, v]) => list(v).map((x) => (x === "*" ? "*" : `${kind}:${x}`)));
}

const hasCondition = (s: any) => s.Condition !== undefined && s.Condition !== null && Object.keys(s.Condition).length > 0;

// ---------------------------------------------------------------------------------------------------------

const wildcardDefaults = { sensitiveServices: ["iam", "kms", "sts", "organizations"] };

/** Why an Allow statement is a wildcard grant, or undefined. */
export function wildcardGrant(s: any, sensitiveServices: string[]): string | undefined {
  if (s?.Effect !== "Allow") return undefined;
  const resources = list(s.Resource);
  const onAll = resources.includes("*") || (s.NotResource !== undefined && resources.length === 0);
  if (!onAll) return undefined;
  if (s.NotAction !== undefined) return `Allow with NotAction ${JSON.stringify(s.NotAction)} on Resource "*" (everything except a list)`;
  const actions = list(s.Action).filter((a): a is string => typeof a === "string");
  const all = actions.find((a) => a === "*" || a === "*:*");
  if (all) return `Action "${all}" on Resource "*" (full administrator)`;
  const service = actions.find((a) => sensitiveServices.some((svc) => a.toLowerCase() === `${svc}:*`));
  if (service) return `Action "${service}" on Resource "*" (every ${service.split(":")[0].toUpperCase()} action on every resource)`;
  return undefined;
}

function policyDocs(type: string, props: Record<string, any>): { where: string; doc: unknown }[] {
  if (type === IAM.role) return list(props.inlinePolicies).map((p) => ({ where: `inline policy ${p?.name ?? "?"}`, doc: p?.policy }));
  return [{ where: "policy", doc: props.policy }];
}

export const iamNoWildcardGrants = resourceRule({
  name: "iam-no-wildcard-grants",
  description: 'IAM policies (managed, inline on roles/users/groups) grant no "*" / "*:*" and no iam:*, kms:*, sts:*, organizations:* on Resource "*".',
  types: [IAM.policy, IAM.rolePolicy, IAM.userPolicy, IAM.groupPolicy, IAM.role],
  configSchema: schemaFrom(wildcardDefaults),
  validate: (props, args, report) => {
    const { sensitiveServices } = configOf(args, wildcardDefaults);
    for (const { where, doc } of policyDocs(args.type, props)) {
      for (const s of statementsOf(doc)) {
        const why = wildcardGrant(s, sensitiveServices);
        if (why) report(`${args.name}: ${where}${s.Sid ? ` statement ${s.Sid}` : ""} grants ${why}; list the actions and resources the workload needs.`);
      }
    }
  },
});

/** AWS-managed policies that make a role an administrator (of the account, or of IAM, which is the same). */
export const ADMIN_POLICY_ARNS = ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::aws:policy/PowerUserAccess"];

const adminDefaults = { exemptRoles: [] as string[] };
export const iamNoAdminAttachments = resourceRule({
  name: "iam-no-admin-attachments",
  description: "No AdministratorAccess, IAMFullAccess or PowerUserAccess on roles, users or groups the stack manages (workload roles get scoped policies; exemptRoles lists deliberate break-glass roles).",
  types: [IAM.rolePolicyAttachment, IAM.policyAttachment, IAM.userPolicyAttachment, IAM.groupPolicyAttachment, IAM.role],
  configSchema: schemaFrom(adminDefaults),
  validate: (props, args, report) => {
    const { exemptRoles } = configOf(args, adminDefaults);
    const roles = [props.role, ...list(props.roles), args.type === IAM.role ? props.name ?? args.name : undefined];
    if (roles.some((r) => exemptRoles.includes(r)) || exemptRoles.includes(args.name)) return;
    const arns = args.type === IAM.role ? list(props.managedPolicyArns) : [props.policyArn];
    for (const arn of arns) {
      // Stryker disable next-line Regex: without ^ the leftmost match is the same one; any other leaves a prefix, so the ARN cannot equal an admin ARN.
      if (typeof arn === "string" && ADMIN_POLICY_ARNS.some((a) => arn.replace(/^arn:aws[a-z-]*:/, "arn:aws:") === a)) {
        report(`${args.name}: attaches ${arn.split("/").pop()}; a workload role gets a policy scoped to its actions and resources, never account administration.`);
      }
    }
  },
});

/** Why a trust-policy statement lets anyone (or any principal of another account) assume the role, or undefined. */
export function openTrust(s: any): string | undefined {
  if (s?.Effect !== "Allow") return undefined;
  const actions = list(s.Action).filter((a): a is string => typeof a === "string");
  if (!actions.some((a) => a === "*" || a.toLowerCase().startsWith("sts:"))) return undefined;
  if (hasCondition(s)) return undefined;
  for (const p of principals(s)) {
    if (p === "*") return `principal "*" without a Condition: anyone in any AWS account can assume it`;
    const account = /^AWS:(arn:aws[a-z-]*:iam::(\d{12}):root|(\d{12}))$/.exec(p);
    if (account) return `account principal ${account[2] ?? account[3]} without a Condition: every role and user of that account can assume it`;
    if (p.startsWith("Federated:") && !p.includes("saml-provider")) return `federated principal ${p.slice(10)} without a Condition on its subject: every identity of that provider can assume it`;
  }
  return undefined;
}

export const iamTrustRestricted = resourceRule({
  name: "iam-trust-restricted",
  description: 'Role trust policies never trust "*", a whole account or an OIDC provider without Conditions (sts:ExternalId, aws:PrincipalOrgID, <oidc>:sub ...).',
  types: [IAM.role],
  validate: (props, args, report) => {
    for (const s of statementsOf(props.assumeRolePolicy)) {
      const why = openTrust(s);
      if (why) report(`${args.name}: trust policy allows ${why}; name the principal and add a Condition.`);
    }
  },
});

export const kmsKeyPolicyNotPublic = resourceRule({
  name: "kms-key-policy-not-public",
  description: 'KMS key policies do not allow principal "*" without a Condition that scopes it (aws:PrincipalAccount, kms:CallerAccount, aws:SourceArn ...).',
  types: [IAM.kmsKey, IAM.kmsKeyPolicy],
  validate: (props, args, report) => {
    for (const s of statementsOf(props.policy)) {
      if (s?.Effect !== "Allow" || hasCondition(s)) continue;
      if (principals(s).includes("*")) report(`${args.name}: key policy statement ${s.Sid ? `${s.Sid} ` : ""}allows principal "*" without a Condition: anyone can use the key; name the account or role.`);
    }
  },
});

export const iamRules: Rule[] = [iamNoWildcardGrants, iamNoAdminAttachments, iamTrustRestricted, kmsKeyPolicyNotPublic];
