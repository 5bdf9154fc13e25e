/**
 * Paging: who hears about an alert, how fast, through which channel. Severity picks the channel (critical pages
 * through PagerDuty, warning goes to the chat channel), and the seeds' escalation matrix is data rendered into the
 * routing: the paging route re-notifies at the first human level's response time, and every page carries the
 * whole chain so PagerDuty's escalation policy and the responder see the same levels. Pure: no resources.
 */

/** One level of the escalation matrix (seed 004, "Emergency Contacts / Escalation Matrix"). */
export interface EscalationLevel {
  level: number;
  responder: string;
  /** Time to first response; 0 for the automated level. */
  respondWithinMinutes: number;
  /** What this level does. */
  duty: string;
}

export const ESCALATION_LEVELS: readonly EscalationLevel[] = [
  { level: 1, responder: "Automated systems", respondWithinMinutes: 0, duty: "detection, alerting, health checks, automated restart and recovery" },
  { level: 2, responder: "DevOps on-call", respondWithinMinutes: 15, duty: "first human response, standard diagnosis from the runbooks, escalation decision" },
  { level: 3, responder: "Platform architect", respondWithinMinutes: 30, duty: "complex issues, architecture decisions, emergency changes" },
  { level: 4, responder: "Engineering management", respondWithinMinutes: 60, duty: "business impact, more responders, customer and stakeholder communication" },
];

/** Which channel each alert severity reaches (seed 004, "Communication Channels"). */
export const SEVERITY_CHANNEL = { critical: "page", warning: "chat" } as const;

/** Where kube-prometheus-stack mounts a Secret named in `alertmanagerSpec.secrets`. */
export const ALERTMANAGER_SECRETS_DIR = "/etc/alertmanager/secrets";

/** The Kubernetes Secret holding the paging credentials, and its keys. */
export const PAGING_SECRET = { name: "alertmanager-paging", slackWebhookKey: "slack-webhook-url", pagerdutyRoutingKeyKey: "pagerduty-routing-key" } as const;

export interface PagingReceivers {
  /** Chat channel for warnings (and a copy of every page). The webhook URL is read from the paging Secret. */
  slack?: { channel: string };
  /** PagerDuty Events API v2 service; its routing key is read from the paging Secret. */
  pagerduty?: boolean;
}

const SLACK_CHANNEL = /^#[a-z0-9][a-z0-9_-]{0,79}$/;

/** Throws on a chat channel Slack would not accept, naming it. */
export function validatePagingReceivers(p: PagingReceivers): void {
  if (p.slack && !SLACK_CHANNEL.test(p.slack.channel)) {
    throw new Error(`paging: slack.channel ${JSON.stringify(p.slack.channel)} must be a channel name such as #ops-alerts (lowercase letters, digits, - and _, at most 80)`);
  }
}

/** "L2 DevOps on-call (< 15 min) -> L3 ..." : the human levels, in order, as every page states them. */
export function escalationChain(levels: readonly EscalationLevel[] = ESCALATION_LEVELS): string {
  return levels.filter((l) => l.respondWithinMinutes > 0).map((l) => `L${l.level} ${l.responder} (< ${l.respondWithinMinutes} min)`).join(" -> ");
}

/** The first level a human answers: pages repeat at its response time until the alert resolves. */
export function firstHumanLevel(levels: readonly EscalationLevel[] = ESCALATION_LEVELS): EscalationLevel {
  const sorted = [...levels].sort((a, b) => a.level - b.level);
  const human = sorted.find((l) => l.respondWithinMinutes > 0);
  if (!human) throw new Error("escalation levels name no human responder");
  sorted.forEach((l, i) => {
    if (i > 0 && l.respondWithinMinutes < sorted[i - 1].respondWithinMinutes) throw new Error(`escalation level ${l.level} answers faster (${l.respondWithinMinutes} min) than level ${sorted[i - 1].level}`);
  });
  return human;
}

const secretFile = (key: string) => `${ALERTMANAGER_SECRETS_DIR}/${PAGING_SECRET.name}/${key}`;

/** Routes placed before the SNS routes: critical to the pager, critical and warning to chat; each continues so SNS still gets them. */
export function pagingRoutes(p: PagingReceivers, levels: readonly EscalationLevel[] = ESCALATION_LEVELS): Record<string, unknown>[] {
  validatePagingReceivers(p);
  const repeat = `${firstHumanLevel(levels).respondWithinMinutes}m`;
  const routes: Record<string, unknown>[] = [];
  if (p.pagerduty) routes.push({ receiver: "pagerduty", matchers: ['severity = "critical"'], group_wait: "10s", repeat_interval: repeat, continue: true });
  if (p.slack) routes.push({ receiver: "slack", matchers: ['severity =~ "critical|warning"'], continue: true });
  return routes;
}

/** The receivers the routes name; credentials come from files (the mounted Secret), never inline. */
export function pagingReceivers(p: PagingReceivers, levels: readonly EscalationLevel[] = ESCALATION_LEVELS): Record<string, unknown>[] {
  validatePagingReceivers(p);
  const chain = escalationChain(levels);
  const receivers: Record<string, unknown>[] = [];
  if (p.pagerduty) {
    receivers.push({
      name: "pagerduty",
      pagerduty_configs: [{
        routing_key_file: secretFile(PAGING_SECRET.pagerdutyRoutingKeyKey),
        send_resolved: true,
        severity: "critical",
        description: "{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}",
        details: { escalation: chain, namespace: "{{ .CommonLabels.namespace }}", description: "{{ .CommonAnnotations.description }}", runbook: "{{ .CommonAnnotations.runbook_url }}" },
      }],
    });
  }
  if (p.slack) {
    receivers.push({
      name: "slack",
      slack_configs: [{
        api_url_file: secretFile(PAGING_SECRET.slackWebhookKey),
        channel: p.slack.channel,
        send_resolved: true,
        title: "[{{ .Status | toUpper }}] {{ .CommonLabels.severity }}: {{ .CommonLabels.alertname }}",
        text: `{{ .CommonAnnotations.summary }}\n{{ .CommonAnnotations.description }}\nEscalation: ${chain}`,
      }],
    });
  }
  return receivers;
}
