import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Pods in one namespace, by labels (all pods of the namespace when `podLabels` is omitted). */
export interface PodPeer {
  namespace: string;
  podLabels?: Record<string, string>;
}

/** Who may open connections to a set of pods on given ports; everything else is refused. */
export interface AccessRule {
  /** Policy name (unique per namespace). */
  name: string;
  /** The protected pods. */
  target: PodPeer & { podLabels: Record<string, string> };
  /** One entry per set of ports with the peers allowed on them. */
  allow: { ports: number[]; from: PodPeer[] }[];
}

/** NetworkPolicy spec admitting only the rule's peers on the rule's ports (ingress; egress untouched). */
export function ingressPolicySpec(rule: AccessRule) {
  if (rule.allow.length === 0) throw new Error(`NetworkAccess rule ${rule.name}: allow is empty; expected at least one { ports, from } entry`);
  for (const a of rule.allow) {
    if (a.from.length === 0) throw new Error(`NetworkAccess rule ${rule.name}: an allow entry for ports ${JSON.stringify(a.ports)} has no peers`);
    const bad = a.ports.filter((p) => !Number.isInteger(p) || p < 1 || p > 65535);
    if (a.ports.length === 0 || bad.length > 0) throw new Error(`NetworkAccess rule ${rule.name}: ports ${JSON.stringify(a.ports)} must be 1 to 65535, at least one`);
  }
  return {
    podSelector: { matchLabels: rule.target.podLabels },
    policyTypes: ["Ingress"],
    ingress: rule.allow.map((a) => ({
      from: a.from.map((peer) => ({
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } },
        ...(peer.podLabels ? { podSelector: { matchLabels: peer.podLabels } } : {}),
      })),
      ports: a.ports.map((port) => ({ protocol: "TCP", port })),
    })),
  };
}

export interface NetworkAccessArgs {
  rules: AccessRule[];
}

/**
 * NetworkPolicies that admit only named client pods to a service's pods (e.g. only the API and the workers
 * reach PgBouncer, only the workers reach Ollama). Namespaces are matched by `kubernetes.io/metadata.name`.
 */
export class NetworkAccess extends pulumi.ComponentResource {
  readonly policyNames: string[];

  constructor(name: string, args: NetworkAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("finishthisidea:k8s:NetworkAccess", name, {}, opts);
    for (const rule of args.rules) {
      new k8s.networking.v1.NetworkPolicy(`${name}-${rule.name}`, {
        metadata: {
          name: rule.name,
          namespace: rule.target.namespace,
          labels: { "app.kubernetes.io/part-of": "finishthisidea", "app.kubernetes.io/managed-by": "pulumi" },
        },
        spec: ingressPolicySpec(rule),
      }, { parent: this });
    }
    this.policyNames = args.rules.map((r) => r.name);
    this.registerOutputs({ policyNames: this.policyNames });
  }
}
