/**
 * Is this literal a credential? Judged by the value: known key formats, private-key blocks, credentials inside
 * URLs or connection strings, and high-entropy tokens. A key's name is only a hint: a secret-looking name
 * (`DB_PASSWORD`) lowers the bar for an opaque value, but never condemns an ordinary one (`PASSWORD_MIN_LENGTH:
 * "12"`, `OAUTH_TOKEN_URL: https://...`, `REDIS_URL: redis://host:6379`).
 */

/** Known credential formats, each from its issuer's published token format. */
export const KNOWN_SECRET_FORMATS: { name: string; re: RegExp }[] = [
  { name: "a Stripe live key", re: /\b[sr]k_live_[0-9A-Za-z]{16,}/ },
  { name: "an AWS access key id", re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: "a GitHub token", re: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { name: "a Slack token", re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { name: "a GitLab token", re: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { name: "a Google API key", re: /\bAIza[0-9A-Za-z_-]{35}/ },
  // sk-..., sk-proj-..., sk-ant-api03-...: the prefixes after "sk-" are in the key alphabet, so one run covers all three.
  { name: "an OpenAI / Anthropic API key", re: /\bsk-[A-Za-z0-9_-]{20,}/ },
  { name: "a SendGrid API key", re: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/ },
  { name: "an npm token", re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { name: "a Hugging Face token", re: /\bhf_[A-Za-z0-9]{30,}/ },
  { name: "a JSON Web Token", re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { name: "a private key block", re: /-----BEGIN ([A-Z]+ )*PRIVATE KEY( BLOCK)?-----/ },
  { name: "an HTTP Authorization credential", re: /\b(Bearer|Basic) [A-Za-z0-9+/=._~-]{8,}/ },
  { name: "a PgBouncer userlist entry", re: /SCRAM-SHA-256\$\d+:|"md5[0-9a-f]{32}"/ },
];

/** A reference to a secret rather than the secret: $(VAR), ${VAR}, {{ .Values.x }}, <placeholder>, ***. */
const PLACEHOLDER = /^(\$\(.+\)|\$\{.+\}|\{\{.+\}\}|<[^>]*>|\*+|x+|changeme|redacted)$/i;

/** The password inside `scheme://user:password@host`, unless it is a placeholder. */
export function urlCredential(value: string): string | undefined {
  for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/([^:/\s@]*):([^@/\s]+)@/gi)) {
    if (!PLACEHOLDER.test(decodeSafe(m[2]))) return m[2];
  }
  return undefined;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `password=...` / `pwd=...` in an ini line or a key-value DSN, unless the value is a placeholder. */
function assignedPassword(value: string): boolean {
  for (const m of value.matchAll(/(^|[\s;?&])(password|passwd|pwd)\s*=\s*([^\s;&'"]+)/gim)) if (!PLACEHOLDER.test(m[3])) return true;
  return false;
}

/** Shannon entropy of a string, bits per character. */
export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/**
 * Thresholds for a token to look random: at least `minLength` characters of the base64/url-safe alphabet with
 * upper case, lower case and digits mixed, and at least `minEntropy` bits per character. Random base64 of 24+
 * characters measures 4.3-5.2 bits; identifiers, words and paths of that length stay under 4.
 */
export const ENTROPY = { minLength: 24, minEntropy: 4.2, hintedMinLength: 12, hintedMinEntropy: 3.0 };

function looksRandom(token: string, minLength: number, minEntropy: number, needMixed: boolean): boolean {
  if (token.length < minLength) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((re) => re.test(token)).length;
  if (needMixed && classes < 3) return false;
  return shannonEntropy(token) >= minEntropy;
}

/** Tokens of a text that could be keys: runs of the base64 / url-safe alphabet (paths and words split apart). */
function tokens(value: string): string[] {
  return value.match(/[A-Za-z0-9+=_-]+/g) ?? [];
}

/** Names that hint at a secret (`DB_PASSWORD`, `apiKey`, `STRIPE_SECRET`, `AUTH_TOKEN`). */
export const SECRET_NAME_HINT = /(password|passwd|secret|token|api[-_]?key|private[-_]?key|credential)/i;

/** Values that are ordinary config whatever their key is called (a URL with a password was reported before this runs). */
function ordinary(value: string): boolean {
  const v = value.trim();
  return (
    /^-?\d+(\.\d+)?([a-z]{1,3}|%)?$/i.test(v) || // numbers, sizes, durations: 12, 30s, 5m, 512Mi
    /^(true|false|yes|no|on|off|enabled|disabled|none|null|required|optional)$/i.test(v) ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(v) || // a URL (without credentials: secretValueProblem reported those)
    /^arn:aws[a-z-]*:/.test(v) ||
    /^\.{0,2}\//.test(v) || // a file path
    /^[a-z0-9]+([-.][a-z0-9]+)+$/.test(v) || // a resource name such as db-credentials or api.internal
    PLACEHOLDER.test(v)
  );
}

/** Why `value` (under `key`) is a credential, or undefined. */
export function secretValueProblem(key: string, value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  for (const f of KNOWN_SECRET_FORMATS) if (f.re.test(value)) return `holds ${f.name}`;
  if (urlCredential(value) !== undefined) return "holds a URL with a password (scheme://user:password@host)";
  if (assignedPassword(value)) return "holds a password assignment (password=...)";
  const hinted = SECRET_NAME_HINT.test(key);
  for (const t of tokens(value)) {
    if (looksRandom(t, ENTROPY.minLength, ENTROPY.minEntropy, true)) return `holds a high-entropy string (${t.length} characters, ${shannonEntropy(t).toFixed(1)} bits/char)`;
  }
  if (hinted && !ordinary(value)) {
    if (tokens(value).some((t) => looksRandom(t, ENTROPY.hintedMinLength, ENTROPY.hintedMinEntropy, false))) return "is named like a secret and holds a random-looking value";
    if (!/\s/.test(value.trim())) return "is named like a secret and holds an opaque literal";
  }
  return undefined;
}

/** Every (path, problem) in a value, descending into JSON documents (a ConfigMap's JSON, say). */
export function secretsIn(key: string, value: unknown, path = key): { path: string; problem: string }[] {
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return secretsIn(key, JSON.parse(trimmed), path);
      } catch {
        /* not JSON: judge the text */
      }
    }
    const problem = secretValueProblem(key, value);
    return problem ? [{ path, problem }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => secretsIn(key, v, `${path}[${i}]`));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => secretsIn(k, v, `${path}.${k}`));
  return [];
}
